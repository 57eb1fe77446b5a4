#include "tests/bench/http_load.hpp"

#include <algorithm>
#include <atomic>
#include <httplib.h>
#include <latch>
#include <thread>

namespace sbc::bench {
namespace {

constexpr const char* k_form = "application/x-www-form-urlencoded";

// One keep-alive connection; cpp-httplib reconnects by itself when sbcd closes it (keep-alive count reached).
httplib::Client make_client(int port) {
    httplib::Client client("127.0.0.1", port);
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true); // without it every request waits for a delayed ACK (engineering-notes.md)
    client.set_connection_timeout(5);
    client.set_read_timeout(60);
    client.set_write_timeout(10);
    return client;
}

int post(httplib::Client& client, const SignedWebhook& request) {
    httplib::Headers headers = {{"X-Twilio-Signature", request.signature}};
    auto res = client.Post(k_webhook_path, headers, request.body, k_form);
    return res ? res->status : 0;
}

std::chrono::nanoseconds due_offset(std::size_t index, double rate) {
    return std::chrono::nanoseconds(static_cast<std::int64_t>(static_cast<double>(index) * 1e9 / rate));
}

} // namespace

double LoadResult::seconds() const {
    return std::chrono::duration<double>(finished - began).count();
}

double LoadResult::throughput() const {
    double s = seconds();
    return s > 0 ? static_cast<double>(samples.size()) / s : 0;
}

std::vector<double> LoadResult::throughput_by_window(int windows) const {
    std::vector<double> counts(static_cast<std::size_t>(windows), 0);
    double total = seconds();
    if (total <= 0) {
        return counts;
    }
    for (const auto& s : samples) {
        double at = std::chrono::duration<double>(s.end - began).count();
        auto w = static_cast<std::size_t>(std::clamp(at / total * windows, 0.0, windows - 1.0));
        counts[w] += 1;
    }
    for (auto& c : counts) {
        c /= total / windows;
    }
    return counts;
}

std::vector<double> LoadResult::latencies_ms() const {
    std::vector<double> out;
    out.reserve(samples.size());
    for (const auto& s : samples) {
        out.push_back(std::chrono::duration<double, std::milli>(s.end - s.start).count());
    }
    return out;
}

std::size_t LoadResult::errors() const {
    return static_cast<std::size_t>(
        std::count_if(samples.begin(), samples.end(), [](const Sample& s) { return s.status != 200; }));
}

std::map<int, std::size_t> LoadResult::statuses() const {
    std::map<int, std::size_t> out;
    for (const auto& s : samples) {
        ++out[s.status];
    }
    return out;
}

LoadResult run_load(const LoadOptions& options, const std::vector<SignedWebhook>& warmup,
                    const std::vector<SignedWebhook>& measured) {
    LoadResult result;
    result.samples.resize(measured.size());
    std::atomic<std::size_t> next_warmup{0}, next{0}, warmup_ok{0};
    auto connections = static_cast<std::ptrdiff_t>(options.connections);
    std::latch warm(connections + 1), go(1);

    auto connection = [&] {
        auto client = make_client(options.port);
        for (std::size_t i = next_warmup++; i < warmup.size(); i = next_warmup++) {
            warmup_ok += post(client, warmup[i]) == 200 ? 1 : 0;
        }
        warm.count_down();
        go.wait();
        for (std::size_t i = next++; i < measured.size(); i = next++) {
            Sample& s = result.samples[i];
            if (options.rate > 0) {
                s.start = result.began + due_offset(i, options.rate);
                std::this_thread::sleep_until(s.start);
            } else {
                s.start = Clock::now();
            }
            s.status = post(client, measured[i]);
            s.end = Clock::now();
        }
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < options.connections; ++c) {
        threads.emplace_back(connection);
    }
    warm.arrive_and_wait();
    if (options.after_warmup) {
        options.after_warmup();
    }
    result.began = Clock::now();
    go.count_down();
    for (auto& t : threads) {
        t.join();
    }
    result.warmup_ok = warmup_ok;
    result.finished = result.began;
    for (const auto& s : result.samples) {
        result.finished = std::max(result.finished, s.end);
    }
    return result;
}

} // namespace sbc::bench
