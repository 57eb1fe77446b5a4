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

TEST_CASE("breaker: after the cool-down one trial call, success closes, failure reopens", "[ai]") {
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

TEST_CASE("breaker: a 429's Retry-After opens it at once for that long, bounded", "[ai]") {
    Breaker b(3, 0ms);
    b.record_failure(1h); // one failure, below the threshold, but the provider said when to come back
    CHECK(b.is_open());
    CHECK_FALSE(b.allow());

    Breaker shorter(1, 1h);
    shorter.record_failure(); // opened for the cool-down
    shorter.record_failure(1ms);
    CHECK_FALSE(shorter.allow()); // a shorter Retry-After does not cut the cool-down

    Breaker passed(3, 1h);
    passed.record_failure(1ms);
    REQUIRE(passed.is_open());
    auto deadline = Breaker::Clock::now() + 5s;
    bool trial = false;
    while (!trial && Breaker::Clock::now() < deadline) {
        trial = passed.allow(); // once the Retry-After has passed, one trial call
    }
    CHECK(trial);
    passed.record_success();
    CHECK_FALSE(passed.is_open());

    // Bounded: a Retry-After of a day is believed for the bound only, then a trial call goes.
    Breaker bounded(3, 1h, 1ms);
    bounded.record_failure(24h);
    REQUIRE(bounded.is_open());
    deadline = Breaker::Clock::now() + 5s;
    trial = false;
    while (!trial && Breaker::Clock::now() < deadline) {
        trial = bounded.allow();
    }
    CHECK(trial);
}
