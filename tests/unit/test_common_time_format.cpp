#include "common/time_format.hpp"

#include <catch2/catch.hpp>

using sbc::time_format::iso8601;
using sbc::time_format::iso8601_ms;
using sbc::time_format::now_ms;
using sbc::time_format::parse_time;

namespace {

// 2026-11-25T03:20:00Z
constexpr std::int64_t k_moment = 1795576800000;
constexpr std::int64_t k_minute = 60'000;
constexpr std::int64_t k_hour = 60 * k_minute;
constexpr std::int64_t k_day = 24 * k_hour;

} // namespace

TEST_CASE("iso8601 writes UTC seconds with a Z", "[common][time]") {
    REQUIRE(iso8601(0) == "1970-01-01T00:00:00Z");
    REQUIRE(iso8601(k_moment) == "2026-11-25T03:20:00Z");
    REQUIRE(iso8601(k_moment + 999) == "2026-11-25T03:20:00Z");
    REQUIRE(iso8601(951782400000) == "2000-02-29T00:00:00Z");
}

TEST_CASE("iso8601_ms adds zero-padded milliseconds", "[common][time]") {
    REQUIRE(iso8601_ms(k_moment + 123) == "2026-11-25T03:20:00.123Z");
    REQUIRE(iso8601_ms(k_moment + 7) == "2026-11-25T03:20:00.007Z");
    REQUIRE(iso8601_ms(k_moment) == "2026-11-25T03:20:00.000Z");
}

TEST_CASE("parse_time reads back what iso8601 writes", "[common][time]") {
    for (std::int64_t t :
         {std::int64_t{0}, k_moment, std::int64_t{951782400000}, std::int64_t{4102444799000}}) {
        INFO(t);
        auto parsed = parse_time(iso8601(t), k_moment);
        REQUIRE(parsed.has_value());
        REQUIRE(*parsed == t);
    }
    // Milliseconds are dropped by iso8601, so the round trip lands on the whole second.
    REQUIRE(parse_time(iso8601(k_moment + 456), 0) == k_moment);
}

TEST_CASE("parse_time accepts a date, a date with minutes, and a space instead of T", "[common][time]") {
    REQUIRE(parse_time("2026-11-25", 0) == k_moment - 3 * k_hour - 20 * k_minute);
    REQUIRE(parse_time("2026-11-25T03:20", 0) == k_moment);
    REQUIRE(parse_time("2026-11-25 03:20:00", 0) == k_moment);
    REQUIRE(parse_time("2026-11-25T03:20:59Z", 0) == k_moment + 59'000);
}

TEST_CASE("parse_time knows the length of each month and leap years", "[common][time]") {
    REQUIRE(parse_time("2028-02-29", 0).has_value());
    REQUIRE(parse_time("2000-02-29", 0).has_value());
    REQUIRE(parse_time("2026-12-31", 0).has_value());
    REQUIRE(parse_time("2026-03-01", 0) == *parse_time("2026-02-28", 0) + 24 * k_hour);
}

TEST_CASE("parse_time reads relative times back from now", "[common][time]") {
    REQUIRE(parse_time("15m", k_moment) == k_moment - 15 * k_minute);
    REQUIRE(parse_time("2h", k_moment) == k_moment - 2 * k_hour);
    REQUIRE(parse_time("3d", k_moment) == k_moment - 3 * k_day);
    REQUIRE(parse_time("30s", k_moment) == k_moment - 30'000);
    REQUIRE(parse_time("0m", k_moment) == k_moment);
}

TEST_CASE("parse_time rejects garbage", "[common][time]") {
    for (const char* bad : {"",
                            "m",
                            "15",
                            "15x",
                            "-15m",
                            "1.5h",
                            "h2",
                            "yesterday",
                            "2026-11",
                            "2026/11/25",
                            "2026-11-25T",
                            "2026-11-25T3:20",
                            "2026-11-25T03:20:0",
                            "2026-11-25T03:20+01:00",
                            "2026-11-25Z",
                            "2026-13-01",
                            "2026-00-10",
                            "2026-11-32",
                            "2026-02-29",
                            "2026-02-31",
                            "2026-04-31",
                            "2100-02-29",
                            "2026-11-25T24:00",
                            "2026-11-25T03:60",
                            "2026-11-25x",
                            "99999999999d"}) {
        INFO("'" << bad << "'");
        REQUIRE_FALSE(parse_time(bad, k_moment).has_value());
    }
}

TEST_CASE("now_ms is the system clock in milliseconds", "[common][time]") {
    auto now = now_ms();
    REQUIRE(now > k_moment - 365 * k_day * 5); // after 2021
    REQUIRE(iso8601(now).size() == 20);
}
