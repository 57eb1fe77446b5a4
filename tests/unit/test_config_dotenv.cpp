#include "daemon/config/dotenv.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using sbc::config::dotenv::Entry;
using sbc::config::dotenv::parse;
using sbc::config::dotenv::parse_file;
using sbc::config::dotenv::Parsed;

namespace {

// The value of the one entry a single line parses to.
std::string value_of(const std::string& line) {
    auto parsed = parse(line + "\n", ".env");
    INFO(line);
    for (const auto& problem : parsed.problems) {
        INFO(problem);
    }
    REQUIRE(parsed.problems.empty());
    REQUIRE(parsed.entries.size() == 1);
    return parsed.entries.front().value;
}

std::string problem_of(const std::string& text) {
    auto parsed = parse(text, "/etc/sbc/.env");
    INFO(text);
    REQUIRE(parsed.entries.empty());
    REQUIRE(parsed.problems.size() == 1);
    return parsed.problems.front();
}

} // namespace

TEST_CASE("dotenv reads NAME=value lines with their line numbers", "[config][dotenv]") {
    auto parsed = parse("A=1\n\n# a comment\n   # indented comment\nB_2=two\n", ".env");
    REQUIRE(parsed.problems.empty());
    REQUIRE(parsed.entries.size() == 2);
    REQUIRE(parsed.entries[0].name == "A");
    REQUIRE(parsed.entries[0].value == "1");
    REQUIRE(parsed.entries[0].line == 1);
    REQUIRE(parsed.entries[1].name == "B_2");
    REQUIRE(parsed.entries[1].value == "two");
    REQUIRE(parsed.entries[1].line == 5);
}

TEST_CASE("dotenv accepts an export prefix", "[config][dotenv]") {
    auto parsed = parse("export TWILIO_AUTH_TOKEN=abc\n", ".env");
    REQUIRE(parsed.entries.size() == 1);
    REQUIRE(parsed.entries[0].name == "TWILIO_AUTH_TOKEN");
    REQUIRE(parsed.entries[0].value == "abc");
}

TEST_CASE("dotenv trims spaces around names and unquoted values", "[config][dotenv]") {
    auto parsed = parse("  NAME  =   some value  \r\n", ".env");
    REQUIRE(parsed.entries.size() == 1);
    REQUIRE(parsed.entries[0].name == "NAME");
    REQUIRE(parsed.entries[0].value == "some value");
}

TEST_CASE("dotenv ends an unquoted value at ' #' but keeps a # inside a word", "[config][dotenv]") {
    REQUIRE(value_of("URL=https://example.com # the public URL") == "https://example.com");
    REQUIRE(value_of("COLOUR=#ff0000") == "#ff0000");
    REQUIRE(value_of("TOKEN=abc#def") == "abc#def");
}

TEST_CASE("dotenv allows an empty value", "[config][dotenv]") {
    REQUIRE(value_of("EMPTY=").empty());
    REQUIRE(value_of("EMPTY=\"\"").empty());
    REQUIRE(value_of("EMPTY=''").empty());
}

TEST_CASE("dotenv keeps an equals sign inside the value", "[config][dotenv]") {
    REQUIRE(value_of("QUERY=a=b&c=d") == "a=b&c=d");
}

TEST_CASE("dotenv double quotes keep spaces and # and understand escapes", "[config][dotenv]") {
    REQUIRE(value_of(R"(GREETING="  hello # world  ")") == "  hello # world  ");
    REQUIRE(value_of(R"(MULTI="line one\nline two")") == "line one\nline two");
    REQUIRE(value_of(R"(QUOTED="say \"hi\" now")") == "say \"hi\" now");
    REQUIRE(value_of(R"(PATH_ISH="C:\\dir")") == "C:\\dir");
}

TEST_CASE("dotenv double quotes may end with an escaped backslash", "[config][dotenv]") {
    REQUIRE(value_of(R"(DIR="C:\\")") == "C:\\");
    REQUIRE(value_of(R"(TWO="a\\\\")") == "a\\\\");
    REQUIRE(value_of(R"(MIX="\\\"")") == "\\\"");
}

TEST_CASE("dotenv single quotes are literal", "[config][dotenv]") {
    REQUIRE(value_of(R"(RAW='no \n escape $HOME "x"')") == R"(no \n escape $HOME "x")");
}

TEST_CASE("dotenv ignores a comment after a closing quote", "[config][dotenv]") {
    REQUIRE(value_of(R"(A="value" # comment)") == "value");
    REQUIRE(value_of(R"(B='value' # comment)") == "value");
}

TEST_CASE("dotenv reports a line without = as file:line", "[config][dotenv]") {
    REQUIRE(problem_of("just some words\n") == "/etc/sbc/.env:1: expected NAME=value");
}

TEST_CASE("dotenv reports a bad variable name", "[config][dotenv]") {
    REQUIRE(problem_of("\n1ABC=x\n") == "/etc/sbc/.env:2: '1ABC' is not a variable name");
    REQUIRE(problem_of("MY-VAR=x\n") == "/etc/sbc/.env:1: 'MY-VAR' is not a variable name");
    REQUIRE(problem_of("=x\n") == "/etc/sbc/.env:1: '' is not a variable name");
}

TEST_CASE("dotenv reports an unterminated quote with the variable", "[config][dotenv]") {
    REQUIRE(problem_of("TOKEN=\"abc\n") == "/etc/sbc/.env:1: TOKEN: unterminated quote");
    REQUIRE(problem_of("TOKEN='abc\n") == "/etc/sbc/.env:1: TOKEN: unterminated quote");
    REQUIRE(problem_of("TOKEN=\"abc\\\"\n") == "/etc/sbc/.env:1: TOKEN: unterminated quote");
}

TEST_CASE("dotenv reports every bad line and keeps the good ones", "[config][dotenv]") {
    auto parsed = parse("A=1\nbroken\nB=\"open\nC=3\n", "x.env");
    REQUIRE(parsed.problems ==
            std::vector<std::string>{"x.env:2: expected NAME=value", "x.env:3: B: unterminated quote"});
    REQUIRE(parsed.entries.size() == 2);
    REQUIRE(parsed.entries[0].name == "A");
    REQUIRE(parsed.entries[1].name == "C");
    REQUIRE(parsed.entries[1].line == 4);
}

TEST_CASE("dotenv parse_file reads a file and names it in problems", "[config][dotenv]") {
    sbc::test::TempDir dir;
    auto file = dir.file(".env");
    sbc::test::write_file(file, "export LOG_LEVEL=debug\nnope\n");
    auto parsed = parse_file(file);
    REQUIRE(parsed.entries.size() == 1);
    REQUIRE(parsed.entries[0].value == "debug");
    REQUIRE(parsed.problems == std::vector<std::string>{file + ":2: expected NAME=value"});
}

TEST_CASE("dotenv parse_file reports an unreadable file", "[config][dotenv]") {
    sbc::test::TempDir dir;
    auto parsed = parse_file(dir.file("absent.env"));
    REQUIRE(parsed.entries.empty());
    REQUIRE(parsed.problems.size() == 1);
    REQUIRE_THAT(parsed.problems[0], Contains("absent.env: cannot read"));
}
