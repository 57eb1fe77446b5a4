#include "daemon/ai/answer_cache.hpp"

#include <catch2/catch.hpp>

using namespace sbc::ai;

TEST_CASE("answer cache: keyed by business, knowledge version and the normalised question", "[ai]") {
    CHECK(normalise_question("  What time do you CLOSE?? ") == "what time do you close");
    CHECK(normalise_question("what-time, do you close") == "what time do you close");
    AnswerCache cache;
    cache.put(1, 7, normalise_question("Do you deliver?"), "Yes.");
    CHECK(cache.find(1, 7, normalise_question("do you DELIVER")) == "Yes.");
    CHECK_FALSE(cache.find(1, 8, "do you deliver")); // the knowledge changed
    CHECK_FALSE(cache.find(2, 7, "do you deliver")); // another business
}

TEST_CASE("answer cache: bounded, the oldest goes first", "[ai]") {
    AnswerCache cache(2);
    cache.put(1, 1, "a", "A");
    cache.put(1, 1, "b", "B");
    cache.put(1, 1, "c", "C");
    CHECK_FALSE(cache.find(1, 1, "a"));
    CHECK(cache.find(1, 1, "b") == "B");
    CHECK(cache.find(1, 1, "c") == "C");
}
