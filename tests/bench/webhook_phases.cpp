// Phases 2-4: signed webhooks against sbcd (and the bare server), replies at the fake Twilio.

#include "daemon/config/config.hpp"
#include "daemon/twilio/signature.hpp"
#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"
#include "tests/support/fake_twilio.hpp"
#include "tests/support/prometheus_text.hpp"
#include "tests/support/webhook.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <functional>
#include <httplib.h>
#include <numeric>
#include <thread>
#include <unordered_map>

namespace sbc::bench {
namespace {

constexpr auto k_drain_timeout = std::chrono::seconds(180);
constexpr auto k_reply_timeout = std::chrono::seconds(30);

// Customers of the ingest phases: each talks to one business, several messages each over the run, spread
// over every business.
std::vector<SignedWebhook> customer_traffic(Run& run, std::size_t count, std::mt19937_64& rng) {
    const auto& businesses = run.businesses;
    int customers = std::max(1, static_cast<int>(businesses.size()) * 5);
    std::uniform_int_distribution<int> pick_customer(0, customers - 1);
    std::vector<SignedWebhook> out;
    out.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        int c = pick_customer(rng);
        const auto& b = businesses[static_cast<std::size_t>(c) % businesses.size()];
        out.push_back(signed_message(run, customer_number(c), b.number, make_question(rng, b)));
    }
    return out;
}

void print_statuses(const LoadResult& r) {
    for (const auto& [status, n] : r.statuses()) {
        fmt::print("  HTTP {}: {}\n", status == 0 ? std::string("(no answer)") : std::to_string(status), n);
    }
}

// Checks that every answer was 200 and remembers the replies sbcd now owes the fake Twilio.
void account(Run& run, const LoadResult& r, const std::string& what) {
    run.replies_expected += r.warmup_ok + (r.samples.size() - r.errors());
    if (r.errors() > 0) {
        print_statuses(r);
        run.problem(
            fmt::format("{}: {} of {} webhooks were not answered 200", what, r.errors(), r.samples.size()));
    }
}

// Waits until the fake Twilio has every reply owed so far; returns the seconds waited.
double wait_for_replies(Run& run, test::FakeTwilio& fake) {
    auto started = Clock::now();
    if (!fake.wait_for_requests(run.replies_expected, k_drain_timeout)) {
        run.problem(fmt::format("only {} of {} replies reached the fake Twilio within {} s",
                                fake.request_count(), run.replies_expected, k_drain_timeout.count()));
    }
    return std::chrono::duration<double>(Clock::now() - started).count();
}

LoadResult drive(const std::string& label, int port, int connections, double rate,
                 const std::vector<SignedWebhook>& warmup, const std::vector<SignedWebhook>& measured,
                 std::function<void()> after_warmup = {}) {
    auto r = run_load({port, connections, rate, std::move(after_warmup)}, warmup, measured);
    auto s = summarise(r.latencies_ms());
    fmt::print("{}: {} requests in {:.2f} s = {:.0f} req/s, {} errors; latency {}\n", label, r.samples.size(),
               r.seconds(), r.throughput(), r.errors(), describe(s));
    std::fflush(stdout);
    return r;
}

// One webhook at a time: send, wait for its reply at the fake Twilio, then the next.
void one_at_a_time(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake, int first_customer) {
    const auto& o = run.options;
    std::mt19937_64 rng(o.seed + 44);
    httplib::Client client("127.0.0.1", sbcd.http_port());
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(30);
    std::vector<Clock::time_point> starts;
    std::vector<double> acks;
    for (int k = 0; k < o.reply_sequential; ++k) {
        const auto& b = run.businesses[static_cast<std::size_t>(k * 7) % run.businesses.size()];
        auto w =
            signed_message(run, reply_customer_number(first_customer + k), b.number, make_question(rng, b));
        auto start = Clock::now();
        auto res = client.Post(k_webhook_path, {{"X-Twilio-Signature", w.signature}}, w.body,
                               "application/x-www-form-urlencoded");
        acks.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
        starts.push_back(start);
        if (!res || res->status != 200) {
            run.problem(fmt::format("one-at-a-time webhook {} answered {}", k, res ? res->status : 0));
            continue;
        }
        ++run.replies_expected;
        fake.wait_for_requests(run.replies_expected, k_reply_timeout);
    }
    auto latencies = reply_latencies(run, fake, first_customer, starts, "one at a time");
    auto s = summarise(latencies);
    auto a = summarise(acks);
    fmt::print("one at a time: webhook -> reply at fake Twilio {}\n  ack {}\n", describe(s), describe(a));
    run.report.add_latency("reply.sequential.webhook_to_reply", "reply, one at a time: webhook->reply", s);
    run.report.add_latency("reply.sequential.ack", "reply, one at a time: ack", a);
}

} // namespace

namespace {

// Arrival at the fake Twilio of the first message to each number ("whatsapp:+1917..."), from one snapshot of
// everything the fake recorded.
std::unordered_map<std::string, Clock::time_point> first_reply_by_customer(const test::FakeTwilio& fake) {
    std::unordered_map<std::string, Clock::time_point> out;
    for (const auto& request : fake.requests()) {
        if (auto to = request.form.first("To")) {
            out.emplace(std::string(*to), request.arrived);
        }
    }
    return out;
}

} // namespace

std::vector<double> reply_latencies(Run& run, const test::FakeTwilio& fake, int first,
                                    const std::vector<Clock::time_point>& starts, const std::string& what) {
    auto replies = first_reply_by_customer(fake);
    std::vector<double> out;
    std::size_t missing = 0;
    for (std::size_t i = 0; i < starts.size(); ++i) {
        auto found = replies.find("whatsapp:" + reply_customer_number(first + static_cast<int>(i)));
        if (found == replies.end()) {
            ++missing;
            continue;
        }
        out.push_back(std::chrono::duration<double, std::milli>(found->second - starts[i]).count());
    }
    if (missing > 0) {
        run.problem(
            fmt::format("{}: {} of {} replies never reached the fake Twilio", what, missing, starts.size()));
    }
    return out;
}

void Run::problem(const std::string& what) {
    fmt::print("PROBLEM: {}\n", what);
    std::fflush(stdout);
    problems = true;
}

SignedWebhook signed_message(Run& run, const std::string& from, const std::string& to,
                             const std::string& body) {
    auto params = test::inbound_message(test::make_sid(run.next_sid++), from, to, body);
    std::string url = std::string(test::k_public_base) + k_webhook_path;
    return {http::encode_form(params), twilio::compute_signature(test::k_fake_auth_token, url, params)};
}

namespace {

// One round of phase 2: sbcd at full speed, its replies drained, then the bare server with the same bodies.
struct IngestRound {
    LoadResult sbcd, bare;
    std::vector<double> fifths;
    double sbcd_cpu_us = 0;       // sbcd's CPU while the webhooks were answered, per webhook
    double sbcd_total_cpu_us = 0; // ... until the last reply reached the fake Twilio
    double bare_cpu_us = 0;       // the bare server's, per request
    double bench_cpu_sbcd_us = 0; // the load generator's (and fake Twilio's) while sbcd was driven
    double bench_cpu_bare_us = 0; // ... while the bare server was
    double drain_s = 0;
    std::size_t backlog = 0;
    double writes_per_commit = 0; // sbcd's group commit while answering; 0: not known (an older sbcd)
    MemoryUse memory;
    double ratio() const { return bare.throughput() > 0 ? sbcd.throughput() / bare.throughput() : 0; }
};

double per_request_us(double seconds, std::size_t requests) {
    return requests > 0 ? seconds * 1e6 / static_cast<double>(requests) : 0;
}

// sbcd's commits and the writes they carried (GET /metrics); nullopt from an sbcd older than those counters.
std::optional<std::pair<double, double>> store_counters(int port) {
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get("/metrics");
    if (!res || res->status != 200) {
        return std::nullopt;
    }
    auto scrape = test::parse_prometheus(res->body);
    auto commits = scrape.value("sbc_store_commits_total");
    auto writes = scrape.value("sbc_store_writes_total");
    if (!commits || !writes) {
        return std::nullopt;
    }
    return std::pair{*commits, *writes};
}

IngestRound ingest_round(Run& run, const Sbcd& sbcd, const BareServer& bare, test::FakeTwilio& fake,
                         std::mt19937_64& rng, int round) {
    const auto& o = run.options;
    auto warmup = customer_traffic(run, static_cast<std::size_t>(o.warmup), rng);
    auto measured = customer_traffic(run, static_cast<std::size_t>(o.requests), rng);
    std::size_t requests = warmup.size() + measured.size();
    IngestRound r;

    auto counters_before = store_counters(sbcd.http_port());
    double sbcd_before = cpu_seconds_of(sbcd.pid()), bench_before = own_cpu_seconds();
    r.sbcd =
        drive(fmt::format("round {}, sbcd", round), sbcd.http_port(), o.connections, 0, warmup, measured);
    double sbcd_acked = cpu_seconds_of(sbcd.pid());
    auto counters_after = store_counters(sbcd.http_port());
    if (counters_before && counters_after && counters_after->first > counters_before->first) {
        r.writes_per_commit = (counters_after->second - counters_before->second) /
                              (counters_after->first - counters_before->first);
    }
    r.bench_cpu_sbcd_us = per_request_us(own_cpu_seconds() - bench_before, requests);
    account(run, r.sbcd, "ingest");
    // Replies still to be sent now, and what holding them costs: the sender's backlog is sbcd's largest
    // load-dependent state.
    r.memory = memory_of(sbcd.pid());
    std::size_t sent = fake.request_count();
    r.backlog = run.replies_expected > sent ? run.replies_expected - sent : 0;
    r.fifths = r.sbcd.throughput_by_window(5);
    r.drain_s = wait_for_replies(run, fake);
    r.sbcd_cpu_us = per_request_us(sbcd_acked - sbcd_before, requests);
    r.sbcd_total_cpu_us = per_request_us(cpu_seconds_of(sbcd.pid()) - sbcd_before, requests);

    double bare_before = cpu_seconds_of(bare.pid());
    bench_before = own_cpu_seconds();
    r.bare =
        drive(fmt::format("round {}, bare server", round), bare.port(), o.connections, 0, warmup, measured);
    r.bare_cpu_us = per_request_us(cpu_seconds_of(bare.pid()) - bare_before, requests);
    r.bench_cpu_bare_us = per_request_us(own_cpu_seconds() - bench_before, requests);
    if (r.bare.errors() > 0) {
        print_statuses(r.bare);
        run.problem(fmt::format("bare server: {} errors", r.bare.errors()));
    }
    fmt::print("  sbcd throughput by fifth of the run: {:.0f} req/s\n", fmt::join(r.fifths, ", "));
    fmt::print("  {} replies were not yet at the fake Twilio at the last answer, the last arrived {:.1f} s "
               "later; sbcd VmRSS {:.1f} MB\n",
               r.backlog, r.drain_s, r.memory.current_kib / 1024.0);
    fmt::print("  CPU per request: sbcd {:.0f} us while answering ({:.0f} us until the last reply), bare "
               "server {:.0f} us; sbc_bench {:.0f} us against sbcd, {:.0f} us against the bare server\n",
               r.sbcd_cpu_us, r.sbcd_total_cpu_us, r.bare_cpu_us, r.bench_cpu_sbcd_us, r.bench_cpu_bare_us);
    if (r.writes_per_commit > 0) {
        fmt::print("  sbcd's commits while answering carried {:.1f} writes each\n", r.writes_per_commit);
    }
    fmt::print("  round {}: sbcd / bare server throughput {:.3f}\n", round, r.ratio());
    std::fflush(stdout);
    return r;
}

void report_ingest(Report& rep, const Options& o, const IngestRound& r, double lowest, double highest) {
    std::string conn = fmt::format("{} conn.", o.connections);
    rep.add({"ingest.sbcd.requests_per_s", "ingest, sbcd: throughput (" + conn + ")", r.sbcd.throughput(),
             "req/s", 0, std::nullopt});
    rep.add_latency("ingest.sbcd.latency", "ingest, sbcd: latency", summarise(r.sbcd.latencies_ms()));
    rep.add({"ingest.sbcd.first_fifth_requests_per_s", "ingest, sbcd: throughput, first fifth",
             r.fifths.front(), "req/s", 0, std::nullopt});
    rep.add({"ingest.sbcd.last_fifth_requests_per_s", "ingest, sbcd: throughput, last fifth", r.fifths.back(),
             "req/s", 0, std::nullopt});
    rep.add({"ingest.sbcd.errors", "ingest, sbcd: non-200 answers", static_cast<double>(r.sbcd.errors()), "",
             0, std::nullopt});
    rep.add({"ingest.sbcd.reply_backlog", "ingest, sbcd: replies not yet sent at last ack",
             static_cast<double>(r.backlog), "", 0, std::nullopt});
    rep.add({"ingest.sbcd.reply_drain_s", "ingest, sbcd: last reply sent, after last ack", r.drain_s, "s", 1,
             std::nullopt});
    rep.add({"ingest.sbcd.rss_mb", "ingest, sbcd: VmRSS at last ack", r.memory.current_kib / 1024.0, "MB", 1,
             std::nullopt});
    rep.add({"ingest.sbcd.cpu_us", "ingest, sbcd: CPU per webhook, until last ack", r.sbcd_cpu_us, "us", 0,
             std::nullopt});
    rep.add({"ingest.sbcd.total_cpu_us", "ingest, sbcd: CPU per webhook, until last reply",
             r.sbcd_total_cpu_us, "us", 0, std::nullopt});
    if (r.writes_per_commit > 0) {
        rep.add({"ingest.sbcd.writes_per_commit", "ingest, sbcd: writes per commit", r.writes_per_commit, "",
                 1, std::nullopt});
    }
    rep.add({"ingest.bare.requests_per_s", "ingest, bare server: throughput (" + conn + ")",
             r.bare.throughput(), "req/s", 0, std::nullopt});
    rep.add_latency("ingest.bare.latency", "ingest, bare server: latency", summarise(r.bare.latencies_ms()));
    rep.add(
        {"ingest.bare.cpu_us", "ingest, bare server: CPU per request", r.bare_cpu_us, "us", 0, std::nullopt});
    rep.add({"ingest.bench.cpu_us_sbcd", "ingest, sbc_bench: CPU per request to sbcd", r.bench_cpu_sbcd_us,
             "us", 0, std::nullopt});
    rep.add({"ingest.bench.cpu_us_bare", "ingest, sbc_bench: CPU per request to bare", r.bench_cpu_bare_us,
             "us", 0, std::nullopt});
    rep.add({"ingest.ratio_lowest", "ingest: sbcd / bare, lowest round", lowest, "x", 3, std::nullopt});
    rep.add({"ingest.ratio_highest", "ingest: sbcd / bare, highest round", highest, "x", 3, std::nullopt});
    rep.add({"ingest.ratio", "ingest: sbcd / bare server throughput", r.ratio(), "x", 3,
             Target{Target::Kind::at_least, 0.6, ""}});
}

} // namespace

// The ratio moves by half its value from one run to the next on a shared two-core VM (the bare server's
// throughput alone by a third), so the phase takes turns several times and reports the median round.
void phase_ingest(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake, const std::string& dir) {
    const auto& o = run.options;
    fmt::print(
        "== phase 2: ingest at full speed: {} signed webhooks over {} keep-alive connections, then the "
        "same to the bare server; {} round{}\n",
        o.requests, o.connections, o.ingest_rounds, o.ingest_rounds == 1 ? "" : "s");
    std::mt19937_64 rng(o.seed + 2);
    BareServer bare(o.bare_server, dir, o.http_threads);
    std::vector<IngestRound> rounds;
    for (int k = 1; k <= o.ingest_rounds; ++k) {
        rounds.push_back(ingest_round(run, sbcd, bare, fake, rng, k));
    }
    std::vector<std::size_t> order(rounds.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](std::size_t a, std::size_t b) { return rounds[a].ratio() < rounds[b].ratio(); });
    const auto& median = rounds[order[order.size() / 2]];
    fmt::print("sbcd / bare server throughput: {:.3f} (median of {} rounds, {:.3f} to {:.3f})\n",
               median.ratio(), rounds.size(), rounds[order.front()].ratio(), rounds[order.back()].ratio());
    report_ingest(run.report, o, median, rounds[order.front()].ratio(), rounds[order.back()].ratio());
}

void phase_rate(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake) {
    const auto& o = run.options;
    auto count = static_cast<std::size_t>(o.rate * o.rate_seconds);
    fmt::print(
        "== phase 3: ingest at a fixed rate: {:.0f} webhooks/s for {:.0f} s, open loop, {} connections\n",
        o.rate, o.rate_seconds, o.connections);
    std::mt19937_64 rng(o.seed + 3);
    auto warmup = customer_traffic(run, static_cast<std::size_t>(o.connections) * 2, rng);
    auto measured = customer_traffic(run, count, rng);
    auto r = drive("sbcd", sbcd.http_port(), o.connections, o.rate, warmup, measured);
    account(run, r, "fixed rate");
    double drain = wait_for_replies(run, fake);
    fmt::print("  every reply reached the fake Twilio {:.1f} s after the last webhook was answered\n", drain);
    std::string name = fmt::format("rate {:.0f}/s, sbcd: latency", o.rate);
    run.report.add({"rate.sbcd.requests_per_s", fmt::format("rate {:.0f}/s, sbcd: achieved", o.rate),
                    r.throughput(), "req/s", 0, std::nullopt});
    run.report.add_latency("rate.sbcd.latency", name, summarise(r.latencies_ms()));
}

namespace {

// The reply rate again, with a fake Twilio that takes as long per call as the real API does from a server
// (a TLS round trip to api.twilio.com and its work: 100-300 ms). The fake's loopback answers in microseconds,
// which hides how many calls the senders must have open at once: the rate times the call's time. The
// latency is from the webhook to the call reaching the fake, so the fake's own delay is not in it.
void with_slow_twilio(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake, int first_customer,
                      std::mt19937_64& rng) {
    const auto& o = run.options;
    int connections = std::min(o.connections, 4);
    fmt::print("webhook -> reply with a Twilio answering in {} ms: {} webhooks at {:.0f}/s\n",
               o.twilio_latency_ms, o.slow_twilio_messages, o.reply_rate);
    std::vector<SignedWebhook> measured;
    for (int j = 0; j < o.slow_twilio_messages; ++j) {
        const auto& b = run.businesses[static_cast<std::size_t>(j * 17) % run.businesses.size()];
        measured.push_back(
            signed_message(run, reply_customer_number(first_customer + j), b.number, make_question(rng, b)));
    }
    fake.set_random_faults(100, o.seed,
                           {test::FakeFault::slow(std::chrono::milliseconds(o.twilio_latency_ms))});
    auto r = drive("sbcd ack", sbcd.http_port(), connections, o.reply_rate, {}, measured);
    account(run, r, "webhook -> reply, slow Twilio");
    wait_for_replies(run, fake);
    fake.set_random_faults(0, o.seed, {});
    std::vector<Clock::time_point> starts;
    for (const auto& s : r.samples) {
        starts.push_back(s.start);
    }
    auto latencies =
        summarise(reply_latencies(run, fake, first_customer, starts, "webhook -> reply, slow Twilio"));
    fmt::print("webhook -> reply at fake Twilio: {}\n", describe(latencies));
    run.report.add_latency(
        "reply.slow_twilio.webhook_to_reply",
        fmt::format("reply, {:.0f}/s, Twilio {} ms: webhook->call", o.reply_rate, o.twilio_latency_ms),
        latencies);
}

} // namespace

void phase_reply(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake) {
    const auto& o = run.options;
    int connections = std::min(o.connections, 4);
    fmt::print("== phase 4: webhook -> reply at the fake Twilio: {} webhooks at {:.0f}/s (open loop, {} "
               "connections), each from its own customer; then {} one at a time\n",
               o.reply_messages, o.reply_rate, connections, o.reply_sequential);
    std::mt19937_64 rng(o.seed + 4);
    std::vector<SignedWebhook> measured;
    for (int j = 0; j < o.reply_messages; ++j) {
        const auto& b = run.businesses[static_cast<std::size_t>(j * 13) % run.businesses.size()];
        measured.push_back(signed_message(run, reply_customer_number(j), b.number, make_question(rng, b)));
    }
    auto warmup = customer_traffic(run, static_cast<std::size_t>(connections) * 2, rng);
    // The warm-up comes at full speed: sbcd takes it for a burst, acknowledges first and answers after
    // (pipeline.hpp), and a webhook arriving within 20 ms of that waits its turn behind it. The first
    // measured webhooks then took 25 ms more, as the warm-up's, not as the 20/s load's.
    auto settle = [&] {
        if (!fake.wait_for_requests(run.replies_expected + warmup.size(), k_drain_timeout)) {
            run.problem("the warm-up's replies did not all reach the fake Twilio");
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    };
    auto r = drive("sbcd ack", sbcd.http_port(), connections, o.reply_rate, warmup, measured, settle);
    account(run, r, "webhook -> reply");
    wait_for_replies(run, fake);
    std::vector<Clock::time_point> starts;
    for (const auto& s : r.samples) {
        starts.push_back(s.start);
    }
    auto latencies = summarise(reply_latencies(run, fake, 0, starts, "webhook -> reply"));
    fmt::print("webhook -> reply at fake Twilio: {}\n", describe(latencies));
    std::string name = fmt::format("reply, {:.0f}/s: webhook->reply", o.reply_rate);
    run.report.add_latency("reply.rate.webhook_to_reply", name, latencies,
                           Target{Target::Kind::below, 10, ""});
    run.report.add_latency("reply.rate.ack", fmt::format("reply, {:.0f}/s: ack", o.reply_rate),
                           summarise(r.latencies_ms()));
    if (o.reply_sequential > 0) {
        one_at_a_time(run, sbcd, fake, o.reply_messages);
    }
    if (o.twilio_latency_ms > 0) {
        with_slow_twilio(run, sbcd, fake, o.reply_messages + o.reply_sequential, rng);
    }
}

} // namespace sbc::bench
