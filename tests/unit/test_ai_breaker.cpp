#include "daemon/ai/breaker.hpp"

#include <catch2/catch.hpp>

using sbc::ai::Breaker;
using namespace std::chrono_literals;

TEST_CASE("breaker: opens after N consecutive failures and stays open during the cool-down", "[ai]") {
    Breaker b(3, 1h);
    b.record_failure();
    b.record_failure();
    CHECK(b.allow());
    b.record_success(); // a success resets the count
    b.record_failure();
    b.record_failure();
    CHECK(b.allow());
    b.record_failure();
    CHECK(b.is_open());
    CHECK_FALSE(b.allow());
}

TEST_CASE("breaker: after the cool-down one trial call; success closes, failure reopens", "[ai]") {
    Breaker b(1, 0ms);
    b.record_failure();
    REQUIRE(b.is_open());
    CHECK(b.allow());       // the trial
    CHECK_FALSE(b.allow()); // only one at a time
    b.record_success();
    CHECK_FALSE(b.is_open());
    CHECK(b.allow());
    CHECK(b.allow());

    Breaker c(5, 0ms);
    for (int i = 0; i < 5; ++i) {
        c.record_failure();
    }
    REQUIRE(c.allow()); // trial
    c.record_failure(); // a failed trial opens it again at once
    CHECK(c.is_open());
}
