#include "common/protocol.hpp"
#include "daemon/control/arguments.hpp"
#include "daemon/control/command.hpp"

#include <catch2/catch.hpp>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

using nlohmann::json;
using sbc::control::Arguments;
using sbc::control::CommandError;

namespace {

// The text of the CommandError that f throws; fails the test when it throws nothing or something else.
template <typename F>
std::string refusal(F&& f) {
    try {
        f();
    } catch (const CommandError& e) {
        REQUIRE(e.result == sbc::protocol::k_invalid);
        return e.text;
    }
    FAIL("no CommandError thrown");
    return {};
}

} // namespace

TEST_CASE("integer arguments read the whole signed 64-bit range", "[control][arguments]") {
    json object = json::parse(R"({"max": 9223372036854775807, "min": -9223372036854775808, "n": 3})");
    Arguments args(object);
    CHECK(args.required_int("max") == INT64_MAX);
    CHECK(args.required_int("min") == INT64_MIN);
    CHECK(args.optional_int("n", 0, 1, 10) == 3);
    CHECK(args.optional_int("absent", 7, 1, 10) == 7);
}

TEST_CASE("integer arguments above 2^63-1 are refused, not wrapped to negative numbers",
          "[control][arguments]") {
    // JSON keeps them as unsigned; read as int64 they used to become -1 (kb-remove "number": 2^64-1).
    json object = json::parse(R"({"number": 18446744073709551615, "offset": 9223372036854775808})");
    Arguments args(object);
    CHECK(refusal([&] { args.required_int("number"); }) ==
          "argument 'number' is too large: 18446744073709551615 (the largest is 9223372036854775807)");
    CHECK(refusal([&] { args.optional_int("offset", 0, 0, INT64_MAX); }) ==
          "argument 'offset' is too large: 9223372036854775808 (the largest is 9223372036854775807)");
}

TEST_CASE("integer arguments refuse other types, naming the type", "[control][arguments]") {
    json object = json::parse(R"({"a": "2", "b": 2.0, "c": true})");
    Arguments args(object);
    CHECK(refusal([&] { args.required_int("a"); }) == "argument 'a' must be an integer, not string");
    CHECK(refusal([&] { args.optional_int("b", 0, 0, 10); }) ==
          "argument 'b' must be an integer, not number");
    CHECK(refusal([&] { args.required_int("c"); }) == "argument 'c' must be an integer, not boolean");
    CHECK(refusal([&] { args.required_int("d"); }) == "missing argument 'd'");
}
