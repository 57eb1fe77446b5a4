// AI answers end to end: the real sbcd with OPENAI_BASE_URL pointing at a fake OpenAI-compatible server of
// ours, signed webhooks, the fake Twilio receiving the replies, and the SQLite file read back.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/fake_openai.hpp"
#include "tests/support/live_daemon.hpp"

#include <catch2/catch.hpp>
#include <csignal>
#include <fmt/format.h>
#include <iostream>

using namespace sbc::test;
using Catch::Matchers::Contains;

namespace test_ai_answers {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_customer = "+15552223333";
constexpr const char* k_coffee_number = "+14155238887";
constexpr const char* k_api_key = "sk-test-AIKEY-0123456789SECRET";
constexpr const char* k_builtin_delivery = "We deliver downtown until 10pm";

struct AiOptions {
    int budget_ms = 3000;
    int breaker_failures = 3;
    int breaker_cooldown_ms = 60000;
};

Env ai_env(const FakeOpenAi& ai, const AiOptions& o) {
    return {{"SBC_RETRY_BASE_MS", "10"},
            {"SBC_RATE_CUSTOMER_PER_HOUR", "0"},
            {"SBC_RATE_GLOBAL_PER_HOUR", "0"},
            {"OPENAI_BASE_URL", ai.base_url()},
            {"OPENAI_API_KEY", k_api_key},
            {"OPENAI_CHAT_MODEL", "fake-chat"},
            {"OPENAI_PRICE_INPUT_PER_MTOK", "0.15"},
            {"OPENAI_PRICE_OUTPUT_PER_MTOK", "0.60"},
            {"SBC_ANSWER_BUDGET_MS", std::to_string(o.budget_ms)},
            {"SBC_BREAKER_FAILURES", std::to_string(o.breaker_failures)},
            {"SBC_BREAKER_COOLDOWN_MS", std::to_string(o.breaker_cooldown_ms)}};
}

// sbcd with two businesses: Pizza Palace (LLM on, a tone) and Coffee Corner (another number, LLM off).
struct AiLive : WithFakeAi, LiveDaemon {
    explicit AiLive(AiOptions o = {}) : LiveDaemon(ai_env(ai, o)) {
        register_business("Pizza Palace", k_number, k_owner, {"--hours", "Mon-Sat 11am-11pm"});
        add_knowledge("pizza-palace", k_builtin_delivery);
        add_knowledge("pizza-palace", "Gift cards are sold at the counter");
        register_business("Coffee Corner", k_coffee_number, "+15550002222");
        add_knowledge("coffee-corner", "Our espresso is made from Brazilian beans");
        REQUIRE(
            ctl({"business", "update", "pizza-palace", "--llm", "--tone", "cheerful and brief"}).exit_code ==
            0);
    }
    HttpResult ask(const std::string& from, const std::string& body, const char* to = k_number) {
        return message(next_sid(), from, to, body);
    }
    // Asks and waits until the customer's reply reached Twilio; returns it.
    std::string ask_and_wait(const std::string& from, const std::string& body, const char* to = k_number) {
        return LiveDaemon::ask_and_wait(from, body, to);
    }
};

TEST_CASE("AI: the prompt holds this business's entries and this customer's turns, never another business's",
          "[ai]") {
    AiLive live;
    live.ai.set_reply("Yes! We deliver downtown until 10pm.");
    CHECK(live.ask_and_wait(k_customer, "Do you deliver downtown?") ==
          "Yes! We deliver downtown until 10pm.");
    live.ai.set_reply("Gift cards are sold at the counter.");
    CHECK(live.ask_and_wait(k_customer, "Can I buy a gift card?") == "Gift cards are sold at the counter.");

    auto requests = live.ai.requests();
    REQUIRE(requests.size() == 2);
    const auto& second = requests[1];
    CHECK(second.path == "/v1/chat/completions");
    CHECK(second.authorization == std::string("Bearer ") + k_api_key);
    CHECK(second.body["model"] == "fake-chat");
    auto prompt = second.prompt_text();
    CHECK_THAT(prompt,
               Contains("Pizza Palace") && Contains("Mon-Sat 11am-11pm") && Contains("cheerful and brief"));
    CHECK_THAT(prompt, Contains("Gift cards are sold at the counter"));
    CHECK_THAT(prompt, Contains("[HANDOFF]"));
    CHECK(prompt.find("espresso") == std::string::npos);
    // The earlier turns, in order, as user and assistant messages; the question last.
    const auto& messages = second.body["messages"];
    REQUIRE(messages.size() == 4);
    CHECK(messages[0]["role"] == "system");
    CHECK(messages[1] == nlohmann::json({{"role", "user"}, {"content", "Do you deliver downtown?"}}));
    CHECK(messages[2] ==
          nlohmann::json({{"role", "assistant"}, {"content", "Yes! We deliver downtown until 10pm."}}));
    CHECK(messages[3] == nlohmann::json({{"role", "user"}, {"content", "Can I buy a gift card?"}}));

    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE kind = 'llm-answer'") == 2);
    CHECK(live.count("SELECT COUNT(*) FROM answer_jobs") == 0);

    // A business with LLM off is answered by the built-in answerer, without a provider call.
    CHECK(live.ask_and_wait("+15559998888", "Where are your espresso beans from?", k_coffee_number) ==
          "Our espresso is made from Brazilian beans");
    CHECK(live.ai.chat_count() == 2);

    // Usage and cost from the provider's `usage` field.
    auto stats = live.daemon().ctl_json({"business", "stats", "pizza-palace"});
    const auto& a = stats["arguments"];
    CHECK(a["llm_calls"] == 2);
    CHECK(a["prompt_tokens"].get<long long>() > 0);
    CHECK(a["completion_tokens"].get<long long>() == 13); // the fake counts the replies' words: 6 + 7
    CHECK(a["estimated_cost_usd"].get<double>() > 0);
    CHECK(a["chat_cost_usd"] == a["estimated_cost_usd"]);
    CHECK(a["embedding_tokens"] == 0);
    // One ledger row per call, naming the question it answered.
    CHECK(live.count("SELECT COUNT(*) FROM llm_usage WHERE kind = 'chat' AND model = 'fake-chat' AND "
                     "message_id IN (SELECT id FROM messages WHERE direction = 'in')") == 2);
    CHECK(live.count("SELECT SUM(completion_tokens) FROM llm_usage") == 13);
    auto text = live.ctl({"business", "stats", "pizza-palace"});
    CHECK_THAT(text.out, Contains("LLM calls") && Contains("estimated cost"));
    CHECK(live.daemon().log().find(k_api_key) == std::string::npos);
}

TEST_CASE("AI: a failing or rate-limited provider falls back to the built-in answer", "[ai]") {
    AiLive live;
    live.ai.set_reply("never sent");
    live.ai.push_fault(FakeAiFault::error(500));
    CHECK(live.ask_and_wait(k_customer, "Do you deliver downtown?") == k_builtin_delivery);
    live.ai.push_fault(FakeAiFault::error(429));
    CHECK(live.ask_and_wait("+15552224444", "Do you deliver downtown?") == k_builtin_delivery);
    CHECK(live.ai.chat_count() == 2);
    auto log = live.daemon().log();
    CHECK_THAT(log, Contains("LLM provider failed") && Contains("HTTP 500") && Contains("HTTP 429"));
    CHECK(log.find(k_api_key) == std::string::npos);
    CHECK(live.daemon().ctl_json({"business", "stats", "pizza-palace"})["arguments"]["llm_failures"] == 2);
}

TEST_CASE("AI: a provider slower than the budget is replaced by the built-in answer", "[ai]") {
    AiOptions o;
    o.budget_ms = 400;
    AiLive live(o);
    live.ai.set_reply("too late");
    live.ai.push_fault(FakeAiFault::slow(std::chrono::seconds(20)));
    CHECK(live.ask_and_wait(k_customer, "Do you deliver downtown?") == k_builtin_delivery);
    CHECK(live.ai.chat_count() == 1);
    CHECK(live.bodies_to(k_customer).size() == 1);
}

TEST_CASE("AI: the hand-off marker becomes the fallback and an owner notice, not an answer", "[ai]") {
    AiLive live;
    live.ai.set_reply("[HANDOFF]");
    auto reply = live.ask_and_wait(k_customer, "Do you have parking for trucks?");
    CHECK_THAT(reply, Contains("I've passed your question on"));
    CHECK(live.count("SELECT COUNT(*) FROM unanswered WHERE question = 'Do you have parking for trucks?'") ==
          1);
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE kind = 'owner-notify'") == 1);
    // The notice names the entries the built-in retriever found closest, as without an LLM.
    CHECK_THAT(live.ask_and_wait(k_customer, "Can you deliver to boats in the harbour?"),
               Contains("I've passed your question on"));
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE kind = 'owner-notify' AND body LIKE '%harbour%' "
                     "AND body LIKE '%!answer 2 #<entry>%' AND body LIKE '%#1 We deliver%'") == 1);
}

TEST_CASE("AI: the circuit breaker stops calling a failing provider and closes after the cool-down", "[ai]") {
    AiOptions o;
    o.breaker_failures = 2;
    o.breaker_cooldown_ms = 1500;
    AiLive live(o);
    live.ai.set_reply("Delivery is free downtown.");
    live.ai.push_fault(FakeAiFault::error(500), 2);
    // Failures are not cached, so the same question reaches the provider each time it is called.
    const std::string question = "Do you deliver downtown?";
    CHECK(live.ask_and_wait(k_customer, question) == k_builtin_delivery);
    CHECK(live.ask_and_wait(k_customer, question) == k_builtin_delivery);
    REQUIRE(live.ai.chat_count() == 2);
    // Open: answered at once by the built-in answerer, the provider is not called.
    CHECK(live.ask_and_wait(k_customer, question) == k_builtin_delivery);
    CHECK(live.ai.chat_count() == 2);
    CHECK_THAT(live.daemon().log(), Contains("circuit breaker open"));
    // After the cool-down one trial call goes through; it succeeds and closes the breaker.
    REQUIRE(wait_until(
        [&] {
            live.ask_and_wait(k_customer, question);
            return live.ai.chat_count() == 3;
        },
        std::chrono::seconds(30)));
    CHECK(live.bodies_to(k_customer).back() == "Delivery is free downtown.");
    CHECK(live.ask_and_wait(k_customer, "Is delivery free?") == "Delivery is free downtown.");
    CHECK(live.ai.chat_count() == 4);
}

TEST_CASE("AI: answers are cached per knowledge version, a knowledge change is never answered from cache",
          "[ai]") {
    AiLive live;
    live.ai.set_reply("We deliver downtown until 10pm, every day.");
    CHECK(live.ask_and_wait(k_customer, "Do you deliver downtown?") ==
          "We deliver downtown until 10pm, every day.");
    // The same question, written differently, from another customer: from the cache.
    CHECK(live.ask_and_wait("+15552224444", "do you DELIVER downtown") ==
          "We deliver downtown until 10pm, every day.");
    CHECK(live.ai.chat_count() == 1);
    // Any change of the knowledge base bumps its version.
    REQUIRE(live.ctl({"kb", "add", "--business", "pizza-palace", "We do not deliver downtown on Sundays"})
                .exit_code == 0);
    live.ai.set_reply("We deliver downtown until 10pm, except on Sundays.");
    CHECK(live.ask_and_wait("+15552225555", "Do you deliver downtown?") ==
          "We deliver downtown until 10pm, except on Sundays.");
    CHECK(live.ai.chat_count() == 2);
    CHECK_THAT(live.ai.requests()[1].prompt_text(), Contains("We do not deliver downtown on Sundays"));
}

TEST_CASE("AI: an answer being composed survives SIGKILL and is sent after the restart", "[ai]") {
    AiOptions o;
    o.budget_ms = 60000; // the provider holds the first call: the kill comes while it is being composed
    AiLive live(o);
    live.ai.set_reply("Yes, downtown until 10pm.");
    live.ai.push_fault(FakeAiFault::slow(std::chrono::seconds(60)));
    REQUIRE(live.ask(k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(live.ai.wait_for_chats(1, std::chrono::seconds(20)));
    live.daemon().stop(SIGKILL);
    CHECK(live.count("SELECT COUNT(*) FROM answer_jobs") == 1);
    live.restart();
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 1; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer)[0] == "Yes, downtown until 10pm.");
    CHECK(live.count("SELECT COUNT(*) FROM answer_jobs") == 0);
}

// Not a test: prints what the LLM path adds over the fake (run with `integration_tests "[.ai-latency]"`).
TEST_CASE("AI: latency of the LLM path over the fake", "[.ai-latency]") {
    AiLive live;
    live.ai.set_reply("We deliver downtown until 10pm.");
    auto measure = [&](const char* prefix, int count) {
        auto start = std::chrono::steady_clock::now();
        for (int i = 0; i < count; ++i) {
            live.ask_and_wait(fmt::format("+1555300{:04}", i),
                              fmt::format("{} deliver downtown {}?", prefix, i));
        }
        return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() /
               count;
    };
    double llm = measure("Do you", 50);
    REQUIRE(live.ctl({"business", "update", "pizza-palace", "--no-llm"}).exit_code == 0);
    double builtin = measure("Can you", 50);
    std::cout << fmt::format("question to reply at the fake Twilio, mean of 50: LLM path {:.2f} ms, built-in "
                             "{:.2f} ms, added {:.2f} ms\n",
                             llm, builtin, llm - builtin);
}

// A customer who writes again while the LLM composes the answer to their question gets the answers in the
// order of the questions: the greeting waits for the answer before it (and is still answered from the
// settings), and the next question is composed after it, with that answer in the conversation.
TEST_CASE("AI: a customer's answers follow the order of the questions while the provider is slow",
          "[ai][order]") {
    AiLive live(AiOptions{.budget_ms = 20000});
    live.ai.set_reply("Yes! We deliver downtown until 10pm.");
    live.ai.push_fault(FakeAiFault::slow(std::chrono::milliseconds(4000)));

    REQUIRE(live.ask(k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(live.ai.wait_for_chats(1, std::chrono::seconds(10)));
    REQUIRE(live.ask(k_customer, "hello").status == 200);
    REQUIRE(live.ask(k_customer, "Can I buy a gift card?").status == 200);
    REQUIRE(live.wait_for_bodies(k_customer, 3));

    auto bodies = live.bodies_to(k_customer);
    CHECK(bodies[0] == "Yes! We deliver downtown until 10pm.");
    CHECK_THAT(bodies[1], Contains("Pizza Palace")); // the greeting, from the business's settings
    CHECK(bodies[2] == "Yes! We deliver downtown until 10pm.");
    REQUIRE(live.ai.chat_count() == 2);
    auto requests = live.ai.requests();
    const auto& messages = requests[1].body["messages"];
    REQUIRE(messages.size() == 6);
    // As the customer saw it: two messages of theirs, the two answers, and the question.
    CHECK(messages[1] == nlohmann::json({{"role", "user"}, {"content", "Do you deliver downtown?"}}));
    CHECK(messages[2] == nlohmann::json({{"role", "user"}, {"content", "hello"}}));
    CHECK(messages[3] ==
          nlohmann::json({{"role", "assistant"}, {"content", "Yes! We deliver downtown until 10pm."}}));
    CHECK(messages[4] == nlohmann::json({{"role", "assistant"}, {"content", bodies[1]}}));
    CHECK(messages[5] == nlohmann::json({{"role", "user"}, {"content", "Can I buy a gift card?"}}));
}

} // namespace test_ai_answers
