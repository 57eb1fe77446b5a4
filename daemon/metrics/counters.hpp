#pragma once
// Counters the daemon keeps in memory for /webhooks/status, /api/twilio/status, /health and status: cheap
// atomics written by the HTTP workers and the sender, read by whoever reports.

#include "daemon/metrics/signature_failures.hpp"

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

namespace sbc::metrics {

// A latency histogram with fixed bucket bounds (seconds), lock-free to observe.
class Histogram {
  public:
    static constexpr std::array<double, 12> k_bounds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1.0,  2.5,   5.0};
    void observe(double seconds);

    struct Snapshot {
        std::array<std::int64_t, k_bounds.size()> cumulative{}; // observations <= each bound
        std::int64_t count = 0;
        double sum = 0; // seconds
    };
    Snapshot snapshot() const;

  private:
    std::array<std::atomic<std::int64_t>, k_bounds.size()> m_buckets{}; // observations in (previous, bound]
    std::atomic<std::int64_t> m_count{0};
    std::atomic<std::int64_t> m_sum_ns{0};
};

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
    // From a verified inbound webhook to its acknowledgement: classified, answered and committed.
    Histogram answer_latency;
    // The last webhooks refused for their signature, for sbcctl webhook check.
    SignatureFailures signature_failures;

    // Label sets stay bounded: the first `max` businesses seen get their own label, later ones count as
    // "other" (set once at start-up, metrics.max_businesses).
    void set_business_label_cap(int max);
    // One inbound message of a business, by the pipeline's classification (question, owner-command, ...).
    void business_message(const std::string& business, const std::string& kind);
    // (business or "other", kind) -> count
    std::map<std::pair<std::string, std::string>, std::int64_t> business_messages() const;

    // A webhook refused, by reason ("signature", "too-large", "content-type", "malformed", "missing-field",
    // ...).
    void rejected(const std::string& reason);
    std::map<std::string, std::int64_t> rejections() const;
    std::int64_t rejected_total() const;

    void set_last_error(std::string error);
    std::string last_error() const;

  private:
    mutable std::mutex m_mutex; // guards the members below
    std::map<std::string, std::int64_t> m_rejected;
    std::string m_last_error;
    std::size_t m_business_cap = 20;
    std::map<std::string, bool> m_labelled; // businesses with their own label
    std::map<std::pair<std::string, std::string>, std::int64_t> m_business_messages;
};

} // namespace sbc::metrics
