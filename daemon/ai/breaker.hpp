#pragma once
// A circuit breaker in front of the LLM provider: after `failures` consecutive failures it opens and calls
// are skipped (the built-in answer is used at once) until `cooldown` has passed; then one trial call is let
// through (half-open): success closes it, failure opens it again for another cool-down. Thread-safe.

#include <chrono>
#include <mutex>

namespace sbc::ai {

class Breaker {
  public:
    using Clock = std::chrono::steady_clock;
    Breaker(int failures, std::chrono::milliseconds cooldown);

    // True when a call may be made now; in half-open state only one caller gets true until it reports.
    bool allow();
    void record_success();
    void record_failure();
    bool is_open() const;

  private:
    mutable std::mutex m_mutex;
    int m_threshold;
    std::chrono::milliseconds m_cooldown;
    int m_failures = 0;
    bool m_open = false;
    bool m_trial_in_flight = false;
    Clock::time_point m_opened_at{};
};

} // namespace sbc::ai
