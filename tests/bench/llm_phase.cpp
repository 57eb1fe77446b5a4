// Phase 8: what an answer composed by an LLM costs over the built-in one. A fresh sbcd with an
// OpenAI-compatible provider (the tests' fake, on loopback: it answers at once, so the figure is sbcd's own
// cost of the LLM path — the prompt, the provider lane, the HTTP round trip, the second commit — not a real
// model's thinking time) and two businesses of the same kind, one with LLM on. Questions go one at a time,
// alternating between them, each from its own customer; webhook->reply is measured at the fake Twilio as in
// phase 4.

#include "tests/bench/control_client.hpp"
#include "tests/bench/phases.hpp"
#include "tests/bench/servers.hpp"
#include "tests/support/fake_openai.hpp"
#include "tests/support/fake_twilio.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <httplib.h>

namespace sbc::bench {
namespace {

constexpr auto k_reply_timeout = std::chrono::seconds(30);

struct Side {
    BusinessData business;
    int first_customer = 0;
    std::vector<Clock::time_point> starts;
};

// Sends one question to `side`'s business and waits until the fake Twilio has `expected` requests.
bool ask(Run& run, httplib::Client& client, test::FakeTwilio& fake, Side& side, std::mt19937_64& rng,
         std::size_t expected) {
    auto customer = reply_customer_number(side.first_customer + static_cast<int>(side.starts.size()));
    auto w = signed_message(run, customer, side.business.number, make_question(rng, side.business));
    auto start = Clock::now();
    auto res = client.Post(k_webhook_path, {{"X-Twilio-Signature", w.signature}}, w.body,
                           "application/x-www-form-urlencoded");
    side.starts.push_back(start);
    if (!res || res->status != 200) {
        run.problem(
            fmt::format("llm phase: a webhook to {} answered {}", side.business.id, res ? res->status : 0));
        return false;
    }
    return fake.wait_for_requests(expected, k_reply_timeout);
}

} // namespace

void phase_llm(Run& run, const std::string& dir, const test::Env& passed_on) {
    const auto& o = run.options;
    int n = o.llm_messages;
    fmt::print(
        "== phase 8: LLM answers over a fake OpenAI-compatible server: {} questions one at a time to a "
        "business with LLM on, alternating with {} to one without\n",
        n, n);
    std::fflush(stdout);
    test::FakeTwilio fake;
    test::FakeOpenAi ai;
    ai.set_reply("Yes, we can help with that. Ask us anything else any time.");
    auto env = sbcd_env(fake, passed_on, o.http_threads);
    env["OPENAI_BASE_URL"] = ai.base_url();
    env["OPENAI_API_KEY"] = "sk-bench-not-a-secret";
    env["OPENAI_CHAT_MODEL"] = "bench-model";
    std::string own = dir + "/llm";
    std::filesystem::create_directories(own);
    Sbcd sbcd(o.sbcd, own, env);
    populate(sbcd.socket(), o.seed, 2, o.entries, 1);
    Side builtin{make_business(o.seed, 0, o.entries), 0, {}};
    Side llm{make_business(o.seed, 1, o.entries), n, {}};
    ControlClient(sbcd.socket()).checked("business-update", {{"id", llm.business.id}, {"llm", true}});

    std::mt19937_64 rng(o.seed + 8);
    httplib::Client client("127.0.0.1", sbcd.http_port());
    client.set_keep_alive(true);
    client.set_tcp_nodelay(true);
    client.set_read_timeout(30);
    std::size_t expected = 0;
    for (int k = 0; k < n; ++k) {
        for (Side* side : {&builtin, &llm}) {
            if (!ask(run, client, fake, *side, rng, ++expected)) {
                run.problem(fmt::format("llm phase: reply {} did not reach the fake Twilio", expected));
                return;
            }
        }
    }
    auto plain =
        summarise(reply_latencies(run, fake, builtin.first_customer, builtin.starts, "llm phase, built-in"));
    auto composed = summarise(reply_latencies(run, fake, llm.first_customer, llm.starts, "llm phase, LLM"));
    // Greetings and opening hours are answered from the settings without the provider: say how many went to
    // it.
    std::size_t chats = ai.chat_count();
    fmt::print("built-in answers: webhook -> reply {}\n", describe(plain));
    fmt::print("LLM answers ({} of {} questions went to the provider): webhook -> reply {}\n", chats, n,
               describe(composed));
    // p50 and p95: with 100 questions a side, p99 is one reply's outlier, and the difference of two such
    // outliers came out negative (-0.77 ms) in a run.
    fmt::print("the LLM path adds {:.3f} ms at the median, {:.3f} ms at p95\n", composed.p50 - plain.p50,
               composed.p95 - plain.p95);
    if (chats == 0) {
        run.problem("llm phase: no question reached the fake provider");
    }
    auto& rep = run.report;
    rep.add_latency("llm.builtin.webhook_to_reply", "llm phase, built-in: webhook->reply", plain);
    rep.add_latency("llm.provider.webhook_to_reply", "llm phase, LLM over the fake: webhook->reply",
                    composed);
    rep.add({"llm.added_p50_ms", "llm phase: LLM path adds, p50", composed.p50 - plain.p50, "ms", 3,
             std::nullopt});
    rep.add({"llm.added_p95_ms", "llm phase: LLM path adds, p95", composed.p95 - plain.p95, "ms", 3,
             std::nullopt});
    int code = sbcd.stop();
    if (code != 0) {
        run.problem(fmt::format("llm phase: sbcd exited {} on SIGTERM; the end of its log:\n{}", code,
                                sbcd.log_tail()));
    }
}

} // namespace sbc::bench
