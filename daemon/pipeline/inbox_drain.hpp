#pragma once
// The inbox thread: hands the webhooks a burst left in the inbox (see Pipeline::handle) to
// Pipeline::handle_inbox, oldest first, in batches that share a commit, and counts what each became.
// While webhooks still arrive faster than they are acknowledged it waits, so that the writer stores the burst
// first; but never longer than http.burst_wait_ms after the oldest arrived, so that under a sustained
// overload replies keep pace and acknowledgements slow down instead. At start it handles what a crash or a
// stop left. It runs at the lowest CPU priority, like the built-in answer workers, for the same reason.

#include "daemon/pipeline/pipeline.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace sbc::store {
class Store;
}

namespace sbc::pipeline {

class InboxDrain {
  public:
    // Receives the outcome of every webhook handled (the metrics count them by business and kind).
    using Handled = std::function<void(const Outcome&)>;
    InboxDrain(store::Store& store, Pipeline& pipeline, Handled handled);
    // Finishes the batch in hand; the rest waits in the inbox for the next start.
    ~InboxDrain();
    InboxDrain(const InboxDrain&) = delete;
    InboxDrain& operator=(const InboxDrain&) = delete;

    // A webhook was committed to the inbox.
    void wake();

  private:
    enum class Batch { empty, done, failed, stopping };
    void run();
    // Reads and handles the next batch.
    Batch drain_batch();
    bool stopping();
    // Waits for wake(); false when stopping.
    bool wait_for_work();
    // Waits while the burst lasts, up to the oldest row's deadline; false when stopping.
    bool wait_out_burst(std::int64_t oldest_received_ms);
    // false when stopping.
    bool pause(std::chrono::milliseconds how_long);
    // Handles one batch; false when something must be tried again later.
    bool handle(const std::vector<store::InboxRow>& rows);
    // A row that fails again and again (not the disk: a bug) is set aside, so that it does not hold up the
    // messages behind it forever.
    void failed(const store::InboxRow& row, const Error& error);

    store::Store& m_store;
    Pipeline& m_pipeline;
    Handled m_handled;
    std::unordered_map<std::int64_t, int> m_failures; // by inbox row id; the drain thread's only

    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_woken = true; // at start: what an earlier run left
    bool m_stopping = false;
    std::thread m_thread; // last: starts once everything above exists
};

} // namespace sbc::pipeline
