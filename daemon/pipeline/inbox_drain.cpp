#include "daemon/pipeline/inbox_drain.hpp"

#include "common/time_format.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/pipeline/thread_priority.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "daemon/store/store.hpp"

#include <algorithm>

namespace sbc::pipeline {
namespace {

// Rows handed to the store at once (Store::write_batch): one commit when nothing else waits; while
// webhooks wait for theirs, a commit takes 8 of the rows, so that none waits behind all 64 (about 13 ms).
constexpr int k_batch = 64;
// How often a waiting drain looks whether the burst is over.
constexpr std::chrono::milliseconds k_burst_poll{2};
// After a failure: 10 ms, doubling up to 2 s, so that a failing disk is not hammered.
constexpr std::chrono::milliseconds k_first_retry{10};
constexpr std::chrono::milliseconds k_max_retry{2000};
// Attempts at a row that fails while the store works, before it is set aside.
constexpr int k_max_attempts = 3;

} // namespace

InboxDrain::InboxDrain(store::Store& store, Pipeline& pipeline, Handled handled)
    : m_store(store), m_pipeline(pipeline), m_handled(std::move(handled)), m_thread([this] {
          log::name_this_thread("sbc-inbox");
          lower_this_thread_priority("inbox");
          run();
      }) {}

InboxDrain::~InboxDrain() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

void InboxDrain::wake() {
    {
        std::lock_guard lock(m_mutex);
        if (m_woken) {
            return; // a burst wakes it once, not per webhook
        }
        m_woken = true;
    }
    m_cv.notify_one();
}

bool InboxDrain::wait_for_work() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [this] { return m_woken || m_stopping; });
    m_woken = false;
    return !m_stopping;
}

bool InboxDrain::pause(std::chrono::milliseconds how_long) {
    std::unique_lock lock(m_mutex);
    return !m_cv.wait_for(lock, how_long, [this] { return m_stopping; });
}

bool InboxDrain::wait_out_burst(std::int64_t oldest_received_ms) {
    auto wait_ms = m_pipeline.burst_wait_ms();
    while (m_pipeline.deferring() && time_format::now_ms() - oldest_received_ms < wait_ms) {
        if (!pause(k_burst_poll)) {
            return false;
        }
    }
    return true;
}

bool InboxDrain::stopping() {
    std::lock_guard lock(m_mutex);
    return m_stopping;
}

void InboxDrain::run() {
    auto retry = k_first_retry;
    while (wait_for_work()) {
        while (!stopping()) {
            auto batch = drain_batch();
            if (batch == Batch::empty) {
                break;
            }
            if (batch == Batch::done) {
                retry = k_first_retry;
                continue;
            }
            if (batch == Batch::stopping || !pause(retry)) {
                return;
            }
            retry = std::min(retry * 2, k_max_retry);
        }
    }
}

InboxDrain::Batch InboxDrain::drain_batch() {
    auto rows = m_store.read([](store::Database& db) -> Result<std::vector<store::InboxRow>> {
        return store::next_inbox(db, k_batch);
    });
    if (!rows) {
        log_warn("inbox", "cannot read the inbox: {}", rows.error().message);
        return Batch::failed;
    }
    if (rows->empty()) {
        return Batch::empty;
    }
    if (!wait_out_burst(rows->front().received_at)) {
        return Batch::stopping;
    }
    return handle(*rows) ? Batch::done : Batch::failed;
}

bool InboxDrain::handle(const std::vector<store::InboxRow>& rows) {
    auto results = m_pipeline.handle_inbox(rows);
    bool all = true;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const auto& row = rows[i];
        if (!results[i]) {
            all = false;
            failed(row, results[i].error());
            continue;
        }
        m_failures.erase(row.id);
        if (results[i]->kind == Outcome::Kind::unknown_number) {
            log_warn("inbox", "message {} from {} dropped: no business is on {} any more", row.message_sid,
                     row.from, row.to);
        }
        m_handled(*results[i]);
    }
    return all;
}

void InboxDrain::failed(const store::InboxRow& row, const Error& error) {
    if (m_store.write_failure()) {
        return; // the disk: every row waits for it, none is to blame
    }
    if (++m_failures[row.id] < k_max_attempts) {
        log_warn("inbox", "message {} from {} not handled yet: {}", row.message_sid, row.from, error.message);
        return;
    }
    m_failures.erase(row.id);
    auto now = time_format::now_ms();
    auto set = m_store.write([&](store::Database& db) -> Status {
        store::set_inbox_failed(db, row.id, error.message, now);
        return ok_status();
    });
    log_error("inbox",
              "message {} from {} to {} set aside after {} attempts: {}; it stays in the inbox table "
              "(failed_at) for inspection{}",
              row.message_sid, row.from, row.to, k_max_attempts, error.message,
              set ? "" : " (and could not be marked: " + set.error().message + ")");
}

} // namespace sbc::pipeline
