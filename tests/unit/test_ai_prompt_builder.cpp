#include "daemon/ai/prompt_builder.hpp"

#include <catch2/catch.hpp>

using namespace sbc::ai;
using Catch::Matchers::Contains;

TEST_CASE("prompt: profile and entries in the system message, turns in order, the question last", "[ai]") {
    PromptInput in;
    in.business_name = "Pizza Palace";
    in.hours = "Mon-Sat 11-23";
    in.tone = "warm";
    in.entries = {"We deliver downtown", "Gift cards at the counter"};
    in.turns = {{true, "hi"}, {false, "Hello!"}};
    in.question = "Do you deliver?";
    auto m = build_prompt(in);
    REQUIRE(m.size() == 4);
    auto system = m[0]["content"].get<std::string>();
    CHECK_THAT(system, Contains("Pizza Palace") && Contains("Mon-Sat 11-23") && Contains("warm") &&
                           Contains("- We deliver downtown") && Contains("- Gift cards at the counter") &&
                           Contains(k_handoff_marker));
    CHECK(m[1]["role"] == "user");
    CHECK(m[2]["role"] == "assistant");
    CHECK(m[3] == nlohmann::json({{"role", "user"}, {"content", "Do you deliver?"}}));
}

TEST_CASE("prompt: the marker or an empty reply is a hand-off", "[ai]") {
    CHECK(is_handoff("[HANDOFF]"));
    CHECK(is_handoff(" [HANDOFF]\n"));
    CHECK(is_handoff("  \n"));
    CHECK_FALSE(is_handoff("We open at 9."));
}
