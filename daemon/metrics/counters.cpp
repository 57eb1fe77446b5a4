#include "daemon/metrics/counters.hpp"

#include <algorithm>

namespace sbc::metrics {

void Histogram::observe(double seconds) {
    std::size_t i = 0;
    while (i < k_bounds.size() && seconds > k_bounds[i]) {
        ++i;
    }
    if (i < k_bounds.size()) {
        m_buckets[i].fetch_add(1, std::memory_order_relaxed);
    }
    m_sum_ns.fetch_add(static_cast<std::int64_t>(seconds * 1e9), std::memory_order_relaxed);
    m_count.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
    Snapshot s;
    // Count first: a concurrent observation then shows in +Inf at worst, never makes a bucket exceed it.
    s.count = m_count.load(std::memory_order_relaxed);
    s.sum = static_cast<double>(m_sum_ns.load(std::memory_order_relaxed)) / 1e9;
    std::int64_t running = 0;
    for (std::size_t i = 0; i < k_bounds.size(); ++i) {
        running += m_buckets[i].load(std::memory_order_relaxed);
        s.cumulative[i] = std::min(running, s.count);
    }
    return s;
}

void Counters::set_business_label_cap(int max) {
    std::lock_guard lock(m_mutex);
    m_business_cap = static_cast<std::size_t>(std::max(0, max));
}

void Counters::business_message(const std::string& business, const std::string& kind) {
    std::lock_guard lock(m_mutex);
    std::string label = "other";
    if (m_labelled.count(business) != 0) {
        label = business;
    } else if (m_labelled.size() < m_business_cap && business != "other") {
        m_labelled[business] = true;
        label = business;
    }
    ++m_business_messages[{label, kind}];
}

std::map<std::pair<std::string, std::string>, std::int64_t> Counters::business_messages() const {
    std::lock_guard lock(m_mutex);
    return m_business_messages;
}

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
