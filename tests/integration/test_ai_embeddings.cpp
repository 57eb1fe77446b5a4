// Embeddings end to end: the real sbcd with OPENAI_BASE_URL at the fake OpenAI-compatible server, which
// answers /v1/embeddings with hashed bag-of-words vectors. The background embedder fills knowledge_vectors
// for imported and edited entries, follows a model change on SIGHUP and picks up after a restart; questions
// in hybrid mode are answered from the fused ranking of the right business, and from the lexical one alone
// when the embeddings endpoint fails.

#include "daemon/pipeline/embedding_usage.hpp"
#include "daemon/store/vector_repo.hpp"
#include "tests/integration/cli_helpers.hpp"
#include "tests/support/fake_openai.hpp"
#include "tests/support/live_daemon.hpp"

#include <csignal>
#include <fmt/format.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_ai_embeddings {

constexpr const char* k_customer = "+15552223333";
constexpr const char* k_api_key = "sk-test-EMBED-0123456789SECRET";
constexpr const char* k_delivery = "We deliver downtown until 10pm";
constexpr const char* k_gifts = "Gift cards are sold at the counter";
constexpr const char* k_espresso = "Our espresso beans come from a farm in Brazil";
constexpr const char* k_fallback_text = "I've passed your question on";

// sbcd with Pizza Palace and Coffee Corner; the embedding model comes from .env, so SIGHUP can change it.
struct EmbedLive : WithFakeAi, LiveDaemon {
    explicit EmbedLive(const std::string& retrieval = "hybrid", const Env& extra = {})
        : LiveDaemon(Deferred{}) {
        Env env = merge_env({{"SBC_RETRY_BASE_MS", "10"},
                             {"SBC_RATE_CUSTOMER_PER_HOUR", "0"},
                             {"SBC_RATE_GLOBAL_PER_HOUR", "0"},
                             {"SBC_RATE_OWNER_PER_HOUR", "0"},
                             {"OPENAI_BASE_URL", ai.base_url()},
                             {"OPENAI_API_KEY", k_api_key},
                             {"SBC_RETRIEVAL", retrieval},
                             {"SBC_EMBEDDING_REQUESTS_PER_MINUTE", "6000"},
                             {"LOG_LEVEL", "debug"}},
                            extra);
        set_model("fake-embed-a");
        start(env);
        REQUIRE(register_pizza(daemon()).exit_code == 0);
        REQUIRE(register_coffee(daemon()).exit_code == 0);
    }
    void set_model(const std::string& model) {
        write_file(dir().file(".env"), fmt::format("OPENAI_EMBEDDING_MODEL={}\n", model));
    }
    bool all_embedded(const std::string& model) const {
        return wait_until(
            [&] {
                return count("SELECT COUNT(*) FROM knowledge") > 0 &&
                       count(fmt::format("SELECT COUNT(*) FROM knowledge k JOIN knowledge_vectors v ON "
                                         "v.entry_id = k.id AND v.model = '{}'",
                                         model)) == count("SELECT COUNT(*) FROM knowledge");
            },
            std::chrono::seconds(20));
    }
    void import_pizza() {
        write_file(dir().file("kb.jsonl"), fmt::format("{{\"text\": \"{}\", \"tags\": \"delivery\"}}\n"
                                                       "{{\"text\": \"{}\"}}\n"
                                                       "{{\"text\": \"Large pizzas are 16 inches wide\"}}\n",
                                                       k_delivery, k_gifts));
        REQUIRE(ctl({"kb", "import", "--business", "pizza-palace", dir().file("kb.jsonl")}).exit_code == 0);
        add_knowledge("coffee-corner", k_espresso);
    }
    std::string ask_and_wait(const std::string& from, const std::string& body,
                             const char* to = k_pizza_number) {
        return LiveDaemon::ask_and_wait(from, body, to);
    }
};

TEST_CASE("embeddings: imported entries get vectors in batches, edits are re-embedded, restarts resume",
          "[ai][embeddings]") {
    EmbedLive live;
    live.import_pizza();
    REQUIRE(live.all_embedded("fake-embed-a"));
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors") == 4);
    CHECK(live.count("SELECT MIN(dimensions) FROM knowledge_vectors") == FakeOpenAi::k_dimensions);
    CHECK(live.count("SELECT MAX(length(vector)) FROM knowledge_vectors") == 4 * FakeOpenAi::k_dimensions);
    // Each vector is tied to its entry's business and to the text it was computed from.
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors v JOIN knowledge k ON k.id = v.entry_id "
                     "WHERE v.business_id != k.business_id") == 0);
    CHECK(query_one(live.daemon().database(),
                    "SELECT content_hash FROM knowledge_vectors v JOIN knowledge k ON k.id = v.entry_id "
                    "WHERE k.text = 'Large pizzas are 16 inches wide'") ==
          std::to_string(sbc::store::content_hash("Large pizzas are 16 inches wide")));
    // The import's three entries went in one request (with the key), not one request each (the coffee entry
    // added just after may have joined them).
    auto requests = live.ai.requests();
    auto batch = std::find_if(requests.begin(), requests.end(), [](const FakeAiRequest& r) {
        return r.path == "/v1/embeddings" && r.body["input"].size() >= 3;
    });
    REQUIRE(batch != requests.end());
    CHECK(batch->authorization == std::string("Bearer ") + k_api_key);
    CHECK(batch->body["model"] == "fake-embed-a");
    CHECK(batch->body["input"][0] == std::string(k_delivery) + "\ndelivery");

    // The owner edits entry 2 from WhatsApp: its vector is recomputed from the new text.
    const std::string edited = "Gift cards are sold online and at the counter";
    auto reply = live.ask_and_wait(k_pizza_owner, "!edit 2 " + edited);
    REQUIRE_THAT(reply, Contains("Updated #2"));
    REQUIRE(wait_until([&] {
        auto inputs = live.ai.embedded_inputs();
        return std::find(inputs.begin(), inputs.end(), edited) != inputs.end();
    }));
    REQUIRE(live.all_embedded("fake-embed-a"));
    CHECK(query_one(live.daemon().database(),
                    "SELECT v.content_hash FROM knowledge_vectors v JOIN knowledge k ON k.id = v.entry_id "
                    "WHERE k.number = 2 AND k.business_id = (SELECT id FROM businesses WHERE slug = "
                    "'pizza-palace')") == std::to_string(sbc::store::content_hash(edited)));

    // Entries added while the endpoint fails wait in the table, across a restart.
    live.ai.push_embeddings_fault(FakeAiFault::error(500), 0);
    REQUIRE(live.ctl({"kb", "add", "--business", "pizza-palace", "Parking is behind the shop"}).exit_code ==
            0);
    REQUIRE(wait_until(
        [&] { return live.daemon().log().find("embeddings provider failed") != std::string::npos; }));
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors") == 4);
    // The failed request is in the ledger, for the business whose entry it carried.
    REQUIRE(wait_until([&] {
        return live.count("SELECT COUNT(*) FROM llm_usage WHERE kind = 'embedding' AND failed = 1") > 0;
    }));
    CHECK(live.daemon().ctl_json({"business", "stats", "pizza-palace"})["arguments"]["embedding_failures"] >=
          1);
    // sbcctl status shows the entry still waiting for its vector, as JSON and as text.
    auto status = live.ctl({"--json", "status"});
    REQUIRE(status.exit_code == 0);
    CHECK(status.json()["arguments"]["embeddings"] ==
          nlohmann::json{{"model", "fake-embed-a"}, {"with_vector", 4}, {"without_vector", 1}});
    auto status_text = live.ctl({"status"});
    CHECK_THAT(status_text.out, Contains("embeddings.without_vector") && Contains("fake-embed-a"));
    REQUIRE(live.daemon().stop() == 0);
    live.ai.clear_faults();
    live.restart();
    REQUIRE(live.all_embedded("fake-embed-a"));
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors") == 5);
    CHECK(live.daemon().log().find(k_api_key) == std::string::npos);
}

TEST_CASE("embeddings: a model changed by SIGHUP re-embeds every entry", "[ai][embeddings]") {
    EmbedLive live;
    live.import_pizza();
    REQUIRE(live.all_embedded("fake-embed-a"));
    auto before = live.ai.embeddings_count();
    live.set_model("fake-embed-b");
    REQUIRE(::kill(live.daemon().pid(), SIGHUP) == 0);
    REQUIRE(wait_until([&] {
        return live.daemon().log().find("openai.embedding_model: fake-embed-a -> fake-embed-b") !=
               std::string::npos;
    }));
    REQUIRE(live.all_embedded("fake-embed-b"));
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors WHERE model = 'fake-embed-b'") == 4);
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors WHERE model != 'fake-embed-b'") == 0);
    CHECK(live.ai.embeddings_count() > before);
    auto requests = live.ai.requests();
    CHECK(requests.back().body["model"] == "fake-embed-b");
}

TEST_CASE("embeddings: hybrid answers from the right entry of the right business", "[ai][embeddings]") {
    EmbedLive live;
    live.import_pizza();
    REQUIRE(live.all_embedded("fake-embed-a"));
    auto embedded_before = live.ai.embeddings_count();
    CHECK(live.ask_and_wait(k_customer, "Do you do deliveries downtown?") == k_delivery);
    CHECK(live.ask_and_wait(k_customer, "can i buy a gift card") == k_gifts);
    // Both questions were embedded (one input each) before they were answered.
    CHECK(live.ai.embeddings_count() == embedded_before + 2);
    auto inputs = live.ai.embedded_inputs();
    CHECK(std::find(inputs.begin(), inputs.end(), "can i buy a gift card") != inputs.end());
    // Closest to Coffee Corner's entry, asked of Pizza Palace: handed off, never answered from the other
    // business's knowledge.
    auto reply = live.ask_and_wait("+15552224444", "Where do your espresso beans come from?");
    CHECK_THAT(reply, Contains(k_fallback_text));
    CHECK(reply.find("Brazil") == std::string::npos);
    // Coffee Corner answers it.
    CHECK(live.ask_and_wait("+15552225555", "Where do your espresso beans come from?", k_coffee_number) ==
          k_espresso);
    CHECK(live.count("SELECT COUNT(*) FROM answer_jobs") == 0);
}

TEST_CASE("embeddings: with an LLM the prompt holds the fused entries", "[ai][embeddings]") {
    EmbedLive live("hybrid", {{"OPENAI_CHAT_MODEL", "fake-chat"}});
    live.import_pizza();
    REQUIRE(live.ctl({"business", "update", "pizza-palace", "--llm"}).exit_code == 0);
    REQUIRE(live.all_embedded("fake-embed-a"));
    live.ai.set_reply("Yes, until 10pm.");
    CHECK(live.ask_and_wait(k_customer, "Do you do deliveries downtown?") == "Yes, until 10pm.");
    auto requests = live.ai.requests();
    auto chat = std::find_if(requests.begin(), requests.end(),
                             [](const FakeAiRequest& r) { return r.path == "/v1/chat/completions"; });
    REQUIRE(chat != requests.end());
    CHECK_THAT(chat->prompt_text(), Contains(k_delivery));
    CHECK(chat->prompt_text().find("espresso") == std::string::npos);
}

TEST_CASE("embeddings: a failing or slow embeddings endpoint falls back to the lexical answer",
          "[ai][embeddings]") {
    EmbedLive live("hybrid", {{"SBC_EMBEDDING_TIMEOUT_MS", "300"}, {"SBC_BREAKER_FAILURES", "100"}});
    live.import_pizza();
    REQUIRE(live.all_embedded("fake-embed-a"));
    live.ai.push_embeddings_fault(FakeAiFault::error(500), 0);
    CHECK(live.ask_and_wait(k_customer, "Do you do deliveries downtown?") == k_delivery);
    REQUIRE(wait_until(
        [&] { return live.daemon().log().find("question embedding failed") != std::string::npos; }));
    live.ai.clear_faults();
    live.ai.push_embeddings_fault(FakeAiFault::slow(std::chrono::seconds(20)), 0);
    CHECK(live.ask_and_wait("+15552224444", "can i buy a gift card") == k_gifts);
    auto log = live.daemon().log();
    CHECK_THAT(log, Contains("HTTP 500") && Contains("built-in retrieval only"));
    CHECK(log.find(k_api_key) == std::string::npos);
    CHECK(live.bodies_to("+15552224444").size() == 1);
    live.ai.clear_faults();
    // The two failed question embeddings are in the business's stats, costing nothing.
    auto stats = live.daemon().ctl_json({"business", "stats", "pizza-palace"})["arguments"];
    CHECK(stats["embedding_failures"] == 2);
    CHECK(live.count("SELECT COUNT(*) FROM llm_usage WHERE kind = 'embedding' AND failed = 1 AND "
                     "prompt_tokens = 0 AND cost_usd = 0 AND message_id IS NOT NULL") == 2);
}

TEST_CASE("embeddings: hybrid without an embedding model stays builtin, on the HTTP worker",
          "[ai][embeddings]") {
    EmbedLive live("hybrid");
    live.set_model("");
    REQUIRE(::kill(live.daemon().pid(), SIGHUP) == 0);
    REQUIRE(wait_until([&] {
        return live.daemon().log().find("openai.embedding_model: fake-embed-a -> ") != std::string::npos;
    }));
    live.import_pizza();
    CHECK(live.ask_and_wait(k_customer, "Do you do deliveries downtown?") == k_delivery);
    CHECK(live.ai.embeddings_count() == 0);
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_vectors") == 0);
}

TEST_CASE("embeddings: the tokens of a batch are shared by its businesses, a question's count for its own",
          "[ai][embeddings][usage]") {
    EmbedLive live(
        "hybrid", {{"OPENAI_PRICE_EMBEDDING_PER_MTOK", "100"}, {"SBC_PRICE_PER_1K_EMBEDDING_TOKENS", "0.5"}});
    // No model while both businesses' entries are added, so that one request embeds them all.
    live.set_model("");
    REQUIRE(::kill(live.daemon().pid(), SIGHUP) == 0);
    REQUIRE(wait_until([&] {
        return live.daemon().log().find("openai.embedding_model: fake-embed-a -> ") != std::string::npos;
    }));
    live.import_pizza();
    live.set_model("fake-embed-a");
    REQUIRE(::kill(live.daemon().pid(), SIGHUP) == 0);
    REQUIRE(live.all_embedded("fake-embed-a"));
    REQUIRE(live.ai.embeddings_count() == 1);
    REQUIRE(live.ai.embedded_inputs().size() == 4);
    const long long batch = live.ai.embedding_tokens();
    REQUIRE(batch > 0);

    // Each business's share follows the characters of its inputs; together they are what the fake reported.
    auto chars = [](std::initializer_list<std::pair<const char*, const char*>> entries) {
        std::int64_t n = 0;
        for (const auto& [text, tags] : entries) {
            n += static_cast<std::int64_t>(sbc::store::embedding_input(text, tags).size()); // ASCII
        }
        return n;
    };
    auto shares = sbc::pipeline::split_tokens(
        batch, {chars({{k_delivery, "delivery"}, {k_gifts, ""}, {"Large pizzas are 16 inches wide", ""}}),
                chars({{k_espresso, ""}})});
    auto ledger = [&](const std::string& business) {
        return live.count(fmt::format("SELECT COALESCE(SUM(prompt_tokens), 0) FROM llm_usage WHERE kind = "
                                      "'embedding' AND business_id = (SELECT id FROM businesses WHERE slug = "
                                      "'{}')",
                                      business));
    };
    CHECK(ledger("pizza-palace") == shares[0]);
    CHECK(ledger("coffee-corner") == shares[1]);
    CHECK(shares[0] + shares[1] == batch);
    CHECK(live.count("SELECT COUNT(*) FROM llm_usage WHERE kind = 'embedding' AND message_id IS NULL") == 2);

    // A question is embedded for its business, and its row names the message.
    const std::string question = "Do you do deliveries downtown?";
    CHECK(live.ask_and_wait(k_customer, question) == k_delivery);
    REQUIRE(live.ai.embeddings_count() == 2);
    const long long asked = FakeOpenAi::tokens_of(question);
    CHECK(live.ai.embedding_tokens() == batch + asked);
    CHECK(live.count("SELECT prompt_tokens FROM llm_usage WHERE kind = 'embedding' AND message_id = "
                     "(SELECT id FROM messages WHERE direction = 'in' AND body = 'Do you do deliveries "
                     "downtown?')") == asked);
    // Priced at openai.price_embedding_per_mtok when recorded.
    CHECK(std::stod(query_one(live.daemon().database(), "SELECT SUM(cost_usd) FROM llm_usage")) ==
          Approx((batch + asked) * 100 / 1e6));
    const long long pizza_tokens = shares[0] + asked;

    auto stats = live.daemon().ctl_json({"business", "stats", "pizza-palace"});
    INFO(stats.dump());
    const auto& s = stats["arguments"];
    CHECK(s["embedding_calls"] == 2);
    CHECK(s["embedding_tokens"] == pizza_tokens);
    CHECK(s["embedding_cost_usd"].get<double>() == Approx(pizza_tokens * 100 / 1e6));
    CHECK(s["llm_calls"] == 0);
    CHECK(s["chat_cost_usd"] == 0.0);
    CHECK(s["estimated_cost_usd"].get<double>() == Approx(pizza_tokens * 100 / 1e6));
    auto coffee = live.daemon().ctl_json({"business", "stats", "coffee-corner"});
    CHECK(coffee["arguments"]["embedding_calls"] == 1);
    CHECK(coffee["arguments"]["embedding_tokens"] == shares[1]);
    auto text = live.ctl({"business", "stats", "pizza-palace"});
    CHECK_THAT(text.out, Contains("embedding tokens") && Contains(std::to_string(pizza_tokens)) &&
                             Contains("embeddings $"));

    auto usage = live.daemon().ctl_json({"usage"});
    INFO(usage.dump());
    const auto& u = usage["arguments"];
    CHECK(u["prices"]["per_1k_embedding_tokens"] == "0.500000");
    REQUIRE(u["businesses"].size() == 2);
    CHECK(u["businesses"][0]["business"] == "coffee-corner");
    CHECK(u["businesses"][0]["embedding_tokens"] == shares[1]);
    CHECK(u["businesses"][1]["embedding_tokens"] == pizza_tokens);
    CHECK(u["businesses"][1]["llm_tokens"] == 0);
    CHECK(u["total"]["embedding_tokens"] == batch + asked);
    // 0.5 per 1000 tokens: 500 millionths per token (no message prices set).
    auto money = [](long long micros) {
        return fmt::format("{}.{:06d}", micros / 1000000, micros % 1000000);
    };
    CHECK(u["businesses"][1]["cost"] == money(pizza_tokens * 500));
    CHECK(u["total"]["cost"] == money((batch + asked) * 500));
    auto table = live.ctl({"usage"});
    CHECK_THAT(table.out, Contains("EMBEDDING TOKENS") && Contains("CHAT TOKENS"));
    CHECK(live.daemon().log().find(k_api_key) == std::string::npos);
}

} // namespace test_ai_embeddings
