// The WhatsApp pipeline end to end: the real sbcd, signed webhooks over HTTP on loopback, the fake Twilio
// recording what sbcd posts to the Messages API, and the SQLite file read back.

#include "common/time_format.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "tests/support/live_daemon.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>

using Catch::Matchers::Contains;
using namespace sbc::test;

namespace test_pipeline_webhooks {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_customer = "+15552223333";
constexpr const char* k_inbound = "/webhooks/twilio/whatsapp";
constexpr const char* k_status = "/webhooks/twilio/status";

Env with_quick_retries(const Env& extra) {
    return merge_env({{"SBC_RETRY_BASE_MS", "10"}}, extra);
}

// A running sbcd wired to a fake Twilio, with one business and two knowledge entries. The directory and the
// fake are its own, or a test's that restarts sbcd on the same data (the business is then already there).
struct Live : LiveDaemon {
    explicit Live(const Env& extra = {}) : LiveDaemon(with_quick_retries(extra)) { set_up(); }
    Live(const TempDir& shared_dir, FakeTwilio& shared_fake, const Env& extra = {})
        : LiveDaemon(shared_dir, shared_fake, with_quick_retries(extra)) {
        if (ctl({"business", "show", "pizza-palace"}).exit_code != 0) {
            set_up();
        }
    }
    void set_up() {
        register_business("Pizza Palace", k_number, k_owner, {"--hours", "Mon-Sat 11am-11pm"});
        add_knowledge("pizza-palace", "We deliver downtown until 10pm");
        add_knowledge("pizza-palace", "Gift cards are sold at the counter");
    }
    HttpResult message(int n, const std::string& from, const std::string& body) {
        return LiveDaemon::message(make_sid(n), from, k_number, body);
    }
    HttpResult status(const std::string& sid, const std::string& status, const std::string& error_code = "") {
        sbc::http::FormParams p;
        p.add("AccountSid", twilio().account_sid());
        p.add("ApiVersion", "2010-04-01");
        p.add("ChannelPrefix", "whatsapp");
        if (!error_code.empty()) {
            p.add("ErrorCode", error_code);
        }
        p.add("From", std::string("whatsapp:") + k_number);
        p.add("MessageSid", sid);
        p.add("MessageStatus", status);
        p.add("SmsSid", sid);
        p.add("SmsStatus", status);
        p.add("To", std::string("whatsapp:") + k_customer);
        return post_signed(k_status, p);
    }
};

// Replies to different customers may reach Twilio in either order (several sender threads): find by content.
bool any_body_contains(const std::vector<FakeRequest>& requests, const std::string& to,
                       const std::string& text) {
    for (const auto& q : requests) {
        if (q.form.first("To") == "whatsapp:" + to && q.form.first("Body")->find(text) != std::string::npos) {
            return true;
        }
    }
    return false;
}

TEST_CASE("a signed question gets exactly one correct reply through the Messages API", "[pipeline]") {
    Live live;
    auto r = live.message(1, k_customer, "Do you deliver downtown?");
    REQUIRE(r.status == 200);
    CHECK(r.content_type.find("text/xml") == 0);
    CHECK(r.body == "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>");
    REQUIRE(live.twilio().wait_for_requests(1, std::chrono::seconds(10)));
    REQUIRE(
        wait_until([&] { return live.count("SELECT COUNT(*) FROM messages WHERE status = 'queued'") == 1; }));
    auto requests = live.twilio().requests();
    REQUIRE(requests.size() == 1);
    const auto& q = requests[0];
    CHECK(q.method == "POST");
    CHECK(q.path == fmt::format("/2010-04-01/Accounts/{}/Messages.json", live.twilio().account_sid()));
    CHECK(q.form.first("To") == fmt::format("whatsapp:{}", k_customer));
    CHECK(q.form.first("From") == fmt::format("whatsapp:{}", k_number));
    CHECK(q.form.first("Body") == "We deliver downtown until 10pm");
    CHECK(q.form.first("StatusCallback") == fmt::format("{}/webhooks/twilio/status", k_public_base));
    CHECK(q.authorization.rfind("Basic ", 0) == 0);
    CHECK(q.idempotency_token.has_value());
    // The SID Twilio returned is stored on the reply.
    CHECK(live.one("SELECT message_sid FROM messages WHERE direction = 'out'") == q.sid);
    CHECK(live.count(k_unfinished_sql) == 0);
    CHECK(live.daemon().log().find(live.twilio().auth_token()) == std::string::npos);
}

// One commit between webhook and reply: the built-in answer is composed before the webhook's write and its
// reply is stored (and claimed for the sender) with the question.
TEST_CASE("a question's reply is stored with it by the time the webhook is acknowledged", "[pipeline]") {
    Live live(Env{{"LOG_LEVEL", "debug"}});
    REQUIRE(live.message(1, k_customer, "Do you deliver downtown?").status == 200);
    CHECK(live.count(
              "SELECT COUNT(*) FROM messages r JOIN messages q ON r.reply_to = q.id WHERE q.message_sid = '" +
              make_sid(1) + "' AND r.direction = 'out' AND r.body = 'We deliver downtown until 10pm'") == 1);
    CHECK(live.count("SELECT COUNT(*) FROM answer_jobs") == 0);
    CHECK_THAT(live.daemon().log(),
               Contains(make_sid(1) + " from " + k_customer + " to pizza-palace: question, 1 reply"));
    REQUIRE(live.wait_for_bodies(k_customer, 1));
    CHECK(live.bodies_to(k_customer) == std::vector<std::string>{"We deliver downtown until 10pm"});
}

// During a burst (answer.inline_webhooks or more in hand) questions go to the built-in answer workers; 0
// sends every one there.
TEST_CASE("with answer.inline_webhooks 0 the answer workers answer every question", "[pipeline]") {
    Live live(Env{{"LOG_LEVEL", "debug"}, {"SBC_ANSWER_INLINE_WEBHOOKS", "0"}});
    REQUIRE(live.message(1, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(live.message(2, k_customer, "Do you sell gift cards?").status == 200);
    // Acknowledged with no reply of their own: the answer jobs compose them.
    CHECK_THAT(live.daemon().log(),
               Contains(make_sid(1) + " from " + k_customer + " to pizza-palace: question, 0 replies"));
    CHECK_THAT(live.daemon().log(),
               Contains(make_sid(2) + " from " + k_customer + " to pizza-palace: question, 0 replies"));
    // Several answer threads, and still one customer's answers go out in the order of the questions.
    for (int n = 3; n <= 8; ++n) {
        REQUIRE(live.message(n, k_customer, n % 2 ? "Do you deliver downtown?" : "Do you sell gift cards?")
                    .status == 200);
    }
    REQUIRE(live.wait_for_bodies(k_customer, 8));
    std::vector<std::string> expected;
    for (int n = 1; n <= 8; ++n) {
        expected.emplace_back(n % 2 ? "We deliver downtown until 10pm"
                                    : "Gift cards are sold at the counter");
    }
    CHECK(live.bodies_to(k_customer) == expected);
    REQUIRE(wait_until([&] { return live.count("SELECT COUNT(*) FROM answer_jobs") == 0; }));
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND reply_to IS NOT NULL") == 8);
}

// Under a burst (http.defer_after or more webhooks in hand) a webhook is acknowledged once it is stored as it
// came, and handled right after by the inbox thread; 0 defers every one.
TEST_CASE("with http.defer_after 0 a webhook is acknowledged from the inbox and answered right after",
          "[pipeline][inbox]") {
    Live live(Env{{"LOG_LEVEL", "debug"}, {"SBC_HTTP_DEFER_AFTER", "0"}});
    REQUIRE(live.message(1, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(live.message(2, k_customer, "Do you sell gift cards?").status == 200);
    CHECK_THAT(live.daemon().log(),
               Contains(make_sid(1) + " from " + k_customer + " to " + k_number + " stored in the inbox"));
    REQUIRE(live.wait_for_bodies(k_customer, 2));
    auto bodies = live.bodies_to(k_customer);
    std::sort(bodies.begin(), bodies.end());
    CHECK(bodies ==
          std::vector<std::string>{"Gift cards are sold at the counter", "We deliver downtown until 10pm"});
    REQUIRE(wait_until([&] { return live.count(k_unfinished_sql) == 0; }));
    CHECK(live.one("SELECT group_concat(message_sid, ' ') FROM (SELECT message_sid FROM messages WHERE "
                   "direction = 'in' ORDER BY id)") == make_sid(1) + " " + make_sid(2));
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND reply_to IS NOT NULL") == 2);
    auto status = nlohmann::json::parse(live.ctl({"status", "--json"}).out);
    CHECK(status["arguments"]["counts"]["inbox_waiting"] == 0);
    CHECK(status["arguments"]["counts"]["inbox_set_aside"] == 0);
    // Counted once handled, by business and kind, like a message handled before its acknowledgement.
    auto metrics = get(live.daemon().http_port(), "/metrics").body;
    CHECK_THAT(metrics, Contains("business=\"pizza-palace\",kind=\"question\"} 2"));
}

// What sbcd acknowledged and had not handled when it was killed waits in the inbox: the next start handles
// it, once.
TEST_CASE("webhooks a crash left in the inbox are handled at the next start, once each",
          "[pipeline][inbox]") {
    TempDir dir;
    FakeTwilio fake;
    std::string database;
    {
        Live first(dir, fake);
        database = first.daemon().database();
    }
    {
        sbc::store::Database db(database, false);
        for (int n : {1, 2}) {
            sbc::store::InboxRow row;
            row.message_sid = make_sid(n);
            row.from = k_customer;
            row.to = k_number;
            row.body = n == 1 ? "Do you deliver downtown?" : "Do you sell gift cards?";
            row.received_at = sbc::time_format::now_ms();
            REQUIRE(sbc::store::insert_inbox(db, row));
        }
    }
    Live live(dir, fake);
    REQUIRE(live.wait_for_bodies(k_customer, 2));
    REQUIRE(wait_until([&] { return live.count(k_unfinished_sql) == 0; }));
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 2);
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 2);
    // A retry of one of them by Twilio, after the restart, is a duplicate.
    REQUIRE(live.message(1, k_customer, "Do you deliver downtown?").status == 200);
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 2);
    CHECK(fake.request_count() == 2);
}

TEST_CASE("a forged or missing signature gets 403 and stores nothing", "[pipeline][security]") {
    Live live;
    auto params = inbound_message(make_sid(2), k_customer, k_number, "Do you deliver downtown?");
    auto forged =
        post_form(live.daemon().http_port(), k_inbound, params, "", "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8=");
    CHECK(forged.status == 403);
    auto wrong_key = post_form(live.daemon().http_port(), k_inbound, params, "not-the-token");
    CHECK(wrong_key.status == 403);
    auto missing = post_form(live.daemon().http_port(), k_inbound, params, "");
    CHECK(missing.status == 403);
    // A tampered body under a signature computed for other content.
    auto tampered = inbound_message(make_sid(2), k_customer, k_number, "Give me a refund");
    auto good_sig_other_body =
        post_raw(live.daemon().http_port(), k_inbound, sbc::http::encode_form(tampered),
                 "application/x-www-form-urlencoded", "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    CHECK(good_sig_other_body.status == 403);
    CHECK(live.count("SELECT COUNT(*) FROM messages") == 0);
    CHECK(live.twilio().request_count() == 0);
    auto stats = nlohmann::json::parse(get(live.daemon().http_port(), "/webhooks/status").body);
    CHECK(stats["rejectedByReason"]["signature"] == 4);
}

TEST_CASE("a retried webhook with the same MessageSid gives one reply", "[pipeline]") {
    Live live;
    CHECK(live.message(3, k_customer, "Do you deliver downtown?").status == 200);
    CHECK(live.message(3, k_customer, "Do you deliver downtown?").status == 200);
    CHECK(live.message(3, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(live.twilio().wait_for_requests(1, std::chrono::seconds(10)));
    REQUIRE(wait_until([&] { return live.count(k_unfinished_sql) == 0; }));
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 1);
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'out'") == 1);
    CHECK(live.twilio().request_count() == 1);
    auto stats = nlohmann::json::parse(get(live.daemon().http_port(), "/webhooks/status").body);
    CHECK(stats["duplicates"] == 2);
    CHECK(stats["received"] == 1);
}

TEST_CASE("Twilio answering 500 then 201 delivers the reply once", "[pipeline][faults]") {
    Live live;
    live.twilio().push_fault(FakeFault::server_error(500), 1);
    live.twilio().push_fault(FakeFault::rate_limited("0"), 1);
    CHECK(live.message(4, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(live.twilio().wait_for_requests(3, std::chrono::seconds(10)));
    REQUIRE(
        wait_until([&] { return live.count("SELECT COUNT(*) FROM messages WHERE status = 'queued'") == 1; }));
    CHECK(live.twilio().created_messages().size() == 1);
    CHECK(live.twilio().request_count() == 3);
    auto api = nlohmann::json::parse(get(live.daemon().http_port(), "/api/twilio/status").body);
    CHECK(api["retried"] == 2);
    CHECK(api["sent"] == 1);
}

TEST_CASE("a permanent Twilio error is recorded with its code and not retried", "[pipeline][faults]") {
    Live live;
    live.twilio().push_fault(FakeFault::twilio_error(400, 21211), 1);
    CHECK(live.message(5, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(
        wait_until([&] { return live.count("SELECT COUNT(*) FROM messages WHERE status = 'failed'") == 1; }));
    CHECK(live.one("SELECT error_code FROM messages WHERE direction = 'out'") == "21211");
    CHECK(live.count(k_unfinished_sql) == 0);
    CHECK(live.twilio().request_count() == 1);
}

TEST_CASE("status callbacks in any order end in the furthest state", "[pipeline]") {
    Live live;
    CHECK(live.message(6, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(
        wait_until([&] { return live.count("SELECT COUNT(*) FROM messages WHERE status = 'queued'") == 1; }));
    auto sid = live.one("SELECT message_sid FROM messages WHERE direction = 'out'");
    CHECK(live.status(sid, "delivered").status == 200);
    CHECK(live.status(sid, "sent").status == 200);
    CHECK(live.one("SELECT status FROM messages WHERE message_sid = '" + sid + "'") == "delivered");
    CHECK(live.status(sid, "read").status == 200);
    CHECK(live.status(sid, "delivered").status == 200); // a duplicate, late
    CHECK(live.one("SELECT status FROM messages WHERE message_sid = '" + sid + "'") == "read");

    // A failure is terminal, with its code.
    CHECK(live.message(7, k_customer, "Do you sell gift cards?").status == 200);
    REQUIRE(
        wait_until([&] { return live.count("SELECT COUNT(*) FROM messages WHERE status = 'queued'") == 1; }));
    auto sid2 = live.one("SELECT message_sid FROM messages WHERE direction = 'out' AND status = 'queued'");
    CHECK(live.status(sid2, "undelivered", "63016").status == 200);
    CHECK(live.status(sid2, "delivered").status == 200);
    CHECK(live.one("SELECT status || ':' || error_code FROM messages WHERE message_sid = '" + sid2 + "'") ==
          "undelivered:63016");
    // A callback must be signed too.
    sbc::http::FormParams p;
    p.add("MessageSid", sid);
    p.add("MessageStatus", "failed");
    CHECK(post_form(live.daemon().http_port(), k_status, p, "").status == 403);
    CHECK(live.one("SELECT status FROM messages WHERE message_sid = '" + sid + "'") == "read");
}

TEST_CASE("owner commands from WhatsApp change the knowledge base", "[pipeline][owner]") {
    Live live;
    CHECK(live.message(8, k_owner, "!add We have vegan pizza on Fridays").status == 200);
    REQUIRE(wait_until([&] { return live.twilio().request_count() == 1; }));
    CHECK(live.twilio().requests()[0].form.first("To") == fmt::format("whatsapp:{}", k_owner));
    CHECK(live.twilio().requests()[0].form.first("Body") == "Added #3: We have vegan pizza on Fridays");
    auto list = live.daemon().ctl_json({"kb", "list", "--business", "pizza-palace"});
    CHECK(list["arguments"]["total"] == 3);
    CHECK(live.message(9, k_owner, "!delete 1").status == 200);
    CHECK(live.message(10, k_owner, "!edit 2 Gift cards: 10, 20 or 50 dollars").status == 200);
    CHECK(live.message(11, k_owner, "!frobnicate").status == 200);
    REQUIRE(wait_until([&] { return live.twilio().request_count() == 4; }));
    CHECK(any_body_contains(live.twilio().requests(), k_owner,
                            "Unknown command !frobnicate. Send !help for the list."));
    list = live.daemon().ctl_json({"kb", "list", "--business", "pizza-palace"});
    REQUIRE(list["arguments"]["entries"].size() == 2);
    CHECK(list["arguments"]["entries"][0]["text"] == "Gift cards: 10, 20 or 50 dollars");
    CHECK(live.count("SELECT COUNT(*) FROM events WHERE actor = 'owner:+15550001111'") == 3);
}

TEST_CASE("an unanswered question gets the fallback and is recorded for the owner", "[pipeline]") {
    Live live;
    // The owner wrote recently, so the notice may go out inside the owner's 24-hour window.
    CHECK(live.message(12, k_owner, "!help").status == 200);
    CHECK(live.message(13, k_customer, "Can I bring my parrot to the terrace?").status == 200);
    REQUIRE(wait_until([&] { return live.twilio().request_count() == 3; }));
    auto requests = live.twilio().requests();
    CHECK(any_body_contains(requests, k_customer, "Sorry"));
    CHECK(any_body_contains(requests, k_owner, "parrot"));
    CHECK(live.count("SELECT COUNT(*) FROM unanswered") == 1);
    auto stats = live.daemon().ctl_json({"business", "stats", "pizza-palace"});
    CHECK(stats["arguments"]["unanswered"] == 1);
}

TEST_CASE("opt-out is confirmed once and then nothing is sent until START", "[pipeline][optout]") {
    Live live;
    CHECK(live.message(20, k_customer, "STOP").status == 200);
    CHECK(live.message(21, k_customer, "stop").status == 200);
    CHECK(live.message(22, k_customer, "Do you deliver downtown?").status == 200);
    CHECK(live.message(23, k_customer, "START").status == 200);
    CHECK(live.message(24, k_customer, "Do you deliver downtown?").status == 200);
    REQUIRE(
        wait_until([&] { return live.count(k_unfinished_sql) == 0 && live.twilio().request_count() == 3; }));
    auto requests = live.twilio().requests();
    REQUIRE(requests.size() == 3);
    CHECK(any_body_contains(requests, k_customer, "no more messages"));
    CHECK(any_body_contains(requests, k_customer, "Welcome back"));
    CHECK(any_body_contains(requests, k_customer, "We deliver downtown until 10pm"));
    auto send = live.daemon().ctl({"send", "--business", "pizza-palace", "--to", "+15559990000", "Hello"});
    CHECK(send.exit_code == 6); // never wrote: outside the 24-hour window
    CHECK(send.err.find("24 hours") != std::string::npos);
}

TEST_CASE("rate limits: one notice per window, then silence", "[pipeline][rate]") {
    Live live(Env{{"SBC_RATE_CUSTOMER_PER_HOUR", "2"}});
    for (int i = 0; i < 5; ++i) {
        CHECK(live.message(30 + i, k_customer, "Do you deliver downtown?").status == 200);
    }
    REQUIRE(
        wait_until([&] { return live.count(k_unfinished_sql) == 0 && live.twilio().request_count() == 3; }));
    CHECK(any_body_contains(live.twilio().requests(), k_customer, "a lot of questions"));
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE kind = 'rate-limited'") == 3);
    // Another customer is not affected.
    CHECK(live.message(40, "+15557778888", "Do you deliver downtown?").status == 200);
    REQUIRE(wait_until([&] { return live.twilio().request_count() == 4; }));
}

TEST_CASE("a shared number shows a menu and remembers the choice", "[pipeline][shared]") {
    LiveDaemon live(with_quick_retries({}));
    live.register_business("Pizza Palace", k_number, k_owner, {"--shared"});
    live.register_business("Coffee Corner", k_number, "+15550002222", {"--shared"});
    live.add_knowledge("coffee-corner", "Our espresso is made from Brazilian beans");
    auto& fake = live.twilio();
    auto post = [&](int n, const std::string& body) {
        return live.message(make_sid(n), k_customer, k_number, body).status;
    };
    CHECK(post(50, "hello") == 200);
    REQUIRE(fake.wait_for_requests(1, std::chrono::seconds(10)));
    auto menu = std::string(*fake.requests()[0].form.first("Body"));
    CHECK(menu.find("Reply 1 for Pizza Palace") != std::string::npos);
    CHECK(menu.find("Reply 2 for Coffee Corner") != std::string::npos);
    CHECK(post(51, "2") == 200);
    REQUIRE(fake.wait_for_requests(2, std::chrono::seconds(10))); // the next reply must not overtake this one
    CHECK(post(52, "Where are your espresso beans from?") == 200);
    REQUIRE(fake.wait_for_requests(3, std::chrono::seconds(10)));
    auto requests = fake.requests();
    CHECK(requests[1].form.first("Body")->find("You are now talking to Coffee Corner") == 0);
    CHECK(requests[2].form.first("Body") == "Our espresso is made from Brazilian beans");
    CHECK(post(53, "menu") == 200);
    REQUIRE(fake.wait_for_requests(4, std::chrono::seconds(10)));
    CHECK(fake.requests()[3].form.first("Body")->find("Reply 1 for Pizza Palace") != std::string::npos);
}

TEST_CASE("without credentials replies are dry-run: logged, never sent", "[pipeline][dryrun]") {
    TempDir dir;
    FakeTwilio fake; // listening, but sbcd is not told about it
    Daemon daemon(dir, {{"SBC_INSECURE_SKIP_SIGNATURE_CHECK", "true"}});
    REQUIRE(
        daemon
            .ctl({"business", "register", "--name", "Pizza Palace", "--number", k_number, "--owner", k_owner})
            .exit_code == 0);
    auto r = post_form(daemon.http_port(), k_inbound,
                       inbound_message(make_sid(60), k_customer, k_number, "hi"), "");
    CHECK(r.status == 200);
    REQUIRE(wait_until([&] {
        return query_int(daemon.database(), "SELECT COUNT(*) FROM messages WHERE status = 'dry-run'") == 1;
    }));
    CHECK(daemon.log().find("dry-run") != std::string::npos);
    CHECK(daemon.log().find("SIGNATURE CHECK IS OFF") != std::string::npos);
    auto health = nlohmann::json::parse(get(daemon.http_port(), "/health").body);
    CHECK(health["twilio"]["mode"] == "dry-run");
    CHECK(fake.request_count() == 0);
}

TEST_CASE("bad webhook input gets a precise 4xx and stores nothing", "[pipeline][badinput]") {
    Live live;
    int port = live.daemon().http_port();
    auto token = live.twilio().auth_token();
    // Not a form.
    auto json = post_raw(port, k_inbound, "{\"Body\":\"hi\"}", "application/json", "x");
    CHECK(json.status == 415);
    // Over the size limit.
    auto big =
        post_raw(port, k_inbound, std::string(70 * 1024, 'a'), "application/x-www-form-urlencoded", "x");
    CHECK(big.status == 413);
    // A broken percent-escape.
    auto broken = post_raw(port, k_inbound, "Body=%G1&From=x", "application/x-www-form-urlencoded", "x");
    CHECK(broken.status == 400);
    // Invalid UTF-8 in a value, correctly signed.
    sbc::http::FormParams bad_utf8 = inbound_message(make_sid(70), k_customer, k_number, "caf\xC3");
    CHECK(post_form(port, k_inbound, bad_utf8, token).status == 400);
    // A required field missing, correctly signed.
    sbc::http::FormParams no_from;
    no_from.add("MessageSid", make_sid(71));
    no_from.add("To", std::string("whatsapp:") + k_number);
    no_from.add("Body", "hi");
    auto missing = post_form(port, k_inbound, no_from, token);
    CHECK(missing.status == 400);
    CHECK(missing.body.find("From") != std::string::npos);
    // A number no business has.
    auto unknown =
        post_form(port, k_inbound, inbound_message(make_sid(72), k_customer, "+14155550000", "hi"), token);
    CHECK(unknown.status == 404);
    CHECK(unknown.body.find("+14155550000") != std::string::npos);
    CHECK(live.count("SELECT COUNT(*) FROM messages") == 0);
    auto stats = nlohmann::json::parse(get(port, "/webhooks/status").body);
    INFO(stats.dump());
    CHECK(stats["rejected"] == 6);
    for (const char* reason :
         {"content-type", "too-large", "malformed", "invalid-utf8", "missing-field", "unknown-number"}) {
        CHECK(stats["rejectedByReason"][reason] == 1);
    }
}

TEST_CASE("a 1,600-character Cyrillic message (over 8 KiB encoded) is accepted", "[pipeline][badinput]") {
    Live live;
    std::string body;
    for (int i = 0; i < 1600; ++i) {
        body += "Ж";
    }
    auto r = live.message(80, k_customer, body);
    CHECK(r.status == 200);
    CHECK(live.one("SELECT length(body) FROM messages WHERE direction = 'in'") == "1600");
}

TEST_CASE("a long answer goes out as ordered parts under Twilio's limit", "[pipeline]") {
    Live live;
    std::string menu = "Menu:";
    for (int i = 0; i < 300; ++i) {
        menu += fmt::format(" pizza{} margherita", i);
    }
    REQUIRE(menu.size() > 3200);
    REQUIRE(live.daemon().ctl({"kb", "add", "--business", "pizza-palace", menu.substr(0, 3990)}).exit_code ==
            0);
    CHECK(live.message(90, k_customer, "margherita menu").status == 200);
    REQUIRE(wait_until([&] { return live.twilio().request_count() == 3; }));
    auto requests = live.twilio().requests();
    std::string joined;
    for (const auto& q : requests) {
        CHECK(q.form.first("Body")->size() <= 1600);
        joined += (joined.empty() ? "" : " ") + std::string(*q.form.first("Body"));
    }
    CHECK(joined == menu.substr(0, 3990).substr(0, joined.size()));
    CHECK(requests[0].form.first("Body")->rfind("Menu:", 0) == 0);
}

TEST_CASE("replies waiting for a busy sender at shutdown go out after restart, not called ambiguous",
          "[pipeline][lifecycle]") {
    TempDir dir;
    FakeTwilio fake;
    fake.push_fault(FakeFault::slow(std::chrono::milliseconds(1500)));
    {
        Live live_before(dir, fake, {{"SBC_SENDER_THREADS", "1"}});
        REQUIRE(live_before.message(1, k_customer, "Do you deliver downtown?").status == 200);
        REQUIRE(fake.wait_for_requests(1, std::chrono::seconds(10))); // the only sender thread is now busy
        REQUIRE(live_before.message(2, "+15552224444", "Do you sell gift cards?").status == 200);
        // The answer is composed after the 200: stop only once it waits for the sender (an unanswered job
        // would be resumed after the restart too, but this test is about the sender's queue).
        REQUIRE(wait_until([&] { return live_before.count("SELECT COUNT(*) FROM answer_jobs") == 0; }));
        REQUIRE(live_before.daemon().stop() == 0); // the slow call finishes; the waiting reply goes back
        CHECK(live_before.count("SELECT COUNT(*) FROM outbox WHERE state = 'pending' AND attempts = 0 AND "
                                "ambiguous = 0") == 1);
        CHECK(fake.request_count() == 1);
    }
    Live live_after(dir, fake);
    REQUIRE(fake.wait_for_requests(2, std::chrono::seconds(10)));
    REQUIRE(wait_until([&] { return live_after.count(k_unfinished_sql) == 0; }));
    auto requests = fake.requests();
    REQUIRE(requests.size() == 2);
    CHECK(requests[1].form.first("To") == "whatsapp:+15552224444");
    CHECK(live_after.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status = 'queued' AND "
                           "attempts = 1 AND ambiguous = 0") == 2);
}

} // namespace test_pipeline_webhooks
