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

    // Four times SQLite's default wal_autocheckpoint (16 MB of WAL with 4 KiB pages): the same index pages
    // are written by commit after commit, and a checkpoint copies each page once however often the WAL holds
    // it, so fewer, larger checkpoints copy less. At full-speed ingest this thread's CPU per webhook fell
    // from 45 to 24 µs (docs/benchmarks.md); the WAL file stays bounded at about this size.
    static constexpr int k_wal_pages = 4000;

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
