// sbcctl webhook check against the real sbcd: the URL Twilio must call per number, and, after a webhook was
// refused for its signature, which URL Twilio signed against the one sbcd expected. Also the signature check
// itself with query strings and %-escapes in the request URL, exactly as Twilio signs them.

#include "daemon/twilio/signature.hpp"
#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

#include <fmt/format.h>
#include <httplib.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_webhook_check {

Env env_with_base(const FakeTwilio& twilio, const std::string& base) {
    Env env = twilio_env(twilio, {{"WEBHOOK_BASE_URL", base}});
    if (base.empty()) {
        env.erase("WEBHOOK_BASE_URL"); // not configured at all, rather than set to nothing
    }
    return env;
}

// POSTs an inbound message to `target` (path and query, sent byte for byte), signed over `signed_url`.
int post_signed(int port, const std::string& target, const std::string& signed_url, const std::string& token,
                const std::string& sid, httplib::Headers headers = {}) {
    auto params = inbound_message(sid, "+15552223333", k_pizza_number, "Do you deliver?");
    headers.emplace("X-Twilio-Signature", sbc::twilio::compute_signature(token, signed_url, params));
    httplib::Client client("127.0.0.1", port);
    client.set_url_encode(false);
    auto res = client.Post(target.c_str(), headers, sbc::http::encode_form(params),
                           "application/x-www-form-urlencoded");
    return res ? res->status : 0;
}

TEST_CASE("webhook check: the URL each number needs, and nothing refused", "[cli][webhook]") {
    TempDir dir;
    FakeTwilio twilio;
    Daemon daemon(dir, env_with_base(twilio, k_public_base));
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(register_coffee(daemon).exit_code == 0);
    auto r = daemon.ctl({"webhook", "check"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("whatsapp:+14155238886") && Contains("whatsapp:+14155238887") &&
                          Contains("https://sbc.example.com/webhooks/twilio/whatsapp") &&
                          Contains("https://sbc.example.com/webhooks/twilio/status") &&
                          Contains("refused signatures under this configuration: none"));

    auto one = ctl_json_run(daemon, {"webhook", "check", "--business", "coffee-corner"});
    CHECK(one.exit_code == 0);
    REQUIRE(one.doc["arguments"]["numbers"].size() == 1);
    CHECK(one.doc["arguments"]["numbers"][0]["number"] == k_coffee_number);
    CHECK(one.doc["arguments"]["numbers"][0]["inbound_url"] ==
          "https://sbc.example.com/webhooks/twilio/whatsapp");
    CHECK(one.doc["arguments"]["webhook_base_url"] == k_public_base);
    CHECK(one.doc["arguments"]["signature_check"] == "on");

    auto unknown = daemon.ctl({"webhook", "check", "--business", "nope"});
    CHECK(unknown.exit_code == 4);
    CHECK_THAT(unknown.err, Contains("nope"));
}

TEST_CASE("webhook check: Twilio signed https but sbcd was told http", "[cli][webhook]") {
    TempDir dir;
    FakeTwilio twilio;
    Daemon daemon(dir, env_with_base(twilio, "http://sbc.example.com"));
    REQUIRE(register_pizza(daemon).exit_code == 0);
    // Twilio calls (and signs) the https URL; sbcd checks against its http base and refuses.
    CHECK(post_form(daemon.http_port(), "/webhooks/twilio/whatsapp",
                    inbound_message(make_sid(1), "+15552223333", k_pizza_number, "hi"), twilio.auth_token())
              .status == 403);
    auto r = daemon.ctl({"webhook", "check"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.out,
               Contains("Twilio signed https://sbc.example.com/webhooks/twilio/whatsapp but sbcd expected "
                        "http://sbc.example.com/webhooks/twilio/whatsapp: set "
                        "WEBHOOK_BASE_URL=https://sbc.example.com"));
    auto j = ctl_json_run(daemon, {"webhook", "check"});
    CHECK(j.exit_code == 1);
    REQUIRE(j.doc["arguments"]["rejected"].size() == 1);
    const auto& rejected = j.doc["arguments"]["rejected"][0];
    CHECK(rejected["signed_url"] == "https://sbc.example.com/webhooks/twilio/whatsapp");
    CHECK(rejected["expected_url"] == "http://sbc.example.com/webhooks/twilio/whatsapp");
    CHECK_THAT(j.out, !Contains(twilio.auth_token()));

    // A signature made with another token matches no URL: the token is the suspect.
    CHECK(post_form(daemon.http_port(), "/webhooks/twilio/whatsapp",
                    inbound_message(make_sid(2), "+15552223333", k_pizza_number, "hi"),
                    "ffffffffffffffffffffffffffffffff")
              .status == 403);
    auto after = ctl_json_run(daemon, {"webhook", "check"});
    REQUIRE(after.doc["arguments"]["rejected"].size() == 2);
    CHECK(after.doc["arguments"]["rejected"][0]["signed_url"].is_null());
    CHECK_THAT(after.doc["arguments"]["rejected"][0]["diagnosis"].get<std::string>(),
               Contains("TWILIO_AUTH_TOKEN"));
}

TEST_CASE("webhook check: behind a proxy without WEBHOOK_BASE_URL, the forwarded URL is the one signed",
          "[cli][webhook]") {
    TempDir dir;
    FakeTwilio twilio;
    Daemon daemon(dir, env_with_base(twilio, ""));
    REQUIRE(register_pizza(daemon).exit_code == 0);
    int port = daemon.http_port();
    CHECK(post_signed(port, "/webhooks/twilio/whatsapp",
                      "https://public.example.org/webhooks/twilio/whatsapp", twilio.auth_token(), make_sid(1),
                      {{"X-Forwarded-Proto", "https"}, {"X-Forwarded-Host", "public.example.org"}}) == 403);
    auto j = ctl_json_run(daemon, {"webhook", "check"});
    CHECK(j.exit_code == 1);
    REQUIRE(j.doc["arguments"]["rejected"].size() == 1);
    const auto& rejected = j.doc["arguments"]["rejected"][0];
    CHECK(rejected["signed_url"] == "https://public.example.org/webhooks/twilio/whatsapp");
    CHECK(rejected["expected_url"] == fmt::format("http://127.0.0.1:{}/webhooks/twilio/whatsapp", port));
    CHECK(rejected["forwarded_proto"] == "https");
    CHECK(rejected["forwarded_host"] == "public.example.org");
    CHECK(j.doc["arguments"]["webhook_base_url"].is_null());
    CHECK_THAT(j.doc["arguments"]["problems"].dump(),
               Contains("WEBHOOK_BASE_URL is not set") &&
                   Contains("set WEBHOOK_BASE_URL=https://public.example.org"));
}

TEST_CASE("signatures: a query string and %-escapes are checked exactly as Twilio signs them",
          "[http][signature]") {
    TempDir dir;
    FakeTwilio twilio;
    Daemon daemon(dir, env_with_base(twilio, k_public_base));
    REQUIRE(register_pizza(daemon).exit_code == 0);
    int port = daemon.http_port();
    const std::string target = "/webhooks/twilio/whatsapp?tenant=a%20b&next=%2Fhome&q=x+y";
    // Signed over the URL as requested, still encoded: accepted.
    CHECK(post_signed(port, target, std::string(k_public_base) + target, twilio.auth_token(), make_sid(1)) ==
          200);
    // Signed over a decoded or re-encoded query: not what Twilio signs, refused.
    CHECK(post_signed(port, target,
                      std::string(k_public_base) + "/webhooks/twilio/whatsapp?tenant=a b&next=/home&q=x y",
                      twilio.auth_token(), make_sid(2)) == 403);
    CHECK(post_signed(port, target,
                      std::string(k_public_base) + "/webhooks/twilio/whatsapp?tenant=a+b&next=%2Fhome&q=x+y",
                      twilio.auth_token(), make_sid(3)) == 403);
    // An apostrophe Twilio signed as is but a proxy re-encoded as %27 (twilio-facts.md, vector 14): accepted.
    CHECK(post_signed(port, "/webhooks/twilio/whatsapp?note=it%27s",
                      std::string(k_public_base) + "/webhooks/twilio/whatsapp?note=it's", twilio.auth_token(),
                      make_sid(4)) == 200);
    CHECK(query_int(daemon.database(), "SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 2);
}

} // namespace test_cli_webhook_check
