#include "daemon/pipeline/rating.hpp"

#include <catch2/catch.hpp>

using sbc::pipeline::parse_rating;

TEST_CASE("a rating is a whole message of 1 to 5, in the ways people write it", "[pipeline][rating]") {
    CHECK(parse_rating("1") == 1);
    CHECK(parse_rating("5") == 5);
    CHECK(parse_rating("  3 \n") == 3);
    CHECK(parse_rating("4!") == 4);
    CHECK(parse_rating("4 stars") == 4);
    CHECK(parse_rating("1 Star.") == 1);
    CHECK(parse_rating("4/5") == 4);
    CHECK(parse_rating("4 / 5") == 4);
    CHECK(parse_rating("5 out of 5") == 5);
    CHECK(parse_rating("2 of 5") == 2);
    CHECK(parse_rating("4\xEF\xB8\x8F\xE2\x83\xA3") == 4); // keycap 4 emoji
    CHECK(parse_rating("3\xE2\x83\xA3") == 3);             // keycap without the variation selector
    CHECK(parse_rating("\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90") == 3);
    CHECK(parse_rating("\xE2\xAD\x90\xEF\xB8\x8F \xE2\xAD\x90\xEF\xB8\x8F") == 2);
}

TEST_CASE("anything else is not a rating, so it is answered as a question", "[pipeline][rating]") {
    CHECK_FALSE(parse_rating(""));
    CHECK_FALSE(parse_rating("0"));
    CHECK_FALSE(parse_rating("6"));
    CHECK_FALSE(parse_rating("10"));
    CHECK_FALSE(parse_rating("45"));
    CHECK_FALSE(parse_rating("4 pizzas please"));
    CHECK_FALSE(parse_rating("do you open at 5"));
    CHECK_FALSE(parse_rating("4/10"));
    CHECK_FALSE(parse_rating("-3"));
    CHECK_FALSE(parse_rating(std::string(6 * 3, 'x')));
    CHECK_FALSE(
        parse_rating("\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90\xE2\xAD\x90")); // 6
    CHECK_FALSE(parse_rating("\xE2\xAD\x90 great"));
}
