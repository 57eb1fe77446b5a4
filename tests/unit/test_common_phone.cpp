#include "common/phone.hpp"
#include "common/text.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using sbc::phone::normalize;
using sbc::phone::to_whatsapp;

namespace {

std::string normalized(std::string_view input) {
    auto result = normalize(input);
    INFO("input: " << input);
    if (!result) {
        INFO("error: " << result.error().message);
        REQUIRE(result.ok());
    }
    return *result;
}

std::string rejection(std::string_view input) {
    auto result = normalize(input);
    INFO("input: " << input);
    REQUIRE_FALSE(result.ok());
    return result.error().message;
}

} // namespace

TEST_CASE("normalize keeps a number already in E.164 form", "[common][phone]") {
    REQUIRE(normalized("+15551234567") == "+15551234567");
    REQUIRE(normalized("+393471234567") == "+393471234567");
}

TEST_CASE("normalize strips the whatsapp: prefix", "[common][phone]") {
    REQUIRE(normalized("whatsapp:+14155238886") == "+14155238886");
    REQUIRE(normalized("whatsapp:+1 415-523-8886") == "+14155238886");
}

TEST_CASE("normalize drops spaces, dashes, dots, parentheses and tabs", "[common][phone]") {
    REQUIRE(normalized("+1 555 123 4567") == "+15551234567");
    REQUIRE(normalized("+1-555-123-4567") == "+15551234567");
    REQUIRE(normalized("+1.555.123.4567") == "+15551234567");
    REQUIRE(normalized("(+1) 555.123.4567") == "+15551234567");
    REQUIRE(normalized("+1 (555) 123-4567") == "+15551234567");
    REQUIRE(normalized("+1\t5551234567") == "+15551234567");
}

TEST_CASE("normalize reads a leading 00 as the international prefix", "[common][phone]") {
    REQUIRE(normalized("0015551234567") == "+15551234567");
    REQUIRE(normalized("0039 347 123 4567") == "+393471234567");
}

TEST_CASE("normalize accepts 7 to 15 digits", "[common][phone]") {
    REQUIRE(normalized("+1234567") == "+1234567");
    REQUIRE(normalized("+123456789012345") == "+123456789012345");
}

TEST_CASE("normalize refuses a number without a country code", "[common][phone]") {
    auto message = rejection("5551234567");
    REQUIRE_THAT(message, Contains("country code is missing") && Contains("start with +"));
    REQUIRE_THAT(message, Contains("'5551234567'"));
}

TEST_CASE("normalize refuses a country code starting with 0", "[common][phone]") {
    REQUIRE_THAT(rejection("+0555123456"), Contains("never starts with 0"));
    // 000... is "00" followed by a 0 country code
    REQUIRE_THAT(rejection("000555123456"), Contains("never starts with 0"));
}

TEST_CASE("normalize refuses too few digits, naming the count", "[common][phone]") {
    REQUIRE_THAT(rejection("+123456"), Contains("6 digits is too short"));
}

TEST_CASE("normalize refuses more than 15 digits, naming the count", "[common][phone]") {
    REQUIRE_THAT(rejection("+1234567890123456"), Contains("16 digits is longer than the 15"));
}

TEST_CASE("normalize refuses letters and other characters, naming the character", "[common][phone]") {
    REQUIRE_THAT(rejection("+1555CALLNOW"), Contains("unexpected character 'C'"));
    REQUIRE_THAT(rejection("+1555123456x7"), Contains("unexpected character 'x'"));
    REQUIRE_THAT(rejection("+1/555/1234567"), Contains("unexpected character '/'"));
}

TEST_CASE("normalize names a non-ASCII character whole, and an odd byte by its value", "[common][phone]") {
    // The message is valid UTF-8 whenever the input is: it reaches sbcctl, HTTP replies and JSON.
    std::string phone_sign = rejection("+39 06 6982 1234 \xe2\x98\x8e");
    REQUIRE_THAT(phone_sign, Contains("unexpected character '\xe2\x98\x8e'"));
    REQUIRE(sbc::text::is_valid_utf8(phone_sign));
    REQUIRE_THAT(rejection("+1555\xc3\xa9"
                           "1234567"),
                 Contains("unexpected character '\xc3\xa9'"));
    REQUIRE_THAT(rejection("+1555\xe2\x98"), Contains("unexpected byte 0xE2"));
    REQUIRE_THAT(rejection("+1555\n1234567"), Contains("unexpected byte 0x0A"));
}

TEST_CASE("normalize refuses a plus that is not at the start", "[common][phone]") {
    REQUIRE_THAT(rejection("1+5551234567"), Contains("'+' may only stand at the start"));
    REQUIRE_THAT(rejection("++15551234567"), Contains("'+' may only stand at the start"));
    REQUIRE_THAT(rejection("whatsapp:+1555+1234567"), Contains("'+' may only stand at the start"));
}

TEST_CASE("normalize refuses empty input and input without digits", "[common][phone]") {
    REQUIRE_THAT(rejection(""), Contains("no digits"));
    REQUIRE_THAT(rejection("+"), Contains("no digits"));
    REQUIRE_THAT(rejection("whatsapp:"), Contains("no digits"));
    REQUIRE_THAT(rejection(" - "), Contains("no digits"));
}

TEST_CASE("every rejection says how a valid number looks", "[common][phone]") {
    for (const char* bad : {"", "5551234567", "+0555123456", "+123", "+1234567890123456", "+1a", "1+2"}) {
        REQUIRE_THAT(rejection(bad), Contains("e.g. +15551234567"));
    }
}

TEST_CASE("to_whatsapp prefixes a normalised number", "[common][phone]") {
    REQUIRE(to_whatsapp("+14155238886") == "whatsapp:+14155238886");
    REQUIRE(normalized(to_whatsapp("+14155238886")) == "+14155238886");
}
