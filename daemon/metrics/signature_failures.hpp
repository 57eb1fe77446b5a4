#pragma once
// The last webhooks refused for their X-Twilio-Signature, kept in memory for `sbcctl webhook check`: the URL
// sbcd checked the signature against, the headers it could have used instead, and, when one of those URLs
// does match, the URL Twilio actually signed. No secret and no message content is kept.

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace sbc::metrics {

struct SignatureFailure {
    std::int64_t at_ms = 0;
    std::string base_url;                  // WEBHOOK_BASE_URL in force (empty: http://<Host> was used)
    std::string expected_url;              // what sbcd checked the signature against
    std::string host;                      // Host header
    std::string forwarded_proto;           // X-Forwarded-Proto, "" when absent
    std::string forwarded_host;            // X-Forwarded-Host, "" when absent
    std::optional<std::string> signed_url; // a reconstructed URL the signature matches, when one does
};

class SignatureFailures {
  public:
    static constexpr std::size_t k_kept = 20;
    void record(SignatureFailure failure);
    // Newest first.
    std::vector<SignatureFailure> recent() const;

  private:
    mutable std::mutex m_mutex;
    std::deque<SignatureFailure> m_failures;
};

} // namespace sbc::metrics
