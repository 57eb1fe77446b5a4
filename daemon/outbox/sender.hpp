#pragma once
// The outbox sender: threads that claim due outbox rows, post them to Twilio's Messages API and record the
// outcome: sent (with its SID), retry later (backoff with full jitter, Retry-After honoured), failed for good
// (Twilio's code and message kept), or dead after too many attempts. Without credentials it runs dry: each
// row is logged and marked dry-run, nothing leaves the machine.

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

namespace sbc::config {
struct Config;
}
namespace sbc::store {
class Store;
}
namespace sbc::metrics {
class Counters;
}

namespace sbc::outbox {

class Sender {
  public:
    // Recovers rows a crash left in flight (marked ambiguous, sent again), then starts the threads.
    Sender(store::Store& store, const config::Config& config, metrics::Counters& counters);
    Sender(const Sender&) = delete;
    Sender& operator=(const Sender&) = delete;
    // Stops after the calls in progress; unsent rows stay in the outbox for the next start.
    ~Sender();

    // Something was queued: look now rather than at the next timer.
    void wake();

  private:
    void run();
    // Posts one claimed row (or marks it dry-run) and records the outcome.
    void deliver(struct Delivery& delivery);
    // Delay before the next attempt: random in [0, min(cap, base * 2^attempts)], at least Retry-After.
    std::int64_t backoff_ms(std::int64_t attempts, std::int64_t retry_after_ms);

    store::Store& m_store;
    const config::Config& m_config;
    metrics::Counters& m_counters;

    std::mutex m_mutex; // guards the two members below
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::uint64_t m_wakes = 0; // each thread compares with the count it last saw
    std::vector<std::thread> m_threads;
};

} // namespace sbc::outbox
