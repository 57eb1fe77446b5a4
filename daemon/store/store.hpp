#pragma once
// The store: one SQLite file, one writer thread that commits queued writes in groups, and a pool of reader
// connections. Every write is atomic on its own (a savepoint inside the group's transaction) and its caller
// returns only after the group's COMMIT, so nothing is acknowledged before it is durable. Under a burst the
// writer waits up to a group window for the writes it expects, so that more of them share each fsync.

#include "common/result.hpp"
#include "daemon/store/checkpointer.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/group_wake.hpp"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <vector>

namespace sbc::store {

class Store {
  public:
    // How far a commit goes before its callers are released (config store.synchronous).
    enum class Durability {
        full,   // the WAL is fsynced at every group commit: an acknowledged write survives power loss
        normal, // written to the WAL (the OS's page cache) only: survives an sbcd crash or SIGKILL, but the
                // last commits before a power loss or kernel crash can be lost; fsync only at checkpoints
    };

    struct Options {
        Durability durability = Durability::full;
        // Under a burst, how long a commit may wait for the waiting writes expected in that time, so that
        // they share its fsync (config store.group_window_us). Zero: every commit takes what is queued.
        std::chrono::microseconds group_window{0};
    };

    // Opens or creates the database at `path`, migrates it and starts the writer. Throws on failure
    // (start-up).
    explicit Store(std::string path);
    Store(std::string path, Options options);
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    // Finishes every queued write, then closes.
    ~Store();

    // Runs f(Database&) -> Result<T> on the writer thread inside the current group transaction and returns
    // its result once committed. An error result or an exception rolls back f's changes only. Storage
    // failures (disk full, read-only file) come back as errors with code 1.
    template <typename F>
    auto write(F&& f) -> std::invoke_result_t<F, Database&> {
        std::vector<std::reference_wrapper<std::remove_reference_t<F>>> one{std::ref(f)};
        return std::move(write_each(one).front());
    }

    // Runs each f(Database&) -> Result<T> as a write of its own (one that fails rolls back only itself), all
    // queued at once so that they share a commit, and returns their results in order once committed. For a
    // worker with many small writes: one write() at a time waits for a commit each, which caps it at one
    // write per fsync whatever the CPU could do.
    template <typename F>
    auto write_each(std::vector<F>& fs) -> std::vector<std::invoke_result_t<F, Database&>> {
        return write_each_in(fs, Lane::waiting);
    }

    // write_each() for writes that no acknowledgement waits on: a burst's inbox rows, the answer workers'
    // answers. They share commits with the other writes, but while any other write is queued a commit takes
    // at most k_batch_share of them, so that a batch does not hold the webhooks' 200s for all of its
    // statements (64 inbox rows keep the writer about 13 ms).
    template <typename F>
    auto write_batch(std::vector<F>& fs) -> std::vector<std::invoke_result_t<F, Database&>> {
        return write_each_in(fs, Lane::batch);
    }
    static constexpr std::size_t k_batch_share = 8;

    // Writes queued and not yet taken by the writer (tests).
    std::size_t queued() const;

    // Runs f(Database&) -> Result<T> on a reader connection; SQLite errors become errors with code 1.
    template <typename F>
    auto read(F&& f) -> std::invoke_result_t<F, Database&> {
        auto lease = borrow_reader();
        try {
            return f(*lease.db);
        } catch (const std::exception& e) {
            return Error{1, std::string("database read failed: ") + e.what()};
        }
    }

    // Why the database cannot be written, from the last commit that failed until a later one reaches the
    // disk.
    struct WriteFailure {
        std::string message;       // SQLite's error with advice, e.g. "database or disk is full (...)"
        std::int64_t since_ms = 0; // Unix time of the first failure
        std::uint64_t failed_commits = 0;
    };
    // nullopt while writes work.
    std::optional<WriteFailure> write_failure() const;
    // Ok when writes work. After a failure it first tries a one-page write (the schema version, rewritten
    // unchanged), so that the answer follows the disk even when nothing else is written: the failure if it
    // still fails, ok once it succeeds.
    Status check_writes();

    // Counts commits; wait_for_commit() returns when it passes `seen` or at the deadline. For long polls.
    std::uint64_t commit_count() const;
    // Writes that those commits carried (committed or rolled back on their own): writes per commit is the
    // size of the groups (the metrics page).
    std::uint64_t write_count() const;
    std::uint64_t wait_for_commit(std::uint64_t seen, std::chrono::milliseconds timeout) const;

    // Ends every wait_for_commit() now and from now on (shutdown: long polls must not hold it up).
    void stop_waiting();

    const std::string& path() const { return m_path; }
    int schema_version() const { return m_schema_version; }

  private:
    enum class Lane { waiting, batch };

    template <typename F>
    auto write_each_in(std::vector<F>& fs, Lane lane) -> std::vector<std::invoke_result_t<F, Database&>> {
        using R = std::invoke_result_t<F, Database&>;
        std::vector<std::optional<R>> outs(fs.size());
        std::vector<std::function<bool(Database&)>> runs;
        runs.reserve(fs.size());
        for (std::size_t i = 0; i < fs.size(); ++i) {
            runs.emplace_back([&fs, &outs, i](Database& db) {
                outs[i].emplace(fs[i](db));
                return outs[i]->ok();
            });
        }
        auto statuses = submit_all(std::move(runs), lane);
        std::vector<R> results;
        results.reserve(fs.size());
        for (std::size_t i = 0; i < fs.size(); ++i) {
            results.push_back(committed_result(statuses[i], outs[i]));
        }
        return results;
    }

    // f's result, or the store's error when the group failed to commit or f threw.
    template <typename R>
    static R committed_result(const Status& status, std::optional<R>& out) {
        if (!status.ok() && (!out || out->ok())) {
            return status.error();
        }
        return std::move(*out);
    }

    struct Job {
        std::function<bool(Database&)> run; // false: roll back this job's savepoint
        Status status = ok_status();
        std::chrono::steady_clock::time_point queued_at;
        // Set by the writer after the group's COMMIT, then the group's callers are woken (GroupWake). Nothing
        // touches the job after its flag is set: its caller may destroy it at once.
        std::atomic<std::uint32_t> done{0};
        std::uint32_t ticket = 0; // the group it was queued for (GroupWake::next)
    };
    struct ReaderLease {
        Store* store;
        std::unique_ptr<Database> db;
        ReaderLease(Store* s, std::unique_ptr<Database> d) : store(s), db(std::move(d)) {}
        ReaderLease(ReaderLease&&) = default;
        ~ReaderLease();
    };

    std::vector<Status> submit_all(std::vector<std::function<bool(Database&)>> runs, Lane lane);
    // Moves queued jobs into `group`: every waiting write (up to k_max_group), then batch writes, only
    // k_batch_share of them when a waiting write is in the group. m_mutex held.
    void take_group(std::vector<Job*>& group);
    // A pause of two group windows since the writer's last take ends a burst.
    bool burst_over(std::chrono::steady_clock::time_point now) const;
    // Under a burst, waits until the waiting writes expected within the group window are queued, but no
    // longer than the window after the oldest was. m_mutex held through `lock`.
    void gather(std::unique_lock<std::mutex>& lock);
    // After a take of `waiting` waiting writes: their arrival rate, and from it the next group target.
    void note_take(std::size_t waiting);
    void writer_loop();
    void run_group(std::vector<Job*>& group);
    // Writer thread: keeps m_write_failure and logs once when writes start failing and once when they work.
    void note_commit(bool reached_disk);
    void note_failed_commit(const std::string& message);
    ReaderLease borrow_reader();

    std::string m_path;
    int m_schema_version = 0;
    std::unique_ptr<Database> m_writer_db;
    std::unique_ptr<Checkpointer> m_checkpointer; // of m_writer_db's WAL; stopped before it closes

    mutable std::mutex m_mutex; // guards the queue, m_stopping, m_commits
    std::condition_variable m_queue_cv;
    mutable std::condition_variable m_done_cv; // commit_count() watchers (wait_for_commit)
    std::deque<Job*> m_queue;                  // writes whose callers wait (write, write_each)
    std::deque<Job*> m_batch_queue;            // write_batch
    bool m_stopping = false;
    bool m_no_waiting = false;
    // The writer's gathering (gather, note_take). While it gathers, a submitter wakes it only once
    // m_group_target waiting writes are queued: a wake-up per write would cost what gathering saves.
    const std::chrono::microseconds m_group_window;
    bool m_gathering = false;
    std::size_t m_group_target = 0;
    double m_waiting_per_us = 0; // arrival rate of waiting writes, a moving average over takes
    std::chrono::steady_clock::time_point m_last_take;
    GroupWake m_wake; // its ticket counter guarded by m_mutex
    std::uint64_t m_commits = 0;
    std::uint64_t m_writes = 0;

    mutable std::mutex m_failure_mutex;
    std::optional<WriteFailure> m_write_failure;

    std::mutex m_readers_mutex;
    std::vector<std::unique_ptr<Database>> m_readers;

    std::thread m_writer; // last: starts after everything above exists
};

} // namespace sbc::store
