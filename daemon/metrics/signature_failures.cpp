#include "daemon/metrics/signature_failures.hpp"

namespace sbc::metrics {

void SignatureFailures::record(SignatureFailure failure) {
    std::lock_guard lock(m_mutex);
    m_failures.push_front(std::move(failure));
    if (m_failures.size() > k_kept) {
        m_failures.pop_back();
    }
}

std::vector<SignatureFailure> SignatureFailures::recent() const {
    std::lock_guard lock(m_mutex);
    return {m_failures.begin(), m_failures.end()};
}

} // namespace sbc::metrics
