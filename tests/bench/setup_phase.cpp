// Phase 1, and the generation of phase 5's database: businesses and knowledge through the control socket.

#include "tests/bench/control_client.hpp"
#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"

#include <atomic>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sbc::bench {
namespace {

// business-register, then kb-import of all its entries in one request (one write, one commit).
void register_business(ControlClient& control, const BusinessData& b) {
    nlohmann::json business = {{"id", b.id},       {"name", b.name},   {"number", b.number},
                               {"owner", b.owner}, {"hours", b.hours}, {"greeting", b.greeting}};
    control.checked("business-register", business);
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : b.entries) {
        entries.push_back({{"text", e.text}, {"tags", e.tags}, {"source", "bench"}});
    }
    auto reply = control.checked("kb-import", {{"business", b.id}, {"entries", entries}});
    auto stored = reply["arguments"].value("added", 0) + reply["arguments"].value("unchanged", 0);
    if (stored != static_cast<int>(b.entries.size())) {
        throw std::runtime_error(fmt::format("kb-import into {} stored {} of {} entries: {}", b.id, stored,
                                             b.entries.size(), reply.dump()));
    }
}

} // namespace

double populate(const std::string& socket, std::uint64_t seed, int count, int entries, int connections) {
    auto started = Clock::now();
    std::atomic<int> next{0}, done{0};
    std::mutex error_mutex;
    std::string error;
    // Several connections, because sbcd's writer commits the writes queued at the same time together.
    auto worker = [&] {
        try {
            ControlClient control(socket);
            for (int i = next++; i < count; i = next++) {
                register_business(control, make_business(seed, i, entries));
                int finished = ++done;
                if (count >= 1000 && finished % (count / 10) == 0) {
                    fmt::print("  ... {} of {} businesses ({:.0f} s)\n", finished, count,
                               std::chrono::duration<double>(Clock::now() - started).count());
                    std::fflush(stdout);
                }
            }
        } catch (const std::exception& e) {
            std::lock_guard lock(error_mutex);
            error = e.what();
            next = count; // the others stop too
        }
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < connections; ++c) {
        threads.emplace_back(worker);
    }
    for (auto& t : threads) {
        t.join();
    }
    if (!error.empty()) {
        throw std::runtime_error("setup through the control socket failed: " + error);
    }
    return std::chrono::duration<double>(Clock::now() - started).count();
}

void phase_setup(Run& run, const Sbcd& sbcd) {
    const auto& o = run.options;
    fmt::print("== phase 1: setup: {} businesses x {} knowledge entries through the control socket\n",
               o.businesses, o.entries);
    std::fflush(stdout);
    double seconds = populate(sbcd.socket(), o.seed, o.businesses, o.entries, o.setup_connections);
    run.businesses.reserve(static_cast<std::size_t>(o.businesses));
    for (int i = 0; i < o.businesses; ++i) {
        run.businesses.push_back(make_business(o.seed, i, o.entries));
    }
    double total = static_cast<double>(o.businesses) * o.entries;
    fmt::print("setup: {:.1f} s ({:.0f} businesses/s, {:.0f} entries/s)\n", seconds, o.businesses / seconds,
               total / seconds);
    run.report.add({"setup.seconds",
                    fmt::format("setup: {} businesses x {} entries", o.businesses, o.entries), seconds, "s",
                    1, std::nullopt});
}

} // namespace sbc::bench
