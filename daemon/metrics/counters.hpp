#pragma once
// Counters the daemon keeps in memory for /webhooks/status, /api/twilio/status, /health and status: cheap
// atomics written by the HTTP workers and the sender, read by whoever reports.

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

namespace sbc::metrics {

class Counters {
  public:
    // Webhooks
    std::atomic<std::int64_t> webhooks_received{0}; // accepted and stored (or duplicates)
    std::atomic<std::int64_t> webhooks_duplicate{0};
    std::atomic<std::int64_t> last_received_ms{0};
    std::atomic<std::int64_t> status_callbacks{0};
    // Sender
    std::atomic<std::int64_t> sent{0};
    std::atomic<std::int64_t> failed{0};
    std::atomic<std::int64_t> retried{0};
    std::atomic<std::int64_t> ambiguous{0};
    std::atomic<std::int64_t> dry_run{0};
    std::atomic<int> last_api_ok{-1}; // -1 no call yet, 0 failed, 1 ok

    // A webhook refused, by reason ("signature", "too-large", "content-type", "malformed", "missing-field",
    // ...).
    void rejected(const std::string& reason);
    std::map<std::string, std::int64_t> rejections() const;
    std::int64_t rejected_total() const;

    void set_last_error(std::string error);
    std::string last_error() const;

  private:
    mutable std::mutex m_mutex; // guards the two members below
    std::map<std::string, std::int64_t> m_rejected;
    std::string m_last_error;
};

} // namespace sbc::metrics
