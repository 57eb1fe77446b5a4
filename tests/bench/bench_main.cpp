// sbc_bench: the benchmark of issue 4. It starts the real sbcd (by default the one built beside it; --sbcd
// measures any other build, e.g. before and after an optimisation), fills it with generated businesses and
// knowledge, and measures, each phase printing its figures as it goes:
//   1 setup        1,000 businesses x 100 entries through the control socket
//   2 ingest       pre-signed webhooks at full speed over keep-alive connections; then the same requests
//                  against sbc_bare_server, a cpp-httplib server set up like sbcd that only answers 200
//   3 rate         webhooks at a fixed rate, open loop (latency from the scheduled send)
//   4 reply        webhook to the reply's arrival at a fake Twilio on loopback; ack latency
//   5 search       knowledge search at 1,000,000 entries (database generated once, cached in --workdir)
//   6 memory       sbcd's peak and current resident memory
//   7 ctl          sbcctl round trips next to /bin/true
// and ends with one table — metric, value, target, pass/fail — and, with --json FILE, the same as JSON.
// Targets are reported, never enforced: the exit status is 1 only when something did not work (a non-200
// answer, a missing reply, a failed command), 2 for bad usage. docs/benchmarks.md explains the method.

#include "common/text.hpp"
#include "daemon/config/config.hpp"
#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"
#include "tests/support/fake_twilio.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <fstream>
#include <sstream>
#include <sys/utsname.h>
#include <thread>
#include <unistd.h>

namespace sbc::bench {
namespace {

const std::vector<std::string> k_all_phases = {"ingest", "rate", "reply", "search", "memory", "ctl", "llm"};

std::string scale_note(long long have, long long want, const std::string& what) {
    return have >= want ? "" : fmt::format("target is at {}", what);
}

// Smaller figures for --quick, applied only to the options not given on the command line.
void apply_quick(Options& o, const CLI::App& app) {
    auto unset = [&app](const char* name) { return app.count(name) == 0; };
    if (unset("--businesses")) {
        o.businesses = 100;
    }
    if (unset("--requests")) {
        o.requests = 2000;
    }
    if (unset("--ingest-rounds")) {
        o.ingest_rounds = 1;
    }
    if (unset("--rate-seconds")) {
        o.rate_seconds = 3;
    }
    if (unset("--reply-messages")) {
        o.reply_messages = 60;
    }
    if (unset("--reply-sequential")) {
        o.reply_sequential = 20;
    }
    if (unset("--slow-twilio-messages")) {
        o.slow_twilio_messages = 40;
    }
    if (unset("--search-businesses")) {
        o.search_businesses = 200;
    }
    if (unset("--search-queries")) {
        o.search_queries = 300;
    }
    if (unset("--ctl-runs")) {
        o.ctl_runs = 30;
    }
    if (unset("--llm-messages")) {
        o.llm_messages = 20;
    }
    o.warmup = std::min(o.warmup, 100);
}

Options parse(int argc, char** argv) {
    Options o;
    o.sbcd = SBCD_PATH;
    o.sbcctl = SBCCTL_PATH;
    o.bare_server = SBC_BARE_SERVER_PATH;
    o.workdir = SBC_BENCH_WORKDIR;
    o.http_threads = config::Config{}.http_threads;
    std::string phases = fmt::format("{}", fmt::join(k_all_phases, ","));
    CLI::App app{"sbc_bench: sbcd's benchmark (docs/benchmarks.md)", "sbc_bench"};
    app.add_option("--sbcd", o.sbcd, "the sbcd binary to measure")->capture_default_str();
    app.add_option("--sbcctl", o.sbcctl, "the sbcctl binary to measure")->capture_default_str();
    app.add_option("--bare-server", o.bare_server, "the baseline server binary")->capture_default_str();
    app.add_option("--workdir", o.workdir, "where the generated 1M-entry database is cached")
        ->capture_default_str();
    app.add_option("--json", o.json_path, "also write the figures as JSON to this file");
    app.add_option("--compare", o.compare_path, "an earlier run's --json file: print before/now/change too")
        ->check(CLI::ExistingFile);
    app.add_flag("--quick", o.quick,
                 "a smoke run at small scale (under a minute); targets then do not apply");
    app.add_option("--phases", phases, "comma-separated subset of " + phases)->capture_default_str();
    app.add_option("--seed", o.seed, "seed of the generated data")->capture_default_str();
    app.add_option("--businesses", o.businesses, "businesses in sbcd (phase 1)")->capture_default_str();
    app.add_option("--entries", o.entries, "knowledge entries per business (at most 100)")
        ->check(CLI::Range(1, 100))
        ->capture_default_str();
    app.add_option("--requests,-n", o.requests, "webhooks of the full-speed ingest run")
        ->capture_default_str();
    app.add_option("--ingest-rounds", o.ingest_rounds,
                   "times phase 2 takes turns between sbcd and the bare server (the median is reported)")
        ->check(CLI::Range(1, 15))
        ->capture_default_str();
    app.add_option("--http-threads", o.http_threads,
                   "HTTP workers of sbcd (SBC_HTTP_THREADS) and of the bare server alike")
        ->check(CLI::Range(1, 256))
        ->capture_default_str();
    app.add_option("--connections,-c", o.connections,
                   "keep-alive connections of the ingest runs [default: --http-threads]")
        ->check(CLI::Range(1, 256));
    app.add_option("--rate,-r", o.rate, "webhooks per second of the fixed-rate run")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--rate-seconds", o.rate_seconds, "length of the fixed-rate run")->capture_default_str();
    app.add_option("--reply-rate", o.reply_rate, "webhooks per second of the webhook->reply run")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    app.add_option("--reply-messages", o.reply_messages, "webhooks of the webhook->reply run")
        ->capture_default_str();
    app.add_option("--reply-sequential", o.reply_sequential, "webhooks sent one at a time after it")
        ->capture_default_str();
    app.add_option("--twilio-latency-ms", o.twilio_latency_ms,
                   "how long the fake Twilio takes per call in the last reply run (0: no such run)")
        ->check(CLI::Range(0, 10000))
        ->capture_default_str();
    app.add_option("--slow-twilio-messages", o.slow_twilio_messages, "webhooks of that run, at --reply-rate")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    app.add_option("--search-businesses", o.search_businesses, "businesses of the search database")
        ->capture_default_str();
    app.add_option("--search-queries", o.search_queries, "timed queries of the search phase")
        ->capture_default_str();
    app.add_option("--ctl-runs", o.ctl_runs, "runs of each command in the sbcctl phase")
        ->capture_default_str();
    app.add_option("--llm-messages", o.llm_messages,
                   "questions to each business of the LLM phase (one with LLM on, one without)")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        std::exit(app.exit(e));
    }
    if (o.quick) {
        apply_quick(o, app);
    }
    if (app.count("--connections") == 0) {
        o.connections = o.http_threads; // as many as sbcd has workers (docs/benchmarks.md)
    }
    // Servers start in their own directories: a relative path given here would not be found from there.
    for (auto* path : {&o.sbcd, &o.sbcctl, &o.bare_server, &o.workdir}) {
        *path = std::filesystem::absolute(*path).lexically_normal().string();
    }
    std::stringstream list(phases);
    for (std::string phase; std::getline(list, phase, ',');) {
        if (std::find(k_all_phases.begin(), k_all_phases.end(), phase) == k_all_phases.end()) {
            fmt::print(stderr, "sbc_bench: unknown phase '{}' (phases: {})\n", phase,
                       fmt::join(k_all_phases, ","));
            std::exit(2);
        }
        o.phases.insert(phase);
    }
    if (o.businesses < 1 || o.requests < 1 || o.search_businesses < 1) {
        fmt::print(stderr, "sbc_bench: --businesses, --requests and --search-businesses must be positive\n");
        std::exit(2);
    }
    return o;
}

std::string first_line_with(const std::string& path, const std::string& prefix) {
    std::ifstream in(path);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) {
            auto colon = line.find(':');
            return colon == std::string::npos ? line : std::string(text::trim(line.substr(colon + 1)));
        }
    }
    return "?";
}

std::string load_average() {
    std::ifstream in("/proc/loadavg");
    std::string one, five, fifteen;
    in >> one >> five >> fifteen;
    return one + " " + five + " " + fifteen;
}

// The CPU ticks of all cores so far (user through steal, /proc/stat's first line) and the steal among them:
// the time a hypervisor gave this VM's CPUs to others. A run with a large share is not comparable with one
// without (the runs of 2 December at 22:17 lost 29% and came out two to three times slower).
struct CpuTicks {
    long long total = 0;
    long long steal = 0;
};

CpuTicks cpu_ticks() {
    std::ifstream in("/proc/stat");
    std::string cpu;
    in >> cpu;
    CpuTicks t;
    for (int field = 0; field < 8; ++field) { // user nice system idle iowait irq softirq steal
        long long value = 0;
        in >> value;
        t.total += value;
        if (field == 7) {
            t.steal = value;
        }
    }
    return t;
}

std::string local_time() {
    std::time_t now = std::time(nullptr);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M:%S %Z", std::localtime(&now));
    return buffer;
}

// The filesystem under a directory, from df (device, type, size), for the record of where the data lived.
std::string disk_of(const std::string& path) {
    auto r = test::run({"/bin/df", "-hT", path});
    std::istringstream lines(r.out);
    std::string line, last;
    while (std::getline(lines, line)) {
        last = line;
    }
    return last;
}

void describe_machine(Report& report, const Options& o, const std::string& data_dir) {
    utsname u{};
    ::uname(&u);
    nlohmann::json machine = {
        {"date", local_time()},
        {"cpus", std::thread::hardware_concurrency()},
        {"cpu_model", first_line_with("/proc/cpuinfo", "model name")},
        {"memory", first_line_with("/proc/meminfo", "MemTotal")},
        {"kernel", std::string(u.sysname) + " " + u.release},
        {"disk_data_dir", disk_of(data_dir)},
        {"disk_workdir", disk_of(o.workdir)},
        {"load_average_start", load_average()},
        {"bench_build", fmt::format("{}{}", SBC_BENCH_BUILD_TYPE,
                                    std::string(SBC_BENCH_SANITIZE) == "ON" ? " + sanitizers" : "")},
    };
    fmt::print("sbc_bench  {}\nmachine    {} CPUs, {}, memory {}, {}\ndisk       {}\nload avg   {} (1, 5, 15 "
               "min)\nbinaries   {}\n           {}\nbuild      {}\n",
               machine["date"].get<std::string>(), machine["cpus"].get<unsigned>(),
               machine["cpu_model"].get<std::string>(), machine["memory"].get<std::string>(),
               machine["kernel"].get<std::string>(), machine["disk_data_dir"].get<std::string>(),
               machine["load_average_start"].get<std::string>(), o.sbcd, o.sbcctl,
               machine["bench_build"].get<std::string>());
    if (std::string(SBC_BENCH_SANITIZE) == "ON") {
        fmt::print("WARNING: this sbc_bench is a sanitizer build; its figures are not comparable\n");
    }
    // scripts/bench.sh says which commit the binaries were built from.
    if (const char* revision = std::getenv("SBC_BENCH_REVISION")) {
        fmt::print("sources    {}\n", revision);
        report.set_info("sources", revision);
    }
    report.set_info("machine", machine);
    report.set_info("options", {{"sbcd", o.sbcd},
                                {"sbcctl", o.sbcctl},
                                {"quick", o.quick},
                                {"seed", o.seed},
                                {"businesses", o.businesses},
                                {"entries", o.entries},
                                {"requests", o.requests},
                                {"ingest_rounds", o.ingest_rounds},
                                {"http_threads", o.http_threads},
                                {"connections", o.connections},
                                {"rate", o.rate},
                                {"rate_seconds", o.rate_seconds},
                                {"reply_rate", o.reply_rate},
                                {"reply_messages", o.reply_messages},
                                {"search_businesses", o.search_businesses},
                                {"search_queries", o.search_queries}});
}

// The SBC_* variables of the bench's own environment that sbcd gets (SBC_SYNCHRONOUS=normal scripts/bench.sh
// ...), except those the bench decides itself: an exported SBC_DATA_DIR or SBC_SOCKET (the demo's, say) would
// otherwise point the bench's sbcd at real data and fill it with a thousand made-up businesses.
test::Env passed_on_environment() {
    constexpr std::string_view k_owned[] = {"SBC_DATA_DIR", "SBC_SOCKET", "SBC_LISTEN", "SBC_HTTP_THREADS"};
    test::Env env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string_view kv(*entry);
        auto eq = kv.find('=');
        if (!kv.starts_with("SBC_") || kv.starts_with("SBC_BENCH_") || eq == std::string_view::npos) {
            continue;
        }
        std::string name(kv.substr(0, eq));
        if (std::find(std::begin(k_owned), std::end(k_owned), name) != std::end(k_owned)) {
            fmt::print("sbc_bench: ignoring {} from the environment: the bench chooses it\n", name);
            continue;
        }
        env[name] = std::string(kv.substr(eq + 1));
    }
    return env;
}

// Phases 1-4, 6 and 7 on one sbcd with phase 1's businesses.
void run_daemon_phases(Run& run, const std::string& dir) {
    const auto& o = run.options;
    test::FakeTwilio fake;
    auto passed_on = passed_on_environment();
    for (const auto& [name, value] : passed_on) {
        fmt::print("sbcd gets {}={} from the environment\n", name, value);
    }
    run.report.set_info("sbcd_environment", passed_on);
    Sbcd sbcd(o.sbcd, dir, sbcd_env(fake, passed_on, o.http_threads));
    fmt::print("sbcd {} (pid {}) on port {}, data in {}\n", sbcd.version(), sbcd.pid(), sbcd.http_port(),
               dir);
    phase_setup(run, sbcd);
    if (o.wants("ingest")) {
        phase_ingest(run, sbcd, fake, dir);
    }
    if (o.wants("rate")) {
        phase_rate(run, sbcd, fake);
    }
    if (o.wants("reply")) {
        phase_reply(run, sbcd, fake);
    }
    if (o.wants("ctl")) {
        phase_ctl(run, sbcd);
    }
    if (o.wants("memory")) {
        phase_memory(run, sbcd);
    }
    auto stopping = Clock::now();
    int code = sbcd.stop();
    double ms = std::chrono::duration<double, std::milli>(Clock::now() - stopping).count();
    fmt::print("sbcd stopped with exit code {} in {:.0f} ms after SIGTERM\n", code, ms);
    if (code != 0) {
        run.problem(fmt::format("sbcd exited {} on SIGTERM; the end of its log:\n{}", code, sbcd.log_tail()));
    }
}

void print_comparison(const Report& report, const std::string& path) {
    try {
        std::ifstream in(path);
        auto before = nlohmann::json::parse(in);
        std::string when = before.contains("machine") ? before["machine"].value("date", "?") : "?";
        fmt::print("\n== compared with {} (run of {})\n\n{}", path, when, report.comparison(before));
    } catch (const std::exception& e) {
        fmt::print("sbc_bench: cannot compare with {}: {}\n", path, e.what());
    }
}

void write_json(const Report& report, const std::string& path) {
    std::ofstream out(path);
    out << report.json().dump(2) << "\n";
    if (!out) {
        throw std::runtime_error("cannot write " + path);
    }
    fmt::print("figures written to {}\n", path);
}

} // namespace

// sbcd as the webhook phases need it: signatures checked against the public URL, replies posted to the fake
// Twilio, every rate limit off (0) so that the load measures the work, not the refusals; then the variables
// passed on from the environment, which win.
test::Env sbcd_env(const test::FakeTwilio& fake, const test::Env& passed_on, int http_threads) {
    test::Env env = {{"WEBHOOK_BASE_URL", test::k_public_base},
                     {"TWILIO_ACCOUNT_SID", fake.account_sid()},
                     {"TWILIO_AUTH_TOKEN", fake.auth_token()},
                     {"TWILIO_API_BASE_URL", fake.base_url()},
                     {"SBC_RATE_GLOBAL_PER_HOUR", "0"},
                     {"SBC_RATE_CUSTOMER_PER_HOUR", "0"},
                     {"SBC_RATE_OWNER_PER_HOUR", "0"},
                     {"SBC_RATE_MEDIA_PER_HOUR", "0"},
                     {"SBC_HTTP_THREADS", std::to_string(http_threads)},
                     {"LOG_LEVEL", "info"}};
    for (const auto& [name, value] : passed_on) {
        env[name] = value;
    }
    return env;
}

std::string Options::memory_scale_note() const {
    return quick ? "--quick" : scale_note(businesses, 1000, "1,000 businesses");
}

std::string Options::search_scale_note() const {
    return quick ? "--quick"
                 : scale_note(static_cast<long long>(search_businesses) * entries, 1000000, "1M entries");
}

} // namespace sbc::bench

int main(int argc, char** argv) {
    using namespace sbc::bench;
    Options options = parse(argc, argv);
    Report report;
    Run run{options, report};
    auto started = Clock::now();
    auto ticks_at_start = cpu_ticks();
    try {
        std::filesystem::create_directories(options.workdir);
        sbc::test::TempDir dir;
        describe_machine(report, options, dir.path());
        bool daemon_phases = options.wants("ingest") || options.wants("rate") || options.wants("reply") ||
                             options.wants("memory") || options.wants("ctl");
        if (daemon_phases) {
            run_daemon_phases(run, dir.path());
        }
        if (options.wants("search")) {
            phase_search(run);
        }
        if (options.wants("llm")) {
            phase_llm(run, dir.path(), passed_on_environment());
        }
    } catch (const std::exception& e) {
        fmt::print("sbc_bench: {}\n", e.what());
        return 1;
    }
    double seconds = std::chrono::duration<double>(Clock::now() - started).count();
    std::string load = load_average();
    auto ticks = cpu_ticks();
    double steal_percent = ticks.total > ticks_at_start.total
                               ? 100.0 * static_cast<double>(ticks.steal - ticks_at_start.steal) /
                                     static_cast<double>(ticks.total - ticks_at_start.total)
                               : 0;
    report.set_info("load_average_end", load);
    report.set_info("run_seconds", seconds);
    report.set_info("cpu_steal_percent", steal_percent);
    fmt::print(
        "\n== sbc_bench results ({}; load average at the end {}; CPU stolen by the hypervisor {:.1f}%; "
        "run took {:.0f} s)\n\n{}",
        local_time(), load, steal_percent, seconds, report.table());
    if (report.any_target_failed()) {
        fmt::print("\nFAIL marks a target the team has yet to meet; it does not fail the run.\n");
    }
    if (!options.compare_path.empty()) {
        print_comparison(report, options.compare_path);
    }
    if (!options.json_path.empty()) {
        write_json(report, options.json_path);
    }
    if (run.problems) {
        fmt::print("\nsbc_bench: some requests or commands did not work (PROBLEM lines above)\n");
        return 1;
    }
    return 0;
}
