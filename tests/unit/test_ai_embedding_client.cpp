#include "daemon/ai/embedding_client.hpp"
#include "tests/support/fake_openai.hpp"

#include <catch2/catch.hpp>

using namespace sbc;
using Catch::Matchers::Contains;
using namespace std::chrono_literals;

TEST_CASE("embeddings: parsed by each item's index, malformed answers are errors", "[ai]") {
    auto e = ai::parse_embeddings(R"({"data":[{"index":1,"embedding":[3,4]},{"index":0,"embedding":[1,2]}],
                                     "usage":{"prompt_tokens":7}})",
                                  2);
    REQUIRE(e.ok);
    CHECK(e.vectors == std::vector<std::vector<float>>{{1, 2}, {3, 4}});
    CHECK(e.tokens == 7);
    CHECK_FALSE(ai::parse_embeddings(R"({"data":[{"index":0,"embedding":[1,2]}]})", 2).ok); // one missing
    CHECK_FALSE(ai::parse_embeddings(R"({"data":[{"index":5,"embedding":[1]}]})", 1).ok);
    CHECK_FALSE(ai::parse_embeddings(R"({"data":[{"embedding":[1]},{"embedding":[1,2]}]})", 2).ok);
    CHECK_FALSE(ai::parse_embeddings(R"({"data":[{"embedding":["x"]}]})", 1).ok);
    CHECK_THAT(ai::parse_embeddings("not json", 1).error, Contains("no data array"));
}

TEST_CASE("embeddings: the usage field's tokens, total_tokens when a server sends only that", "[ai]") {
    const std::string data = R"("data":[{"index":0,"embedding":[1,2]}])";
    CHECK(ai::parse_embeddings("{" + data + R"(,"usage":{"prompt_tokens":9,"total_tokens":9}})", 1).tokens ==
          9);
    CHECK(ai::parse_embeddings("{" + data + R"(,"usage":{"total_tokens":12}})", 1).tokens == 12);
    CHECK(ai::parse_embeddings("{" + data + "}", 1).tokens == 0);
    // A usage field that is not numbers is ignored, not an error: the vectors are what was asked for.
    auto odd =
        ai::parse_embeddings("{" + data + R"(,"usage":{"prompt_tokens":"nine","total_tokens":-3}})", 1);
    CHECK(odd.ok);
    CHECK(odd.tokens == 0);
}

TEST_CASE("embeddings client: one batch request with the key and model, errors keep the key out", "[ai]") {
    test::FakeOpenAi fake;
    const std::string key = "sk-unit-SECRET-key";
    ai::EmbeddingClient client(fake.base_url(), key, "fake-embed");
    auto e = client.embed({"We deliver downtown", "Gift cards"}, 5s);
    REQUIRE(e.ok);
    REQUIRE(e.vectors.size() == 2);
    CHECK(e.vectors[0] == test::FakeOpenAi::embedding_of("We deliver downtown"));
    auto requests = fake.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].path == "/v1/embeddings");
    CHECK(requests[0].authorization == "Bearer " + key);
    CHECK(requests[0].body["model"] == "fake-embed");
    CHECK(requests[0].body["input"] == nlohmann::json({"We deliver downtown", "Gift cards"}));

    fake.push_embeddings_fault(test::FakeAiFault::error(429));
    auto limited = client.embed({"x"}, 5s);
    CHECK_FALSE(limited.ok);
    CHECK(limited.http_status == 429);
    CHECK(limited.retry_after == 1s);
    CHECK_THAT(limited.error, Contains("HTTP 429") && !Contains(key));

    ai::EmbeddingClient nowhere("http://127.0.0.1:1/v1", key, "fake-embed");
    auto refused = nowhere.embed({"x"}, 2s);
    CHECK_FALSE(refused.ok);
    CHECK(refused.http_status == 0);
    CHECK_THAT(refused.error, !Contains(key));
}

TEST_CASE("fake embeddings: texts sharing words are closer than unrelated ones", "[ai]") {
    auto cos = [](const std::vector<float>& a, const std::vector<float>& b) {
        double d = 0;
        for (std::size_t i = 0; i < a.size(); ++i) {
            d += static_cast<double>(a[i]) * b[i];
        }
        return d;
    };
    auto deliver = test::FakeOpenAi::embedding_of("Do you deliver to my office?");
    auto delivery = test::FakeOpenAi::embedding_of("We deliver downtown until 10pm");
    auto gifts = test::FakeOpenAi::embedding_of("Gift cards are sold at the counter");
    CHECK(cos(deliver, delivery) > cos(deliver, gifts));
    CHECK(test::FakeOpenAi::embedding_of("same text") == test::FakeOpenAi::embedding_of("same text"));
}
