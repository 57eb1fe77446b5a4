#include "daemon/twilio/messages_client.hpp"
#include "tests/support/fake_twilio.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <catch2/catch.hpp>
#include <ctime>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

using sbc::test::FakeFault;
using sbc::test::FakeTwilio;
using sbc::twilio::MessagesClient;
using sbc::twilio::OutboundMessage;
using sbc::twilio::SendOutcome;
using Kind = SendOutcome::Kind;

namespace {

constexpr auto k_wait = std::chrono::seconds(10);

MessagesClient::Config config_for(const FakeTwilio& fake, long timeout_ms = 5000) {
    MessagesClient::Config config;
    config.api_base_url = fake.base_url();
    config.account_sid = fake.account_sid();
    config.auth_token = fake.auth_token();
    config.timeout_ms = timeout_ms;
    config.connect_timeout_ms = 2000;
    return config;
}

OutboundMessage hello() {
    OutboundMessage message;
    message.to = "+15551234567";
    message.from = "+14155238886";
    message.body = "Hello, we open at 9 & close at 5!";
    return message;
}

std::string basic_auth(const std::string& user, const std::string& password) {
    std::string plain = user + ":" + password;
    std::string out(4 * ((plain.size() + 2) / 3), '\0');
    int n =
        EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                        reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
    out.resize(static_cast<std::size_t>(n));
    return "Basic " + out;
}

// A local port where nothing listens: bound by us, then released.
int closed_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    socklen_t size = sizeof addr;
    REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &size) == 0);
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool contains(const std::string& haystack, const std::string& needle) {
    return haystack.find(needle) != std::string::npos;
}

} // namespace

TEST_CASE("send posts the exact Twilio wire format and returns the sid", "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    OutboundMessage message = hello();
    message.media_urls = {"https://example.com/menu.pdf", "https://example.com/map.png?x=1&y=2"};
    message.status_callback = "https://sbc.example.com/webhooks/twilio/status";
    message.idempotency_token = "outbox-42-attempt-1";

    SendOutcome outcome = client.send(message);
    REQUIRE(outcome.kind == Kind::sent);
    REQUIRE(outcome.http_status == 201);
    REQUIRE(outcome.status == "queued");
    REQUIRE(outcome.error_code == 0);
    REQUIRE(outcome.sid.size() == 34);
    REQUIRE(outcome.sid.rfind("SM", 0) == 0);

    auto requests = fake.requests();
    REQUIRE(requests.size() == 1);
    const auto& request = requests[0];
    REQUIRE(request.method == "POST");
    REQUIRE(request.path == "/2010-04-01/Accounts/" + fake.account_sid() + "/Messages.json");
    REQUIRE(request.authorization == basic_auth(fake.account_sid(), fake.auth_token()));
    REQUIRE(request.header("Accept") == std::optional<std::string>("application/json"));
    REQUIRE(request.header("Content-Type") ==
            std::optional<std::string>("application/x-www-form-urlencoded"));
    REQUIRE(request.idempotency_token == std::optional<std::string>("outbox-42-attempt-1"));
    REQUIRE_FALSE(request.header("Expect").has_value());
    REQUIRE(request.form.pairs == std::vector<sbc::http::FormPair>{
                                      {"To", "whatsapp:+15551234567"},
                                      {"From", "whatsapp:+14155238886"},
                                      {"Body", "Hello, we open at 9 & close at 5!"},
                                      {"MediaUrl", "https://example.com/menu.pdf"},
                                      {"MediaUrl", "https://example.com/map.png?x=1&y=2"},
                                      {"StatusCallback", "https://sbc.example.com/webhooks/twilio/status"},
                                  });
    REQUIRE(request.body ==
            "To=whatsapp%3A%2B15551234567&From=whatsapp%3A%2B14155238886&Body=Hello%2C+we+open+"
            "at+9+%26+close+at+5%21&MediaUrl=https%3A%2F%2Fexample.com%2Fmenu.pdf&MediaUrl=https%"
            "3A%2F%2Fexample.com%2Fmap.png%3Fx%3D1%26y%3D2&StatusCallback=https%3A%2F%2Fsbc."
            "example.com%2Fwebhooks%2Ftwilio%2Fstatus");
    REQUIRE(request.sid == outcome.sid);
    REQUIRE(client.messages_url() ==
            fake.base_url() + "/2010-04-01/Accounts/" + fake.account_sid() + "/Messages.json");
}

TEST_CASE("send without optional fields sends no idempotency header and no callback", "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    REQUIRE(client.send(hello()).kind == Kind::sent);
    auto request = fake.requests().at(0);
    REQUIRE_FALSE(request.idempotency_token.has_value());
    REQUIRE_FALSE(request.form.first("StatusCallback").has_value());
    REQUIRE_FALSE(request.form.first("MediaUrl").has_value());
}

TEST_CASE("a template sends ContentSid and ContentVariables and never Body or MediaUrl",
          "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    OutboundMessage message = hello();
    message.media_urls = {"https://example.com/a.jpg"};
    message.content_sid = "HX0123456789abcdef0123456789abcdef";
    message.content_variables = R"({"1":"Bob","2":"9am"})";
    REQUIRE(client.send(message).kind == Kind::sent);
    auto request = fake.requests().at(0);
    REQUIRE(request.form.pairs == std::vector<sbc::http::FormPair>{
                                      {"To", "whatsapp:+15551234567"},
                                      {"From", "whatsapp:+14155238886"},
                                      {"ContentSid", "HX0123456789abcdef0123456789abcdef"},
                                      {"ContentVariables", R"({"1":"Bob","2":"9am"})"},
                                  });
}

TEST_CASE("a body longer than 8 KiB once encoded still reaches Twilio", "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    OutboundMessage message = hello();
    message.body.clear();
    for (int i = 0; i < 1600; ++i) {
        message.body += "Ж";
    }
    SendOutcome outcome = client.send(message);
    REQUIRE(outcome.kind == Kind::sent);
    REQUIRE(fake.requests().at(0).form.first("Body") == std::optional<std::string_view>(message.body));
}

TEST_CASE("the connection is kept alive between sends", "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    REQUIRE(client.send(hello()).kind == Kind::sent);
    REQUIRE(client.send(hello()).kind == Kind::sent);
    auto requests = fake.requests();
    REQUIRE(requests.size() == 2);
    REQUIRE(requests[0].remote_port == requests[1].remote_port);
    REQUIRE(requests[0].sid != requests[1].sid);
}

TEST_CASE("500 is a retry", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::server_error(500));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::retry);
    REQUIRE(outcome.http_status == 500);
    REQUIRE(outcome.error_code == 20500);
    REQUIRE_FALSE(outcome.error_message.empty());
    REQUIRE_FALSE(outcome.retry_after_ms.has_value());
    // The fault was used up: the next attempt goes through.
    REQUIRE(client.send(hello()).kind == Kind::sent);
    REQUIRE(fake.created_messages().size() == 1);
}

TEST_CASE("429 with Retry-After in seconds is a retry with the delay", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::rate_limited("2"));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::retry);
    REQUIRE(outcome.http_status == 429);
    REQUIRE(outcome.error_code == 20429);
    REQUIRE(outcome.retry_after_ms == std::optional<std::int64_t>(2000));
}

TEST_CASE("Retry-After as an HTTP-date gives the time until then", "[twilio][messages]") {
    std::time_t later = std::time(nullptr) + 30;
    std::tm tm{};
    gmtime_r(&later, &tm);
    char date[64];
    std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    FakeTwilio fake;
    fake.push_fault(FakeFault::rate_limited(std::string(date)));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::retry);
    REQUIRE(outcome.retry_after_ms.has_value());
    REQUIRE(*outcome.retry_after_ms > 25000);
    REQUIRE(*outcome.retry_after_ms <= 31000);
}

TEST_CASE("code 20429 under another status is still a retry", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::twilio_error(400, 20429));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::retry);
    REQUIRE(outcome.error_code == 20429);
}

TEST_CASE("400 with 21211 is permanent and carries Twilio's code and message", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(
        FakeFault::twilio_error(400, 21211, "The 'To' number +15551234567 is not a valid phone number."));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::permanent);
    REQUIRE(outcome.http_status == 400);
    REQUIRE(outcome.error_code == 21211);
    REQUIRE(outcome.error_message == "The 'To' number +15551234567 is not a valid phone number.");
    REQUIRE(outcome.sid.empty());
}

TEST_CASE("the other permanent codes", "[twilio][messages]") {
    for (int code : {21610, 63007, 63014, 63015, 63016}) {
        FakeTwilio fake;
        fake.push_fault(FakeFault::twilio_error(400, code));
        MessagesClient client(config_for(fake));
        SendOutcome outcome = client.send(hello());
        INFO("code " << code);
        REQUIRE(outcome.kind == Kind::permanent);
        REQUIRE(outcome.error_code == code);
        REQUIRE(sbc::twilio::is_opt_out_code(code) == (code == 21610 || code == 63014));
    }
}

TEST_CASE("an RFC 9457 error body is parsed", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::twilio_error(400, 63016, "Outside the 24-hour window: use a template.", true));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::permanent);
    REQUIRE(outcome.http_status == 400);
    REQUIRE(outcome.error_code == 63016);
    REQUIRE(outcome.error_message == "Outside the 24-hour window: use a template.");
}

TEST_CASE("wrong credentials are permanent (401, 20003) and the token appears nowhere",
          "[twilio][messages]") {
    FakeTwilio fake;
    auto config = config_for(fake);
    config.auth_token = "wrong-token-d41d8cd98f00b204e980";
    MessagesClient client(config);
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::permanent);
    REQUIRE(outcome.http_status == 401);
    REQUIRE(outcome.error_code == 20003);
    REQUIRE_FALSE(contains(outcome.error_message, config.auth_token));
    REQUIRE(fake.created_messages().empty());
}

TEST_CASE("an answer slower than the timeout is ambiguous: Twilio may have created it",
          "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::slow(std::chrono::seconds(5)));
    MessagesClient client(config_for(fake, 300));
    auto started = std::chrono::steady_clock::now();
    SendOutcome outcome = client.send(hello());
    REQUIRE(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));
    REQUIRE(outcome.kind == Kind::ambiguous);
    REQUIRE(outcome.http_status == 0);
    REQUIRE(contains(outcome.error_message, "may have accepted"));
    // The fake did create the message: exactly what makes a blind retry a duplicate.
    REQUIRE(fake.created_messages().size() == 1);
    // The client recovers for the next message.
    REQUIRE(client.send(hello()).kind == Kind::sent);
}

TEST_CASE("a connection dropped after the request is ambiguous, and libcurl does not resend it",
          "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));

    SECTION("on a fresh connection") {
        fake.push_fault(FakeFault::drop());
        SendOutcome outcome = client.send(hello());
        REQUIRE(outcome.kind == Kind::ambiguous);
        REQUIRE(fake.request_count() == 1);
        REQUIRE_FALSE(fake.requests().at(0).created());
    }
    SECTION("on a reused keep-alive connection") {
        REQUIRE(client.send(hello()).kind == Kind::sent);
        fake.push_fault(FakeFault::drop());
        SendOutcome outcome = client.send(hello());
        REQUIRE(outcome.kind == Kind::ambiguous);
        // libcurl would silently resend a POSTFIELDS body here; the client's read callback prevents that.
        REQUIRE(fake.request_count() == 2);
        REQUIRE_FALSE(fake.requests().at(1).created());
        REQUIRE(client.send(hello()).kind == Kind::sent);
        REQUIRE(fake.request_count() == 3);
    }
}

TEST_CASE("connection refused is a retry: the request never left", "[twilio][messages]") {
    MessagesClient::Config config;
    config.api_base_url = "http://127.0.0.1:" + std::to_string(closed_port());
    config.account_sid = sbc::test::k_fake_account_sid;
    config.auth_token = sbc::test::k_fake_auth_token;
    config.timeout_ms = 2000;
    config.connect_timeout_ms = 1000;
    MessagesClient client(config);
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::retry);
    REQUIRE(outcome.http_status == 0);
    REQUIRE(contains(outcome.error_message, "127.0.0.1"));
    REQUIRE_FALSE(contains(outcome.error_message, config.auth_token));
}

TEST_CASE("a non-JSON 502 from a proxy is a retry with the status in the message", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::raw(502, "<html><body><h1>502 Bad Gateway</h1>\n</body></html>"));
    MessagesClient client(config_for(fake));
    SendOutcome outcome = client.send(hello());
    REQUIRE(outcome.kind == Kind::retry);
    REQUIRE(outcome.http_status == 502);
    REQUIRE(outcome.error_code == 0);
    REQUIRE(contains(outcome.error_message, "HTTP 502 Bad Gateway"));
    REQUIRE(contains(outcome.error_message, "not Twilio's JSON"));
    REQUIRE_FALSE(contains(outcome.error_message, "\n"));
}

TEST_CASE("a non-JSON 4xx is permanent and an empty 503 a retry", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::raw(404, "not here", "text/plain"));
    fake.push_fault(FakeFault::raw(503, "", "text/plain"));
    MessagesClient client(config_for(fake));
    SendOutcome not_found = client.send(hello());
    REQUIRE(not_found.kind == Kind::permanent);
    REQUIRE(contains(not_found.error_message, "HTTP 404"));
    SendOutcome unavailable = client.send(hello());
    REQUIRE(unavailable.kind == Kind::retry);
    REQUIRE(contains(unavailable.error_message, "empty body"));
}

TEST_CASE("a 201 without a sid is ambiguous", "[twilio][messages]") {
    FakeTwilio fake;
    fake.push_fault(FakeFault::raw(201, R"({"status":"queued"})", "application/json"));
    MessagesClient client(config_for(fake));
    REQUIRE(client.send(hello()).kind == Kind::ambiguous);
}

TEST_CASE("the auth token never appears in an error message, even when echoed back", "[twilio][messages]") {
    FakeTwilio fake;
    const std::string token = fake.auth_token();
    fake.push_fault(FakeFault::twilio_error(400, 21211, "bad request from token " + token));
    fake.push_fault(FakeFault::raw(502, "proxy saw " + token));
    fake.push_fault(FakeFault::server_error());
    fake.push_fault(FakeFault::rate_limited("1"));
    fake.push_fault(FakeFault::twilio_error(400, 63016, token, true));
    fake.push_fault(FakeFault::drop());
    fake.push_fault(FakeFault::slow(std::chrono::seconds(5)));
    MessagesClient client(config_for(fake, 300));
    std::vector<std::string> messages;
    for (int i = 0; i < 7; ++i) {
        messages.push_back(client.send(hello()).error_message);
    }
    auto refused_config = config_for(fake);
    refused_config.api_base_url = "http://127.0.0.1:" + std::to_string(closed_port());
    MessagesClient refused(refused_config);
    messages.push_back(refused.send(hello()).error_message);
    for (const auto& message : messages) {
        INFO(message);
        REQUIRE_FALSE(message.empty());
        REQUIRE_FALSE(contains(message, token));
    }
    REQUIRE(contains(messages[0], "[redacted]"));
}

TEST_CASE("messages that cannot be sent are refused without contacting Twilio", "[twilio][messages]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    OutboundMessage no_to = hello();
    no_to.to.clear();
    OutboundMessage empty = hello();
    empty.body.clear();
    OutboundMessage variables_alone = hello();
    variables_alone.content_variables = R"({"1":"x"})";
    OutboundMessage bad_token = hello();
    bad_token.idempotency_token = "abc\r\nX-Injected: 1";
    for (const auto& message : {no_to, empty, variables_alone, bad_token}) {
        SendOutcome outcome = client.send(message);
        REQUIRE(outcome.kind == Kind::permanent);
        REQUIRE(outcome.http_status == 0);
        REQUIRE_FALSE(outcome.error_message.empty());
    }
    REQUIRE(fake.request_count() == 0);
    OutboundMessage media_only = hello();
    media_only.body.clear();
    media_only.media_urls = {"https://example.com/a.jpg"};
    REQUIRE(client.send(media_only).kind == Kind::sent);
}

TEST_CASE("the fake checks required fields like Twilio", "[twilio][fake]") {
    FakeTwilio fake;
    MessagesClient client(config_for(fake));
    OutboundMessage too_long = hello();
    too_long.body = std::string(1601, 'a');
    SendOutcome outcome = client.send(too_long);
    REQUIRE(outcome.kind == Kind::permanent);
    REQUIRE(outcome.error_code == 21617);
}

TEST_CASE("the fake's random faults are reproducible for a seed", "[twilio][fake]") {
    auto run = [](std::uint64_t seed) {
        FakeTwilio fake;
        fake.set_random_faults(50, seed, {FakeFault::server_error(), FakeFault::rate_limited("1")});
        MessagesClient client(config_for(fake));
        std::vector<Kind> kinds;
        for (int i = 0; i < 20; ++i) {
            kinds.push_back(client.send(hello()).kind);
        }
        return kinds;
    };
    auto first = run(7);
    REQUIRE(first == run(7));
    auto failures = std::count(first.begin(), first.end(), Kind::retry);
    REQUIRE(failures > 0);
    REQUIRE(failures < 20);
}

TEST_CASE("the fake's wait_for_requests wakes on arrival and honours its deadline", "[twilio][fake]") {
    FakeTwilio fake;
    REQUIRE_FALSE(fake.wait_for_requests(1, std::chrono::milliseconds(20)));
    std::thread sender([&fake] {
        MessagesClient client(config_for(fake));
        client.send(hello());
    });
    REQUIRE(fake.wait_for_requests(1, k_wait));
    sender.join();
    REQUIRE(fake.request_count() == 1);
}

TEST_CASE("the fake refuses other accounts and unknown paths", "[twilio][fake]") {
    FakeTwilio fake;
    auto config = config_for(fake);
    config.account_sid = "AC" + std::string(32, 'f');
    MessagesClient other_account(config);
    SendOutcome outcome = other_account.send(hello());
    REQUIRE(outcome.kind == Kind::permanent);
    REQUIRE(outcome.http_status == 401);

    auto wrong_base = config_for(fake);
    wrong_base.api_base_url = fake.base_url() + "/v2";
    MessagesClient wrong_path(wrong_base);
    SendOutcome not_found = wrong_path.send(hello());
    REQUIRE(not_found.kind == Kind::permanent);
    REQUIRE(not_found.http_status == 404);
    REQUIRE(fake.created_messages().empty());
}
