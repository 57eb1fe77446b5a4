#include "common/text.hpp"

#include <catch2/catch.hpp>
#include <string>

using Catch::Matchers::Contains;
using sbc::text::check_slug;
using sbc::text::is_valid_utf8;
using sbc::text::slugify;
using sbc::text::trim;
using sbc::text::utf8_length;

namespace {

std::string bytes(std::initializer_list<unsigned char> list) {
    return std::string(list.begin(), list.end());
}

std::string slug_of(std::string_view name) {
    auto slug = slugify(name);
    INFO("name: " << name);
    REQUIRE(slug.ok());
    return *slug;
}

} // namespace

TEST_CASE("is_valid_utf8 accepts ASCII, every sequence length and the empty string", "[common][text]") {
    REQUIRE(is_valid_utf8(""));
    REQUIRE(is_valid_utf8("plain ascii\n\t"));
    REQUIRE(is_valid_utf8("caf\xC3\xA9"));                   // é, 2 bytes
    REQUIRE(is_valid_utf8("\xE2\x82\xAC 5"));                // €, 3 bytes
    REQUIRE(is_valid_utf8("\xF0\x9F\x8D\x95 pizza"));        // 🍕, 4 bytes
    REQUIRE(is_valid_utf8(bytes({0xF4, 0x8F, 0xBF, 0xBF}))); // U+10FFFF, the last code point
    REQUIRE(is_valid_utf8(bytes({0xEF, 0xBF, 0xBF})));       // U+FFFF
    REQUIRE(is_valid_utf8(bytes({0xED, 0x9F, 0xBF})));       // U+D7FF, just below the surrogates
    REQUIRE(is_valid_utf8(std::string("a\0b", 3)));          // NUL is a valid code point
}

TEST_CASE("is_valid_utf8 refuses overlong encodings", "[common][text]") {
    REQUIRE_FALSE(is_valid_utf8(bytes({0xC0, 0xAF}))); // '/' in 2 bytes
    REQUIRE_FALSE(is_valid_utf8(bytes({0xC1, 0xBF})));
    REQUIRE_FALSE(is_valid_utf8(bytes({0xE0, 0x80, 0xAF})));       // '/' in 3 bytes
    REQUIRE_FALSE(is_valid_utf8(bytes({0xE0, 0x9F, 0xBF})));       // U+07FF in 3 bytes
    REQUIRE_FALSE(is_valid_utf8(bytes({0xF0, 0x80, 0x80, 0xAF}))); // '/' in 4 bytes
    REQUIRE_FALSE(is_valid_utf8(bytes({0xF0, 0x8F, 0xBF, 0xBF}))); // U+FFFF in 4 bytes
}

TEST_CASE("is_valid_utf8 refuses UTF-16 surrogates", "[common][text]") {
    REQUIRE_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0x80})));                   // U+D800
    REQUIRE_FALSE(is_valid_utf8(bytes({0xED, 0xBF, 0xBF})));                   // U+DFFF
    REQUIRE_FALSE(is_valid_utf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80}))); // a CESU-8 pair
}

TEST_CASE("is_valid_utf8 refuses code points past U+10FFFF", "[common][text]") {
    REQUIRE_FALSE(is_valid_utf8(bytes({0xF4, 0x90, 0x80, 0x80}))); // U+110000
    REQUIRE_FALSE(is_valid_utf8(bytes({0xF5, 0x80, 0x80, 0x80})));
    REQUIRE_FALSE(is_valid_utf8(bytes({0xF8, 0x88, 0x80, 0x80, 0x80})));
    REQUIRE_FALSE(is_valid_utf8(bytes({0xFF})));
}

TEST_CASE("is_valid_utf8 refuses truncated sequences and stray continuation bytes", "[common][text]") {
    REQUIRE_FALSE(is_valid_utf8("caf\xC3"));
    REQUIRE_FALSE(is_valid_utf8("\xE2\x82"));
    REQUIRE_FALSE(is_valid_utf8("\xF0\x9F\x8D"));
    REQUIRE_FALSE(is_valid_utf8("\xE2\x82 5")); // continuation replaced by a space
    REQUIRE_FALSE(is_valid_utf8("\x80"));
    REQUIRE_FALSE(is_valid_utf8("a\xBF"));
}

TEST_CASE("utf8_length counts code points, not bytes", "[common][text]") {
    REQUIRE(utf8_length("") == 0);
    REQUIRE(utf8_length("hello") == 5);
    REQUIRE(utf8_length("caf\xC3\xA9") == 4);
    REQUIRE(utf8_length("\xE2\x82\xAC") == 1);
    REQUIRE(utf8_length("\xF0\x9F\x8D\x95\xF0\x9F\x8D\x95") == 2);
    REQUIRE(utf8_length(std::string(1600, 'x')) == 1600);
}

TEST_CASE("utf8_prefix_bytes cuts after whole code points", "[common][text]") {
    using sbc::text::utf8_prefix_bytes;
    REQUIRE(utf8_prefix_bytes("hello", 3) == 3);
    REQUIRE(utf8_prefix_bytes("hello", 5) == 5);
    REQUIRE(utf8_prefix_bytes("hello", 9) == 5);
    REQUIRE(utf8_prefix_bytes("hello", 0) == 0);
    REQUIRE(utf8_prefix_bytes("caf\xC3\xA9!", 4) == 5); // the two bytes of é stay together
    REQUIRE(utf8_prefix_bytes("\xF0\x9F\x8D\x95\xF0\x9F\x8D\x95", 1) == 4);
    REQUIRE(utf8_prefix_bytes("", 3) == 0);
}

TEST_CASE("slugify lower-cases and joins words with single dashes", "[common][text]") {
    REQUIRE(slug_of("Pizza Palace") == "pizza-palace");
    REQUIRE(slug_of("Pizza Palace!") == "pizza-palace");
    REQUIRE(slug_of("  Joe's   Bar & Grill  ") == "joe-s-bar-grill");
    REQUIRE(slug_of("Cafe 24/7") == "cafe-24-7");
    REQUIRE(slug_of("--ABC--") == "abc");
}

TEST_CASE("slugify drops non-ASCII letters", "[common][text]") {
    REQUIRE(slug_of("Caf\xC3\xA9 Noir") == "caf-noir");
}

TEST_CASE("slugify result always passes check_slug", "[common][text]") {
    for (const char* name : {"Pizza Palace", "x", "9 Lives", "A--B", "Caf\xC3\xA9 Noir", "!!a!!"}) {
        INFO(name);
        REQUIRE(check_slug(slug_of(name)).ok());
    }
}

TEST_CASE("slugify keeps an id at most 64 characters and never ending in a dash", "[common][text]") {
    std::string name;
    for (int i = 0; i < 30; ++i) {
        name += "ab ";
    }
    auto slug = slug_of(name);
    REQUIRE(slug.size() <= 64);
    REQUIRE(slug.back() != '-');
    REQUIRE(check_slug(slug).ok());
    REQUIRE(slug_of(std::string(100, 'z')) == std::string(64, 'z'));
}

TEST_CASE("slugify fails for a name with no ASCII letter or digit and points to --id", "[common][text]") {
    for (const char* name : {"", "!!!", "\xE5\xAF\xBF\xE5\x8F\xB8", "\xD0\x9A\xD0\xB0\xD1\x84\xD0\xB5"}) {
        INFO(name);
        auto slug = slugify(name);
        REQUIRE_FALSE(slug.ok());
        REQUIRE_THAT(slug.error().message, Contains("--id"));
        REQUIRE_THAT(slug.error().message, Contains(std::string("'") + name + "'"));
    }
}

TEST_CASE("check_slug accepts a-z, 0-9 and inner dashes up to 64 characters", "[common][text]") {
    REQUIRE(check_slug("pizza-palace").ok());
    REQUIRE(check_slug("a").ok());
    REQUIRE(check_slug("7").ok());
    REQUIRE(check_slug("cafe-1-2").ok());
    REQUIRE(check_slug(std::string(64, 'a')).ok());
}

TEST_CASE("check_slug refuses empty, too long, bad characters and edge dashes", "[common][text]") {
    REQUIRE_THAT(check_slug("").error().message, Contains("1 to 64 characters"));
    REQUIRE_THAT(check_slug(std::string(65, 'a')).error().message, Contains("1 to 64 characters"));
    REQUIRE_THAT(check_slug("Pizza").error().message, Contains("'P' is not allowed"));
    REQUIRE_THAT(check_slug("pizza_palace").error().message, Contains("'_' is not allowed"));
    REQUIRE_THAT(check_slug("pizza palace").error().message, Contains("' ' is not allowed"));
    REQUIRE_THAT(check_slug("-pizza").error().message, Contains("may not start or end with '-'"));
    REQUIRE_THAT(check_slug("pizza-").error().message, Contains("may not start or end with '-'"));
    REQUIRE_THAT(check_slug("-").error().message, Contains("may not start or end with '-'"));
}

TEST_CASE("trim removes spaces, tabs and line ends on both sides only", "[common][text]") {
    REQUIRE(trim("  a b \t\r\n") == "a b");
    REQUIRE(trim("\n\n") == "");
    REQUIRE(trim("") == "");
    REQUIRE(trim("x") == "x");
}

TEST_CASE("ascii_lower lowers A-Z and leaves other bytes as they are", "[common][text]") {
    REQUIRE(sbc::text::ascii_lower("Menu.PDF") == "menu.pdf");
    REQUIRE(sbc::text::ascii_lower("ÉCOLE Straße") == "École straße");
    REQUIRE(sbc::text::ascii_lower("") == "");
}

TEST_CASE("iequals matches A-Z with a-z only, and needs the same length", "[common][text]") {
    REQUIRE(sbc::text::iequals("Retry-After", "retry-after"));
    REQUIRE(sbc::text::iequals("", ""));
    REQUIRE_FALSE(sbc::text::iequals("Retry-After", "retry-afte"));
    REQUIRE_FALSE(sbc::text::iequals("ÉCOLE", "école")); // only ASCII letters fold
    REQUIRE_FALSE(sbc::text::iequals("a[", "A{"));       // '[' is not the upper case of '{'
}

TEST_CASE("preview keeps whole characters, joins lines and marks a cut", "[common][text]") {
    REQUIRE(sbc::text::preview("Open 9-5\nMon-Fri", 80) == "Open 9-5 Mon-Fri");
    REQUIRE(sbc::text::preview("abcdef", 3) == "abc…");
    REQUIRE(sbc::text::preview("abc", 3) == "abc");
    // Five characters of two bytes each: a cut after three never splits a character.
    REQUIRE(sbc::text::preview("ééééé", 3) == "ééé…");
}
