#include "common/text.hpp"
#include "daemon/answer/message_split.hpp"

#include <catch2/catch.hpp>

using sbc::answer::split_message;

TEST_CASE("text that fits is one part, empty text none", "[answer][split]") {
    CHECK(split_message("hello world") == std::vector<std::string>{"hello world"});
    CHECK(split_message("   ").empty());
    CHECK(split_message(std::string(1600, 'a')).size() == 1);
}

TEST_CASE("long text is cut at whitespace into parts under the limit, in order", "[answer][split]") {
    std::string text;
    for (int i = 0; i < 500; ++i) {
        text += "word" + std::to_string(i) + " ";
    }
    auto parts = split_message(text, 100);
    REQUIRE(parts.size() > 1);
    std::string joined;
    for (const auto& p : parts) {
        CHECK(sbc::text::utf8_length(p) <= 100);
        CHECK(p.front() != ' ');
        CHECK(p.back() != ' ');
        joined += (joined.empty() ? "" : " ") + p;
    }
    CHECK(joined == std::string(sbc::text::trim(text)));
}

TEST_CASE("limits count characters, and a cut never splits a UTF-8 sequence", "[answer][split]") {
    std::string cyrillic;
    for (int i = 0; i < 250; ++i) {
        cyrillic += "Ж";
    }
    auto parts = split_message(cyrillic, 100);
    REQUIRE(parts.size() == 3);
    for (const auto& p : parts) {
        CHECK(sbc::text::is_valid_utf8(p));
    }
    CHECK(sbc::text::utf8_length(parts[0]) == 100);
    CHECK(sbc::text::utf8_length(parts[2]) == 50);
}
