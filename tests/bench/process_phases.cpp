// Phases 6 and 7: sbcd's memory, and sbcctl's round trip.

#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"
#include "tests/support/process.hpp"

#include <fmt/format.h>

namespace sbc::bench {
namespace {

// Starts each command `runs` times, as sbc_bench starts every program (posix_spawn, output captured through
// pipes, wait for the exit), taking turns so that a change in the machine's load hits them all alike; the
// wall time of each run from spawn to exit, per command.
std::vector<Summary> time_runs(Run& run, const std::vector<std::vector<std::string>>& commands, int runs) {
    std::vector<std::vector<double>> samples(commands.size());
    std::vector<int> failures(commands.size(), 0);
    for (int i = 0; i < runs; ++i) {
        for (std::size_t c = 0; c < commands.size(); ++c) {
            auto start = Clock::now();
            auto r = test::run(commands[c]);
            samples[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
            if (r.exit_code != 0 && ++failures[c] == 1) {
                run.problem(fmt::format("{} exited {}: {}{}", fmt::join(commands[c], " "), r.exit_code, r.out,
                                        r.err));
            }
        }
    }
    std::vector<Summary> out;
    for (auto& s : samples) {
        out.push_back(summarise(std::move(s)));
    }
    return out;
}

} // namespace

void phase_memory(Run& run, const Sbcd& sbcd) {
    auto use = memory_of(sbcd.pid());
    double peak = use.peak_kib / 1024.0, now = use.current_kib / 1024.0;
    fmt::print("== phase 6: sbcd's memory after the runs, {} businesses loaded: peak (VmHWM) {:.1f} MB, now "
               "(VmRSS) {:.1f} MB\n",
               run.options.businesses, peak, now);
    std::string scale = fmt::format("{} businesses", run.options.businesses);
    run.report.add({"memory.peak_mb", "memory, sbcd: peak VmHWM (" + scale + ")", peak, "MB", 1,
                    Target{Target::Kind::below, 50, run.options.memory_scale_note()}});
    run.report.add({"memory.rss_mb", "memory, sbcd: VmRSS at the end", now, "MB", 1, std::nullopt});
}

void phase_ctl(Run& run, const Sbcd& sbcd) {
    const auto& o = run.options;
    fmt::print(
        "== phase 7: sbcctl round trip, {} runs each, taking turns with /bin/true started the same way\n",
        o.ctl_runs);
    std::fflush(stdout);
    const auto& b = run.businesses.front();
    auto times = time_runs(
        run,
        {{"/bin/true"},
         {o.sbcctl, "--socket", sbcd.socket(), "status"},
         {o.sbcctl, "--socket", sbcd.socket(), "kb", "search", "--business", b.id, "do you deliver"}},
        o.ctl_runs);
    const auto& baseline = times[0];
    const auto& status = times[1];
    const auto& search = times[2];
    fmt::print("/bin/true:        {}\nsbcctl status:    {}\nsbcctl kb search: {}\n", describe(baseline),
               describe(status), describe(search));
    auto& rep = run.report;
    rep.add({"ctl.true.p50_ms", "sbcctl: /bin/true (start-up baseline) p50", baseline.p50, "ms", 2,
             std::nullopt});
    rep.add({"ctl.status.p50_ms", "sbcctl status: round trip p50", status.p50, "ms", 2, std::nullopt});
    rep.add({"ctl.status.p99_ms", "sbcctl status: round trip p99", status.p99, "ms", 2, std::nullopt});
    rep.add({"ctl.status.net_p50_ms", "sbcctl status: p50 minus /bin/true p50", status.p50 - baseline.p50,
             "ms", 2, std::nullopt});
    rep.add({"ctl.search.p50_ms", "sbcctl kb search: round trip p50", search.p50, "ms", 2, std::nullopt});
    rep.add({"ctl.search.p99_ms", "sbcctl kb search: round trip p99", search.p99, "ms", 2, std::nullopt});
}

} // namespace sbc::bench
