#pragma once
// The outbox sender: threads that claim due outbox rows, post them to Twilio's Messages API and record the
// outcome: sent (with its SID), retry later (backoff with full jitter, Retry-After honoured), failed for good
// (Twilio's code and message kept), or dead after too many attempts. Without credentials it runs dry: each
// row is logged and marked dry-run, nothing leaves the machine.
// One conversation (our number and the customer's) has at most one call in flight, and its queued replies go
// out in the order they were handed over: with many threads, a customer's two answers would otherwise reach
// Twilio in whichever order their calls happened to finish.

#include "daemon/store/message_repo.hpp"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
}
namespace sbc::metrics {
class Counters;
}
namespace sbc::twilio {
class MessagesClient;
}

namespace sbc::outbox {

struct Backlog;
struct Delivery;
struct Unrecorded;

class Sender {
  public:
    // Recovers rows a crash left in flight (marked ambiguous, sent again), then starts the threads.
    // The threads follow configuration reloads: a send uses the configuration in force when it starts, and a
    // thread builds a new Twilio client when the credentials, API base URL or timeout change.
    Sender(store::Store& store, const config::Live& config, metrics::Counters& counters);
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    // Stops after the calls in progress; unsent rows, handed-over ones included, stay in the outbox for the
    // next start.
    ~Sender();

    // Rows claimed in the transaction that queued them (see pipeline::Pipeline::HandOver): posted next, by
    // whichever thread is free, each after the calls to its conversation handed over before it.
    void hand_over(std::vector<store::Claim> claims);
    // At most about this many handed-over claims wait in memory: past it the pipeline claims nothing and
    // leaves new replies pending in the outbox, where claim_due finds them once the queue is drained, so a
    // backlog under overload stays on disk instead of growing sbcd's memory.
    static constexpr std::size_t k_max_handed = 256;
    // True while the hand-over queue, with `pending` claims on their way to it, is below k_max_handed. A hint
    // read without the lock: a few concurrent transactions may each add their claims past it.
    bool has_room(std::size_t pending = 0) const {
        return m_handed_count.load(std::memory_order_relaxed) + pending < k_max_handed;
    }

  private:
    void run();
    // Posts one claimed row (or marks it dry-run) and records the outcome, or keeps it in `unrecorded` when
    // the store cannot write it.
    void deliver(Delivery& delivery, std::vector<Unrecorded>& unrecorded);
    // Writes an outcome now; when the store fails, logs it once and keeps it to be written later.
    void record(std::vector<Unrecorded>& unrecorded, Unrecorded outcome);
    // Writes the kept outcomes that are due, stopping at the first the store still refuses.
    void record_again(std::vector<Unrecorded>& unrecorded, bool stopping);
    // Delay before the next attempt: random in [0, min(cap, base * 2^attempts)], at least Retry-After.
    std::int64_t backoff_ms(std::int64_t attempts, std::int64_t retry_after_ms);

    store::Store& m_store;
    const config::Live& m_config;
    metrics::Counters& m_counters;

    // Records the outcomes the store refused before (and posts nothing new while any is left), then posts the
    // handed-over claims, then what claim_due finds; false when stopping.
    bool work_once(twilio::MessagesClient* client, Backlog& backlog);
    // Waits until something is handed over, the next row is due (`due`, Unix ms, when any row is pending), or
    // a second has passed.
    void wait_for_work(std::optional<std::int64_t> due);
    // Waits until `at_ms` (Unix time) or shutdown, whatever is handed over: the store cannot write.
    void pause_until(std::int64_t at_ms);
    // The first handed-over claim whose conversation has no call in flight, now marked as having one; called
    // with m_mutex held.
    std::optional<store::Claim> take_handed();
    // Whether take_handed() would find one; called with m_mutex held.
    bool can_take_handed() const;
    // Ends the conversation's call in flight, so that its next reply can go.
    void finish_conversation(const store::Message& m);

    std::mutex m_mutex; // guards the members below
    std::condition_variable m_cv;
    bool m_stopping = false;
    // A claim in the hand-over queue, with its conversation's key, made once: the queue is searched by
    // conversation after every call.
    struct Handed {
        store::Claim claim;
        std::string conversation;
    };
    std::deque<Handed> m_handed;
    std::atomic<std::size_t> m_handed_count{0};  // m_handed.size(), for has_room()
    std::unordered_set<std::string> m_in_flight; // conversations with a call in progress
    std::vector<std::thread> m_threads;
};

} // namespace sbc::outbox
