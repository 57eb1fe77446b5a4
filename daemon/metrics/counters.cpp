#include "daemon/metrics/counters.hpp"

namespace sbc::metrics {

void Counters::rejected(const std::string& reason) {
    std::lock_guard lock(m_mutex);
    ++m_rejected[reason];
}

std::map<std::string, std::int64_t> Counters::rejections() const {
    std::lock_guard lock(m_mutex);
    return m_rejected;
}

std::int64_t Counters::rejected_total() const {
    std::lock_guard lock(m_mutex);
    std::int64_t total = 0;
    for (const auto& [reason, n] : m_rejected) {
        total += n;
    }
    return total;
}

void Counters::set_last_error(std::string error) {
    std::lock_guard lock(m_mutex);
    m_last_error = std::move(error);
}

std::string Counters::last_error() const {
    std::lock_guard lock(m_mutex);
    return m_last_error;
}

} // namespace sbc::metrics
