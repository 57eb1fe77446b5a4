#pragma once
// The load generator: pre-signed webhooks posted over C keep-alive connections (one cpp-httplib client per
// connection thread, TCP_NODELAY on), either
//   closed-loop: each connection sends its next request as soon as it has the answer to the last (full
//                speed; latency from the real send to the answer), or
//   open-loop:   request i is due at start + i/rate whatever happened before; latency runs from that
//   scheduled
//                time, so a stall is charged to every request it delays (no coordinated omission).
// A warm-up (its own requests, not measured) opens every connection first.

#include <chrono>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace sbc::bench {

using Clock = std::chrono::steady_clock;

inline constexpr const char* k_webhook_path = "/webhooks/twilio/whatsapp";

// A webhook body ready to post, with its X-Twilio-Signature (computed before any timing).
struct SignedWebhook {
    std::string body;
    std::string signature;
};

struct Sample {
    Clock::time_point start; // the send (closed loop) or the scheduled time (open loop)
    Clock::time_point end;   // the whole answer read
    int status = 0;          // HTTP status; 0 when no answer came
};

struct LoadResult {
    std::vector<Sample> samples; // in request order
    Clock::time_point began;     // the first request's (scheduled) send
    Clock::time_point finished;  // the last answer
    std::size_t warmup_ok = 0;   // warm-up requests answered 200 (they count for replies sbcd sends)

    double seconds() const;
    // Requests per second over the whole run.
    double throughput() const;
    // Answers per second in `windows` equal slices of the run: shows a server slowing down as data grows.
    std::vector<double> throughput_by_window(int windows) const;
    std::vector<double> latencies_ms() const;
    std::size_t errors() const; // anything but 200
    std::map<int, std::size_t> statuses() const;
};

struct LoadOptions {
    int port = 0;
    int connections = 8;
    double rate = 0; // requests per second; 0: closed loop, as fast as answers come
    // Run once every connection has sent its warm-up, before the measured requests' clock starts: e.g. to
    // let sbcd finish the warm-up's work, which would otherwise delay the first measured requests.
    std::function<void()> after_warmup;
};

// Posts every request of `warmup` (unmeasured), then every request of `measured`, to 127.0.0.1:port.
LoadResult run_load(const LoadOptions& options, const std::vector<SignedWebhook>& warmup,
                    const std::vector<SignedWebhook>& measured);

} // namespace sbc::bench
