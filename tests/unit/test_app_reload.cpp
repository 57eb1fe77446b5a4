#include "daemon/app/reload.hpp"
#include "daemon/config/options.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace sbc;

namespace {

bool has(const std::vector<std::string>& lines, const std::string& line) {
    return std::find(lines.begin(), lines.end(), line) != lines.end();
}

} // namespace

TEST_CASE("apply_reload puts reloadable changes in force and keeps restart-only values", "[reload]") {
    config::Config running;
    running.twilio_auth_token = "old-token-value";
    running.twilio_account_sid = "AC0123456789abcdef0123456789abcdef";
    config::Live live(running);
    config::Loaded next;
    next.config = running;
    next.config.log_level = "warn";
    next.config.rate_customer_per_hour = 3;
    next.config.twilio_auth_token = "new-token-value";
    next.config.listen_port = 9999;
    next.config.data_dir = "/elsewhere";

    auto result = app::apply_reload(live, next);
    REQUIRE(result.applied);
    CHECK(result.changed.size() == 3);
    CHECK(has(result.changed, "log_level: info -> warn"));
    CHECK(has(result.changed, "rate.customer_per_hour: 10 -> 3"));
    CHECK(has(result.changed, "twilio.auth_token changed (secret, not shown)"));
    CHECK(result.needs_restart.size() == 2);
    CHECK(has(result.needs_restart,
              "http.listen changed to 127.0.0.1:9999: needs a restart (still 127.0.0.1:8080)"));
    CHECK(has(result.needs_restart, "data_dir changed to /elsewhere: needs a restart (still /var/lib/sbc)"));
    auto now = live.get();
    CHECK(now->log_level == "warn");
    CHECK(now->rate_customer_per_hour == 3);
    CHECK(now->twilio_auth_token == "new-token-value");
    CHECK(now->listen_port == 8080);
    CHECK(now->data_dir == "/var/lib/sbc");
}

TEST_CASE("apply_reload refuses a configuration with problems and changes nothing", "[reload]") {
    config::Config running;
    config::Live live(running);
    auto before = live.get();
    config::Loaded next;
    next.config = running;
    next.config.rate_customer_per_hour = 1;
    next.problems = {"environment SBC_RATE_GLOBAL_PER_HOUR: 'x' is not a whole number"};
    auto result = app::apply_reload(live, next);
    CHECK_FALSE(result.applied);
    CHECK(result.problems == next.problems);
    CHECK(result.changed.empty());
    CHECK(live.get() == before);
    CHECK(live.get()->rate_customer_per_hour == 10);
}

TEST_CASE("every option says whether SIGHUP applies it, and restart-only ones are never secret", "[reload]") {
    std::vector<std::string> restart_only;
    for (const auto& option : config::options()) {
        REQUIRE(option.same);
        if (!option.reloadable) {
            CHECK_FALSE(option.secret);
            restart_only.emplace_back(option.key);
        }
    }
    // Sockets, threads, the breaker, the database, TLS and WordNet are set up once; the rest follows a
    // reload.
    CHECK(restart_only == std::vector<std::string>{
                              "answer.breaker_cooldown_ms", "answer.breaker_failures", "answer.llm_threads",
                              "answer.wordnet_dir", "data_dir", "http.listen", "store.synchronous",
                              "store.group_window_us", "http.tls_cert_file", "http.tls_key_file",
                              "http.max_body_bytes", "http.threads", "metrics.max_businesses", "socket.group",
                              "socket.path", "twilio.sender_threads"});
}
