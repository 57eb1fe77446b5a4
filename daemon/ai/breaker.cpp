#include "daemon/ai/breaker.hpp"

#include <algorithm>

namespace sbc::ai {

Breaker::Breaker(int failures, std::chrono::milliseconds cooldown, std::chrono::milliseconds max_retry_after)
    : m_threshold(failures < 1 ? 1 : failures), m_cooldown(cooldown), m_max_retry_after(max_retry_after) {}

bool Breaker::allow() {
    std::lock_guard lock(m_mutex);
    if (!m_open) {
        return true;
    }
    if (m_trial_in_flight || Clock::now() < m_closed_until) {
        return false;
    }
    m_trial_in_flight = true;
    return true;
}

void Breaker::record_success() {
    std::lock_guard lock(m_mutex);
    m_failures = 0;
    m_open = false;
    m_trial_in_flight = false;
}

void Breaker::record_failure(std::chrono::milliseconds retry_after) {
    std::lock_guard lock(m_mutex);
    ++m_failures;
    auto now = Clock::now();
    if (m_trial_in_flight || m_failures >= m_threshold) {
        m_open = true;
        m_closed_until = now + m_cooldown;
    }
    if (retry_after.count() > 0) {
        auto until = now + std::min(retry_after, m_max_retry_after);
        m_closed_until = m_open ? std::max(m_closed_until, until) : until;
        m_open = true;
    }
    m_trial_in_flight = false;
}

bool Breaker::is_open() const {
    std::lock_guard lock(m_mutex);
    return m_open;
}

} // namespace sbc::ai
