#include "daemon/config/config.hpp"
#include "daemon/pipeline/embedding_usage.hpp"

#include <catch2/catch.hpp>
#include <numeric>

using sbc::pipeline::embedding_calls;
using sbc::pipeline::split_tokens;
using Parts = std::vector<std::int64_t>;

namespace {

std::int64_t sum(const Parts& parts) {
    return std::accumulate(parts.begin(), parts.end(), std::int64_t{0});
}

} // namespace

TEST_CASE("embedding tokens are split in proportion to the characters, adding up exactly", "[pipeline]") {
    CHECK(split_tokens(100, {300, 100}) == Parts{75, 25});
    // 10 * 1/3 = 3.33 each: rounded down, and what is left goes to the largest share.
    CHECK(split_tokens(10, {1, 2, 1}) == Parts{2, 6, 2});
    CHECK(split_tokens(10, {1, 1, 1}) == Parts{4, 3, 3}); // the first of equal ones
    CHECK(split_tokens(7, {5}) == Parts{7});
    CHECK(split_tokens(0, {5, 6}) == Parts{0, 0});
    CHECK(split_tokens(9, {0, 0, 0}) == Parts{3, 3, 3});
    CHECK(split_tokens(5, {0, 3}) == Parts{0, 5});
    CHECK(split_tokens(5, {}).empty());
    for (std::int64_t total : {1, 2, 17, 999, 123457}) {
        for (const Parts& weights :
             {Parts{1, 1}, Parts{7, 3, 11, 1}, Parts{4000, 13, 256000}, Parts{1, 0, 2}}) {
            auto parts = split_tokens(total, weights);
            INFO(total);
            CHECK(sum(parts) == total);
            for (auto p : parts) {
                CHECK(p >= 0);
            }
        }
    }
}

TEST_CASE("one embeddings request becomes one ledger row per business", "[pipeline]") {
    sbc::config::Config config;
    config.price_embedding_per_mtok = 0.02;
    // Business 7 has two inputs of 10 and 20 characters ("é" is one), business 3 one of 10.
    std::vector<sbc::store::PendingEmbedding> inputs = {
        {1, 7, "0123456789"}, {2, 3, "café au l\xC3\xA9"}, {3, 7, "01234567890123456789"}};
    REQUIRE(std::string(inputs[1].input).size() == 12);
    auto calls = embedding_calls(config, "embed-small", inputs, 41, 1234);
    REQUIRE(calls.size() == 2);
    CHECK(calls[0].business_rowid == 3);
    CHECK(calls[0].prompt_tokens == 10); // 41 * 10/40, rounded down
    CHECK(calls[1].business_rowid == 7);
    CHECK(calls[1].prompt_tokens == 31); // 30 and the one left
    for (const auto& call : calls) {
        CHECK(call.kind == sbc::store::CallKind::embedding);
        CHECK(call.model == "embed-small");
        CHECK_FALSE(call.message_id);
        CHECK_FALSE(call.failed);
        CHECK(call.completion_tokens == 0);
        CHECK(call.at_ms == 1234);
        CHECK(call.cost_usd == Approx(call.prompt_tokens * 0.02 / 1e6));
    }
}
