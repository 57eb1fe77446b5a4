#include "daemon/store/store.hpp"

#include "common/time_format.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/store/migrations.hpp"

#include <fmt/format.h>
#include <memory>
#include <span>

namespace sbc::store {
namespace {

// Bounds one group so that a burst cannot hold the write lock (and its waiters) for long.
constexpr std::size_t k_max_group = 512;

} // namespace

Store::Store(std::string path) : Store(std::move(path), Options{}) {}

Store::Store(std::string path, Options options)
    : m_path(std::move(path)), m_group_window(options.group_window) {
    m_writer_db = std::make_unique<Database>(m_path, true);
    if (options.durability == Durability::normal) {
        m_writer_db->exec("PRAGMA synchronous=NORMAL");
    }
    migrate(*m_writer_db);
    m_schema_version = store::schema_version(*m_writer_db);
    m_checkpointer = std::make_unique<Checkpointer>(m_path, m_writer_db->handle());
    m_writer = std::thread([this] {
        log::name_this_thread("sbc-writer");
        writer_loop();
    });
}

Store::~Store() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_queue_cv.notify_all();
    if (m_writer.joinable()) {
        m_writer.join();
    }
    m_checkpointer.reset();
    std::lock_guard lock(m_readers_mutex);
    m_readers.clear();
}

std::vector<Status> Store::submit_all(std::vector<std::function<bool(Database&)>> runs, Lane lane) {
    // One array, never resized: a Job cannot move, the writer holds a pointer to it.
    auto storage = std::make_unique<Job[]>(runs.size());
    std::span<Job> jobs(storage.get(), runs.size());
    auto now = std::chrono::steady_clock::now();
    for (std::size_t i = 0; i < jobs.size(); ++i) {
        jobs[i].run = std::move(runs[i]);
        jobs[i].queued_at = now;
    }
    bool wake = false;
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            return std::vector<Status>(jobs.size(),
                                       Error{1, "sbcd is shutting down; the change was not made"});
        }
        auto& queue = lane == Lane::batch ? m_batch_queue : m_queue;
        for (auto& job : jobs) {
            job.ticket = m_wake.next();
            queue.push_back(&job);
        }
        wake = !m_gathering || m_queue.size() >= m_group_target;
    }
    if (wake) {
        m_queue_cv.notify_one();
    }
    std::vector<Status> statuses;
    statuses.reserve(jobs.size());
    for (auto& job : jobs) {
        m_wake.wait(job.done, job.ticket);
        statuses.push_back(job.status);
    }
    return statuses;
}

void Store::take_group(std::vector<Job*>& group) {
    while (!m_queue.empty() && group.size() < k_max_group) {
        group.push_back(m_queue.front());
        m_queue.pop_front();
    }
    // The rest of a batch goes in the next commit, which follows at once.
    std::size_t share = group.empty() ? k_max_group : k_batch_share;
    for (std::size_t n = 0; n < share && !m_batch_queue.empty() && group.size() < k_max_group; ++n) {
        group.push_back(m_batch_queue.front());
        m_batch_queue.pop_front();
    }
}

bool Store::burst_over(std::chrono::steady_clock::time_point now) const {
    return now - m_last_take > 2 * m_group_window;
}

void Store::gather(std::unique_lock<std::mutex>& lock) {
    // After a burst a lone write commits at once.
    if (m_queue.empty() || m_queue.size() >= m_group_target || burst_over(std::chrono::steady_clock::now())) {
        return;
    }
    m_gathering = true;
    m_queue_cv.wait_until(lock, m_queue.front()->queued_at + m_group_window,
                          [&] { return m_stopping || m_queue.size() >= m_group_target; });
    m_gathering = false;
}

void Store::note_take(std::size_t waiting) {
    auto now = std::chrono::steady_clock::now();
    double us = std::chrono::duration<double, std::micro>(now - m_last_take).count();
    double rate = us > 0 ? static_cast<double>(waiting) / us : 0;
    // After a burst the rate starts again from this take.
    bool fresh = burst_over(now);
    m_last_take = now;
    m_waiting_per_us = fresh ? rate : (m_waiting_per_us + rate) / 2;
    // Fewer than two writes expected in a window: nothing to share a commit with, so none waits.
    auto expected = m_waiting_per_us * static_cast<double>(m_group_window.count());
    m_group_target = expected < 2 ? 0 : static_cast<std::size_t>(std::min(expected, double(k_max_group)));
}

std::size_t Store::queued() const {
    std::lock_guard lock(m_mutex);
    return m_queue.size() + m_batch_queue.size();
}

void Store::writer_loop() {
    std::vector<Job*> group;
    for (;;) {
        std::uint32_t ticket = 0;
        {
            std::unique_lock lock(m_mutex);
            m_queue_cv.wait(lock, [&] { return m_stopping || !m_queue.empty() || !m_batch_queue.empty(); });
            if (m_queue.empty() && m_batch_queue.empty()) {
                return; // stopping, and everything queued has been written
            }
            gather(lock);
            auto waiting = m_queue.size();
            take_group(group);
            ticket = m_wake.taken();
            note_take(waiting - m_queue.size());
        }
        run_group(group);
        {
            std::lock_guard lock(m_mutex);
            ++m_commits;
            m_writes += group.size();
        }
        for (Job* job : group) {
            job->done.store(1, std::memory_order_release); // the job may be gone now: not touched again
        }
        m_wake.released(ticket);
        m_done_cv.notify_all();
        group.clear();
    }
}

void Store::run_group(std::vector<Job*>& group) {
    Database& db = *m_writer_db;
    try {
        auto pages = db.pages_written();
        Transaction tx(db);
        for (Job* job : group) {
            // Prepared once: two statements per job, each a parse with exec().
            db.cached("SAVEPOINT job")->run();
            bool keep = false;
            try {
                keep = job->run(db);
            } catch (const std::exception& e) {
                job->status = Error{1, std::string("database write failed: ") + e.what()};
            }
            if (!keep) {
                db.exec("ROLLBACK TO job");
            }
            db.cached("RELEASE job")->run();
        }
        tx.commit();
        note_commit(db.pages_written() != pages);
    } catch (const std::exception& e) {
        // The whole group is lost (disk full, read-only, I/O error): every caller hears of it, none was
        // acked.
        log_debug("store", "commit of {} writes failed: {}", group.size(), e.what());
        note_failed_commit(e.what());
        for (Job* job : group) {
            job->status = Error{1, std::string("database write failed: ") + e.what()};
        }
    }
}

void Store::note_commit(bool reached_disk) {
    std::lock_guard lock(m_failure_mutex);
    if (!reached_disk || !m_write_failure) {
        return; // a commit that wrote nothing says nothing about the disk
    }
    log_info("store", "the database can be written again ({} commits failed over {} s)",
             m_write_failure->failed_commits, (time_format::now_ms() - m_write_failure->since_ms) / 1000);
    m_write_failure.reset();
}

void Store::note_failed_commit(const std::string& message) {
    std::lock_guard lock(m_failure_mutex);
    if (m_write_failure) {
        m_write_failure->failed_commits++;
        if (m_write_failure->message == message) {
            return; // said already
        }
        m_write_failure->message = message;
    } else {
        m_write_failure = WriteFailure{message, time_format::now_ms(), 1};
    }
    log_error("store",
              "cannot write the database: {}; webhooks get 503 and changes are refused until it can be "
              "written again",
              message);
}

std::optional<Store::WriteFailure> Store::write_failure() const {
    std::lock_guard lock(m_failure_mutex);
    return m_write_failure;
}

Status Store::check_writes() {
    if (!write_failure()) {
        return ok_status();
    }
    write([this](Database& db) -> Status {
        db.exec(fmt::format("PRAGMA user_version = {}", m_schema_version));
        return ok_status();
    });
    if (auto failure = write_failure()) {
        return Error{1, "the database cannot be written since " + time_format::iso8601_ms(failure->since_ms) +
                            ": " + failure->message};
    }
    return ok_status();
}

std::uint64_t Store::commit_count() const {
    std::lock_guard lock(m_mutex);
    return m_commits;
}

std::uint64_t Store::write_count() const {
    std::lock_guard lock(m_mutex);
    return m_writes;
}

std::uint64_t Store::wait_for_commit(std::uint64_t seen, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_mutex);
    m_done_cv.wait_for(lock, timeout, [&] { return m_commits != seen || m_stopping || m_no_waiting; });
    return m_commits;
}

void Store::stop_waiting() {
    {
        std::lock_guard lock(m_mutex);
        m_no_waiting = true;
    }
    m_done_cv.notify_all();
}

Store::ReaderLease Store::borrow_reader() {
    {
        std::lock_guard lock(m_readers_mutex);
        if (!m_readers.empty()) {
            auto db = std::move(m_readers.back());
            m_readers.pop_back();
            return ReaderLease(this, std::move(db));
        }
    }
    return ReaderLease(this, open_reader(m_path));
}

Store::ReaderLease::~ReaderLease() {
    if (db) {
        std::lock_guard lock(store->m_readers_mutex);
        store->m_readers.push_back(std::move(db));
    }
}

} // namespace sbc::store
