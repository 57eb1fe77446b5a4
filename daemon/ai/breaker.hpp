#pragma once
// A circuit breaker in front of the LLM provider: after `failures` consecutive failures it opens and calls
// are skipped (the built-in answer is used at once) until `cooldown` has passed; then one trial call is let
// through (half-open): success closes it, failure opens it again for another cool-down. A failure that came
// with the provider's Retry-After (a 429) opens it at once for that long, at most `max_retry_after`.
// Thread-safe.

#include <chrono>
#include <mutex>

namespace sbc::ai {

class Breaker {
  public:
    using Clock = std::chrono::steady_clock;
    // A longer Retry-After is not believed: past it, the usual trial call decides.
    static constexpr std::chrono::milliseconds k_max_retry_after = std::chrono::minutes(10);

    Breaker(int failures, std::chrono::milliseconds cooldown,
            std::chrono::milliseconds max_retry_after = k_max_retry_after);

    // True when a call may be made now; in half-open state only one caller gets true until it reports.
    bool allow();
    void record_success();
    // `retry_after` > 0: the provider asked not to be called for that long.
    void record_failure(std::chrono::milliseconds retry_after = std::chrono::milliseconds(0));
    bool is_open() const;

  private:
    mutable std::mutex m_mutex;
    int m_threshold;
    std::chrono::milliseconds m_cooldown;
    std::chrono::milliseconds m_max_retry_after;
    int m_failures = 0;
    bool m_open = false;
    bool m_trial_in_flight = false;
    Clock::time_point m_closed_until{}; // while open, no call before this
};

} // namespace sbc::ai
