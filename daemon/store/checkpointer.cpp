#include "daemon/store/checkpointer.hpp"

#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/store/database.hpp"

#include <sqlite3.h>

namespace sbc::store {

Checkpointer::Checkpointer(const std::string& path, sqlite3* writer)
    : m_path(path), m_writer(writer), m_thread([this] {
          log::name_this_thread("sbc-checkpoint");
          run();
      }) {
    // Replaces SQLite's own wal_autocheckpoint hook on this connection.
    sqlite3_wal_hook(m_writer, &Checkpointer::on_commit, this);
}

Checkpointer::~Checkpointer() {
    sqlite3_wal_hook(m_writer, nullptr, nullptr);
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

int Checkpointer::on_commit(void* self, sqlite3* /*db*/, const char* /*schema*/, int wal_pages) {
    if (wal_pages >= k_wal_pages) {
        auto* me = static_cast<Checkpointer*>(self);
        {
            std::lock_guard lock(me->m_mutex);
            me->m_due = true;
        }
        me->m_cv.notify_one();
    }
    return SQLITE_OK;
}

void Checkpointer::run() {
    std::unique_ptr<Database> db;
    for (;;) {
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_due || m_stopping; });
            if (m_stopping) {
                return; // the last connection to close checkpoints what is left
            }
            m_due = false;
        }
        try {
            if (!db) {
                db = std::make_unique<Database>(m_path, false);
            }
            int rc =
                sqlite3_wal_checkpoint_v2(db->handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
            if (rc != SQLITE_OK) {
                // The next commit past the threshold tries again; a failing disk is the writer's to report.
                log_debug("store", "WAL checkpoint: {}", sqlite3_errmsg(db->handle()));
            }
        } catch (const std::exception& e) {
            log_debug("store", "WAL checkpoint: {}", e.what());
        }
    }
}

} // namespace sbc::store
