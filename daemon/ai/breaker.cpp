#include "daemon/ai/breaker.hpp"

namespace sbc::ai {

Breaker::Breaker(int failures, std::chrono::milliseconds cooldown)
    : m_threshold(failures < 1 ? 1 : failures), m_cooldown(cooldown) {}

bool Breaker::allow() {
    std::lock_guard lock(m_mutex);
    if (!m_open) {
        return true;
    }
    if (m_trial_in_flight || Clock::now() - m_opened_at < m_cooldown) {
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

void Breaker::record_failure() {
    std::lock_guard lock(m_mutex);
    ++m_failures;
    if (m_trial_in_flight || m_failures >= m_threshold) {
        m_open = true;
        m_opened_at = Clock::now();
    }
    m_trial_in_flight = false;
}

bool Breaker::is_open() const {
    std::lock_guard lock(m_mutex);
    return m_open;
}

} // namespace sbc::ai
