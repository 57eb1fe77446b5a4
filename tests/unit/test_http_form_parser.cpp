#include "daemon/http/form_parser.hpp"

#include <catch2/catch.hpp>

using sbc::http::decode_form_component;
using sbc::http::encode_form;
using sbc::http::FormPair;
using sbc::http::FormParams;
using sbc::http::parse_form;
using sbc::http::percent_encode_form;

namespace {

std::vector<FormPair> parsed_pairs(std::string_view body) {
    auto parsed = parse_form(body);
    INFO(body);
    REQUIRE(parsed.ok());
    return parsed->pairs;
}

} // namespace

TEST_CASE("parse_form decodes pairs in order and keeps repeated names", "[http][form]") {
    auto pairs = parsed_pairs("To=whatsapp%3A%2B14155238886&Body=Hi+there&MediaUrl0=a&MediaUrl0=b");
    REQUIRE(pairs == std::vector<FormPair>{{"To", "whatsapp:+14155238886"},
                                           {"Body", "Hi there"},
                                           {"MediaUrl0", "a"},
                                           {"MediaUrl0", "b"}});
}

TEST_CASE("parse_form turns '+' into a space and %2B into a plus", "[http][form]") {
    REQUIRE(parsed_pairs("a=5%2B5+is+10") == std::vector<FormPair>{{"a", "5+5 is 10"}});
}

TEST_CASE("parse_form decodes UTF-8 bytes and lowercase hex", "[http][form]") {
    auto pairs = parsed_pairs("Body=Ol%C3%A1%2C+mundo%21+%F0%9F%91%8B+it%27s+5%2B5&x=%c3%a9");
    REQUIRE(pairs == std::vector<FormPair>{{"Body", "Olá, mundo! 👋 it's 5+5"}, {"x", "é"}});
}

TEST_CASE("parse_form never trims values", "[http][form]") {
    REQUIRE(parsed_pairs("Body=++hi++&Sp=%20%09") ==
            std::vector<FormPair>{{"Body", "  hi  "}, {"Sp", " \t"}});
}

TEST_CASE("parse_form skips empty pairs and gives a bare name an empty value", "[http][form]") {
    REQUIRE(parsed_pairs("a=1&&b=2&") == std::vector<FormPair>{{"a", "1"}, {"b", "2"}});
    REQUIRE(parsed_pairs("&flag&c=") == std::vector<FormPair>{{"flag", ""}, {"c", ""}});
    REQUIRE(parsed_pairs("").empty());
    REQUIRE(parsed_pairs("&&&").empty());
}

TEST_CASE("parse_form keeps '=' inside a value and accepts an empty name", "[http][form]") {
    REQUIRE(parsed_pairs("v=a=b==&=x") == std::vector<FormPair>{{"v", "a=b=="}, {"", "x"}});
}

TEST_CASE("parse_form decodes %00 and %26 into the bytes they stand for", "[http][form]") {
    REQUIRE(parsed_pairs("a=x%00y&b=%26%3D") ==
            std::vector<FormPair>{{"a", std::string("x\0y", 3)}, {"b", "&="}});
}

TEST_CASE("parse_form refuses malformed escapes and names the byte", "[http][form]") {
    auto bad_digit = parse_form("Body=hello&To=%G1");
    REQUIRE_FALSE(bad_digit.ok());
    REQUIRE(bad_digit.error().message.rfind("malformed percent-escape at byte 14", 0) == 0);

    auto truncated = parse_form("Body=%4");
    REQUIRE_FALSE(truncated.ok());
    REQUIRE(truncated.error().message.rfind("malformed percent-escape at byte 5", 0) == 0);

    // The escape is cut short by the next pair, not by the end of the body.
    auto cut_by_pair = parse_form("a=%4&b=1");
    REQUIRE_FALSE(cut_by_pair.ok());
    REQUIRE(cut_by_pair.error().message.rfind("malformed percent-escape at byte 2", 0) == 0);

    auto in_name = parse_form("x=1&b%Zz=1");
    REQUIRE_FALSE(in_name.ok());
    REQUIRE(in_name.error().message.rfind("malformed percent-escape at byte 5", 0) == 0);

    REQUIRE_FALSE(parse_form("%").ok());
    REQUIRE_FALSE(parse_form("a=%%41").ok());
}

TEST_CASE("FormParams::first and all look names up exactly", "[http][form]") {
    auto parsed = parse_form("MediaUrl=one&Body=&MediaUrl=two&body=lower");
    REQUIRE(parsed.ok());
    REQUIRE(parsed->first("MediaUrl") == std::optional<std::string_view>("one"));
    REQUIRE(parsed->first("Body") == std::optional<std::string_view>(""));
    REQUIRE(parsed->first("body") == std::optional<std::string_view>("lower"));
    REQUIRE_FALSE(parsed->first("BODY").has_value());
    REQUIRE(parsed->all("MediaUrl") == std::vector<std::string_view>{"one", "two"});
    REQUIRE(parsed->all("Missing").empty());
    REQUIRE(parsed->size() == 4);
}

TEST_CASE("percent_encode_form keeps unreserved characters and escapes the rest in uppercase",
          "[http][form]") {
    REQUIRE(percent_encode_form("AZaz09-._~") == "AZaz09-._~");
    REQUIRE(percent_encode_form("a b") == "a+b");
    REQUIRE(percent_encode_form("whatsapp:+14155238886") == "whatsapp%3A%2B14155238886");
    REQUIRE(percent_encode_form("Olá, mundo! 👋 it's 5+5") ==
            "Ol%C3%A1%2C+mundo%21+%F0%9F%91%8B+it%27s+5%2B5");
    REQUIRE(percent_encode_form("*&=%/?#\n") == "%2A%26%3D%25%2F%3F%23%0A");
    REQUIRE(percent_encode_form(std::string_view("\0\xff", 2)) == "%00%FF");
    REQUIRE(percent_encode_form("").empty());
}

TEST_CASE("encode_form joins pairs in order and round-trips through parse_form", "[http][form]") {
    std::vector<FormPair> pairs{{"To", "whatsapp:+15551234567"},
                                {"Body", "Ça va? 100% & more = fine\r\n"},
                                {"MediaUrl", "https://example.com/a.jpg?x=1&y=2"},
                                {"MediaUrl", "https://example.com/b.png"},
                                {"Empty", ""}};
    std::string encoded = encode_form(pairs);
    REQUIRE(encoded.rfind("To=whatsapp%3A%2B15551234567&Body=%C3%87a+va%3F+100%25+%26+more+%3D+fine%0D%0A&",
                          0) == 0);
    REQUIRE(encoded.substr(encoded.size() - 6) == "Empty=");
    REQUIRE(parsed_pairs(encoded) == pairs);
    REQUIRE(encode_form(std::vector<FormPair>{}).empty());
}

TEST_CASE("decode_form_component decodes one component", "[http][form]") {
    auto decoded = decode_form_component("It%27s+amazing");
    REQUIRE(decoded.ok());
    REQUIRE(*decoded == "It's amazing");
    REQUIRE_FALSE(decode_form_component("%zz").ok());
}
