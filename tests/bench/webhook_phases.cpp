// Phases 2-4: signed webhooks against sbcd (and the bare server), replies at the fake Twilio.

#include "daemon/config/config.hpp"
#include "daemon/twilio/signature.hpp"
#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"
#include "tests/support/fake_twilio.hpp"
#include "tests/support/webhook.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <httplib.h>
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
                 const std::vector<SignedWebhook>& warmup, const std::vector<SignedWebhook>& measured) {
    auto r = run_load({port, connections, rate}, warmup, measured);
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

void phase_ingest(Run& run, const Sbcd& sbcd, test::FakeTwilio& fake, const std::string& dir) {
    const auto& o = run.options;
    fmt::print("== phase 2: ingest at full speed: {} signed webhooks over {} keep-alive connections\n",
               o.requests, o.connections);
    std::mt19937_64 rng(o.seed + 2);
    auto warmup = customer_traffic(run, static_cast<std::size_t>(o.warmup), rng);
    auto measured = customer_traffic(run, static_cast<std::size_t>(o.requests), rng);

    auto r = drive("sbcd", sbcd.http_port(), o.connections, 0, warmup, measured);
    account(run, r, "ingest");
    // Replies still to be sent now, and what holding them costs: the sender's backlog is sbcd's largest
    // load-dependent state.
    auto memory = memory_of(sbcd.pid());
    std::size_t sent = fake.request_count();
    std::size_t backlog = run.replies_expected > sent ? run.replies_expected - sent : 0;
    auto fifths = r.throughput_by_window(5);
    fmt::print("  sbcd throughput by fifth of the run: {:.0f} req/s\n", fmt::join(fifths, ", "));
    fmt::print("  at the end: {} replies not yet at the fake Twilio; sbcd VmRSS {:.1f} MB\n", backlog,
               memory.current_kib / 1024.0);
    double drain = wait_for_replies(run, fake);
    fmt::print("  every reply reached the fake Twilio {:.1f} s after the last webhook was answered\n", drain);

    int threads = config::Config{}.http_threads;
    BareServer bare(o.bare_server, dir, threads);
    auto b = drive(fmt::format("bare server ({} threads)", threads), bare.port(), o.connections, 0, warmup,
                   measured);
    if (b.errors() > 0) {
        print_statuses(b);
        run.problem(fmt::format("bare server: {} errors", b.errors()));
    }
    double ratio = b.throughput() > 0 ? r.throughput() / b.throughput() : 0;
    fmt::print("sbcd / bare server throughput: {:.3f}\n", ratio);

    auto& rep = run.report;
    std::string conn = fmt::format("{} conn.", o.connections);
    rep.add({"ingest.sbcd.requests_per_s", "ingest, sbcd: throughput (" + conn + ")", r.throughput(), "req/s",
             0, std::nullopt});
    rep.add_latency("ingest.sbcd.latency", "ingest, sbcd: latency", summarise(r.latencies_ms()));
    rep.add({"ingest.sbcd.first_fifth_requests_per_s", "ingest, sbcd: throughput, first fifth",
             fifths.front(), "req/s", 0, std::nullopt});
    rep.add({"ingest.sbcd.last_fifth_requests_per_s", "ingest, sbcd: throughput, last fifth", fifths.back(),
             "req/s", 0, std::nullopt});
    rep.add({"ingest.sbcd.errors", "ingest, sbcd: non-200 answers", static_cast<double>(r.errors()), "", 0,
             std::nullopt});
    rep.add({"ingest.sbcd.reply_backlog", "ingest, sbcd: replies not yet sent at last ack",
             static_cast<double>(backlog), "", 0, std::nullopt});
    rep.add({"ingest.sbcd.reply_drain_s", "ingest, sbcd: last reply sent, after last ack", drain, "s", 1,
             std::nullopt});
    rep.add({"ingest.sbcd.rss_mb", "ingest, sbcd: VmRSS at last ack", memory.current_kib / 1024.0, "MB", 1,
             std::nullopt});
    rep.add({"ingest.bare.requests_per_s", "ingest, bare server: throughput (" + conn + ")", b.throughput(),
             "req/s", 0, std::nullopt});
    rep.add_latency("ingest.bare.latency", "ingest, bare server: latency", summarise(b.latencies_ms()));
    rep.add({"ingest.ratio", "ingest: sbcd / bare server throughput", ratio, "x", 3,
             Target{Target::Kind::at_least, 0.6, ""}});
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
    auto r = drive("sbcd ack", sbcd.http_port(), connections, o.reply_rate, warmup, measured);
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
