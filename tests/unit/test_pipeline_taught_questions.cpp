#include "common/text.hpp"
#include "daemon/pipeline/taught_questions.hpp"

#include <catch2/catch.hpp>
#include <string>

using sbc::pipeline::k_max_taught_chars;
using sbc::pipeline::k_max_taught_question_chars;
using sbc::pipeline::with_taught_question;

TEST_CASE("a taught question becomes the last line of the entry's tags", "[pipeline][taught]") {
    CHECK(with_taught_question("", "Do you deliver to boats?") == "Do you deliver to boats?");
    CHECK(with_taught_question("delivery shipping", "  do you bring food to the harbour?\n") ==
          "delivery shipping\ndo you bring food to the harbour?");
    CHECK(with_taught_question("a\nb", "c") == "a\nb\nc");
}

TEST_CASE("a question taught twice is kept once, whatever its case", "[pipeline][taught]") {
    CHECK(with_taught_question("Do you deliver to boats?", "do you DELIVER to boats?") ==
          "Do you deliver to boats?");
    CHECK(with_taught_question("x", "   ") == "x");
}

TEST_CASE("a question over several lines is kept as one line", "[pipeline][taught]") {
    CHECK(with_taught_question("", "Hi\r\n\r\ndo you deliver\n to boats?") == "Hi do you deliver to boats?");
}

TEST_CASE("a long question is cut at a character, not inside one", "[pipeline][taught]") {
    std::string question;
    for (std::size_t i = 0; i < k_max_taught_question_chars + 20; ++i) {
        question += "\xC3\xA9"; // é: two bytes
    }
    auto tags = with_taught_question("", question);
    CHECK(sbc::text::is_valid_utf8(tags));
    CHECK(sbc::text::utf8_length(tags) == k_max_taught_question_chars);
}

TEST_CASE("the oldest taught questions make room for the newest", "[pipeline][taught]") {
    std::string tags = "keywords from the import";
    int taught = 0;
    while (tags.find("keywords") != std::string::npos) {
        tags = with_taught_question(tags, "question number " + std::to_string(++taught) + " about something");
        REQUIRE(taught < 1000);
    }
    CHECK(tags.size() <= k_max_taught_chars);
    CHECK(tags.size() > k_max_taught_chars - 40); // only as much went as had to
    CHECK(tags.starts_with("question number 1 about something\n"));
    CHECK(tags.ends_with("question number " + std::to_string(taught) + " about something"));
    tags = with_taught_question(tags, "one more");
    CHECK(tags.starts_with("question number 2 about something\n"));
    CHECK(tags.ends_with("\none more"));
}
