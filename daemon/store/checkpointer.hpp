#pragma once
// Checkpoints the write-ahead log on a thread and connection of its own.
//
// SQLite checkpoints by default inside the commit that takes the WAL past 1,000 pages: that commit then
// copies the WAL into the database file and fsyncs it, and every webhook of its group, and of the groups
// queued behind it, waits for it (the stalls of tens of milliseconds in the benchmark's tails). Here the
// writer's commit only notes the WAL's size; a passive checkpoint runs beside it, never blocking the writer
// or the readers. What a commit makes durable does not change: the WAL is fsynced at each commit as before.

#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

struct sqlite3;

namespace sbc::store {

class Checkpointer {
  public:
    // Takes over `writer`'s automatic checkpoints for the database file at `path`.
    Checkpointer(const std::string& path, sqlite3* writer);
    Checkpointer(const Checkpointer&) = delete;
    Checkpointer& operator=(const Checkpointer&) = delete;
    // Call only once the writer commits no more (the hook runs on the writer's thread).
    ~Checkpointer();

    // As SQLite's default wal_autocheckpoint.
    static constexpr int k_wal_pages = 1000;

  private:
    static int on_commit(void* self, sqlite3* db, const char* schema, int wal_pages);
    void run();

    std::string m_path;
    sqlite3* m_writer;
    std::mutex m_mutex; // guards the two flags
    std::condition_variable m_cv;
    bool m_due = false;
    bool m_stopping = false;
    std::thread m_thread; // last: starts after everything above exists
};

} // namespace sbc::store
