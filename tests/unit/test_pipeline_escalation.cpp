#include "daemon/pipeline/escalation.hpp"

#include <catch2/catch.hpp>
#include <string>

using sbc::pipeline::asks_for_a_person;

TEST_CASE("a customer asking for a person is recognised however they write it", "[pipeline][escalation]") {
    CHECK(asks_for_a_person("human"));
    CHECK(asks_for_a_person("HUMAN!!"));
    CHECK(asks_for_a_person("  Agent. "));
    CHECK(asks_for_a_person("a real person please") == true);
    CHECK(asks_for_a_person("can I talk to a human?"));
    CHECK(asks_for_a_person("Can I speak to someone"));
    CHECK(asks_for_a_person("I'd like to speak to the owner"));
    CHECK(asks_for_a_person("that's not what I asked"));
    CHECK(asks_for_a_person("that\xE2\x80\x99s not what i asked...")); // a phone's apostrophe
    CHECK(asks_for_a_person("wrong answer"));
    CHECK(asks_for_a_person("you didn\xE2\x80\x99t answer my question"));
    CHECK(asks_for_a_person("that doesn't answer my question"));
}

TEST_CASE("a question that mentions people or staff is still a question", "[pipeline][escalation]") {
    CHECK_FALSE(asks_for_a_person(""));
    CHECK_FALSE(asks_for_a_person("no"));
    CHECK_FALSE(asks_for_a_person("no thanks"));
    CHECK_FALSE(asks_for_a_person("How many people can you seat?"));
    CHECK_FALSE(asks_for_a_person("are your staff trained in first aid"));
    CHECK_FALSE(asks_for_a_person("do you have a human resources department"));
    CHECK_FALSE(asks_for_a_person("Is the agentur open")); // a word that starts like one
    CHECK_FALSE(
        asks_for_a_person("can I speak to someone about a birthday cake for 40 people on Saturday the "
                          "14th, with candles"));
    CHECK_FALSE(asks_for_a_person(std::string(10000, 'a') + " talk to a human"));
}
