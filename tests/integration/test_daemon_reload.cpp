// SIGHUP through the real sbcd: the configuration is read again (here from the .env file in its working
// directory), what can change at runtime changes at once (Twilio credentials and mode, the signature check,
// rate limits), what cannot is reported as needing a restart, and a broken configuration is refused whole.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/fake_twilio.hpp"
#include "tests/support/notify_socket.hpp"

#include <csignal>
#include <fmt/format.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_daemon_reload {

constexpr const char* k_inbound = "/webhooks/twilio/whatsapp";

// Sends SIGHUP and waits for the reload's summary line (the n-th such line since start).
void reload(Daemon& daemon, NotifySocket& systemd, const std::string& summary) {
    REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
    REQUIRE(systemd.wait_for("RELOADING=1"));
    REQUIRE(systemd.wait_for("READY=1"));
    INFO("sbcd's log:\n" << daemon.log());
    REQUIRE_THAT(daemon.log(), Contains(summary));
}

long long db_count(const Daemon& daemon, const std::string& sql) {
    return query_int(daemon.database(), sql);
}

TEST_CASE("SIGHUP applies the new configuration, names what needs a restart, refuses a broken one",
          "[integration][reload]") {
    TempDir dir;
    FakeTwilio fake;
    NotifySocket systemd(dir.file("notify.sock"));
    // Dry-run and unsigned webhooks, from the .env file sbcd reads in its working directory.
    write_file(dir.file(".env"), "SBC_INSECURE_SKIP_SIGNATURE_CHECK=true\n");
    Daemon daemon(dir, {{"NOTIFY_SOCKET", systemd.address()}});
    REQUIRE(systemd.wait_for("READY=1"));
    REQUIRE(daemon
                .ctl({"business", "register", "--name", "Pizza Palace", "--number", k_pizza_number, "--owner",
                      k_pizza_owner})
                .exit_code == 0);
    REQUIRE(
        daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"}).exit_code ==
        0);
    CHECK(daemon.ctl_json({"status"})["arguments"]["twilio"]["mode"] == "dry-run");
    auto unsigned_question = inbound_message(make_sid(1), "+15552220001", k_pizza_number, "Do you deliver?");
    REQUIRE(post_form(daemon.http_port(), k_inbound, unsigned_question, "").status == 200);
    REQUIRE(wait_until(
        [&] { return db_count(daemon, "SELECT COUNT(*) FROM messages WHERE status='dry-run'") == 1; }));

    // Live Twilio credentials, signatures on, one question per customer and hour, and two start-up-only
    // options changed.
    write_file(dir.file(".env"),
               fmt::format("TWILIO_ACCOUNT_SID={}\nTWILIO_AUTH_TOKEN={}\nTWILIO_API_BASE_URL={}\n"
                           "WEBHOOK_BASE_URL={}\nSBC_RATE_CUSTOMER_PER_HOUR=1\n"
                           "SBC_HTTP_THREADS=3\nSBC_SENDER_THREADS=5\n",
                           fake.account_sid(), fake.auth_token(), fake.base_url(), k_public_base));
    reload(daemon, systemd, "reload done: 6 change(s) applied, 2 waiting for a restart");
    auto log = daemon.log();
    CHECK_THAT(log, Contains("reload: rate.customer_per_hour: 10 -> 1"));
    CHECK_THAT(log, Contains("reload: http.insecure_skip_signature_check: true -> false"));
    CHECK_THAT(log, Contains("reload: twilio.auth_token changed (secret, not shown)"));
    CHECK_THAT(log, Contains("reload: twilio.api_base_url: https://api.twilio.com -> " + fake.base_url()));
    CHECK_THAT(log, Contains("http.threads changed to 3: needs a restart (still 64)"));
    CHECK_THAT(log, Contains("twilio.sender_threads changed to 5: needs a restart (still 16)"));
    CHECK_THAT(log, !Contains(fake.auth_token()));
    CHECK(daemon.ctl_json({"status"})["arguments"]["twilio"]["mode"] == "live");

    // The signature check is on: unsigned is refused, signed with the new token is answered through the fake.
    auto second = inbound_message(make_sid(2), "+15552220002", k_pizza_number, "Do you deliver downtown?");
    CHECK(post_form(daemon.http_port(), k_inbound, second, "").status == 403);
    REQUIRE(post_form(daemon.http_port(), k_inbound, second, fake.auth_token()).status == 200);
    REQUIRE(fake.wait_for_requests(1, std::chrono::seconds(10)));
    CHECK(std::string(fake.requests().front().form.first("To").value_or("")) == "whatsapp:+15552220002");
    // The new rate limit: the same customer's second question within the hour is limited.
    auto third = inbound_message(make_sid(3), "+15552220002", k_pizza_number, "And on Sundays?");
    REQUIRE(post_form(daemon.http_port(), k_inbound, third, fake.auth_token()).status == 200);
    CHECK(db_count(daemon, "SELECT COUNT(*) FROM messages WHERE kind='rate-limited'") == 1);

    // A broken file is refused as a whole: the good change beside the bad one is not applied either.
    write_file(
        dir.file(".env"),
        fmt::format(
            "TWILIO_ACCOUNT_SID={}\nTWILIO_AUTH_TOKEN={}\nTWILIO_API_BASE_URL={}\n"
            "WEBHOOK_BASE_URL={}\nSBC_RATE_CUSTOMER_PER_HOUR=lots\nSBC_INSECURE_SKIP_SIGNATURE_CHECK=true\n",
            fake.account_sid(), fake.auth_token(), fake.base_url(), k_public_base));
    reload(daemon, systemd, "reload refused: the new configuration has 1 problem(s)");
    CHECK_THAT(daemon.log(), Contains("rate.customer_per_hour: 'lots' is not a whole number"));
    auto fourth = inbound_message(make_sid(4), "+15552220003", k_pizza_number, "Do you deliver?");
    CHECK(post_form(daemon.http_port(), k_inbound, fourth, "").status == 403);
    CHECK(daemon.ctl_json({"status"})["arguments"]["twilio"]["mode"] == "live");
}

} // namespace test_daemon_reload
