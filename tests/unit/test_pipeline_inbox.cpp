// The inbox (see pipeline.hpp): under a burst a webhook is only stored as it came before its acknowledgement,
// and Pipeline::handle_inbox handles it afterwards. Driven here without the InboxDrain thread, so that what
// lies in the inbox between the two steps can be looked at.

#include "common/time_format.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/pipeline/inbox_drain.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

using sbc::Result;
using sbc::pipeline::Inbound;
using sbc::pipeline::Outcome;
using sbc::store::Database;

namespace {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_customer = "+15552223333";

sbc::config::Config deferring_config(int defer_after) {
    sbc::config::Config c;
    c.http_defer_after = defer_after;
    c.rate_customer_per_hour = 0;
    return c;
}

struct Bench {
    sbc::test::TempDir dir;
    sbc::config::Live live{deferring_config(0)};
    sbc::store::Store store{dir.file("sbc.db")};
    std::size_t claims_handed = 0;
    int wakes = 0;
    sbc::pipeline::Pipeline pipeline{store, live,
                                     [this](std::vector<sbc::store::Claim> c) { claims_handed += c.size(); }};

    // Without `drain`, the pipeline is one with no inbox thread to wake (it then never defers).
    explicit Bench(bool drain = true) {
        if (drain) {
            pipeline.on_inbox_queued([this] { ++wakes; });
        }
        auto added = store.write([](Database& db) -> sbc::Status {
            sbc::store::Business b;
            b.id = "pizza-palace";
            b.name = "Pizza Palace";
            b.number = k_number;
            b.owner = "+15550001111";
            sbc::store::Entry e;
            e.business_rowid = sbc::store::insert_business(db, b);
            e.text = "We deliver downtown until 10pm";
            sbc::store::insert_entry(db, e);
            return sbc::ok_status();
        });
        REQUIRE(added.ok());
    }

    void defer_after(int n) { live.replace(deferring_config(n)); }

    static Inbound inbound(const std::string& sid, const std::string& body,
                           const std::string& to = k_number) {
        Inbound in;
        in.sid = sid;
        in.from = k_customer;
        in.to = to;
        in.body = body;
        in.received_at_ms = sbc::time_format::now_ms();
        return in;
    }

    Outcome handle(const std::string& sid, const std::string& body, const std::string& to = k_number) {
        auto outcome = pipeline.handle(inbound(sid, body, to));
        REQUIRE(outcome.ok());
        return *outcome;
    }

    long long count(const std::string& sql) {
        auto n = store.read([&](Database& db) -> Result<long long> {
            auto s = db.prepare(sql);
            s.step();
            return s.int64(0);
        });
        REQUIRE(n.ok());
        return *n;
    }

    std::vector<std::string> column(const std::string& sql) {
        auto rows = store.read([&](Database& db) -> Result<std::vector<std::string>> {
            auto s = db.prepare(sql);
            std::vector<std::string> out;
            while (s.step()) {
                out.push_back(s.is_null(0) ? "" : s.text(0));
            }
            return out;
        });
        REQUIRE(rows.ok());
        return *rows;
    }

    std::vector<sbc::store::InboxRow> waiting() {
        auto rows = store.read([](Database& db) -> Result<std::vector<sbc::store::InboxRow>> {
            return sbc::store::next_inbox(db, 100);
        });
        REQUIRE(rows.ok());
        return *rows;
    }
};

} // namespace

TEST_CASE("a deferred webhook is stored as it came and handled after, in order and once",
          "[pipeline][inbox]") {
    Bench bench;
    CHECK(bench.handle("SM1", "Do you deliver downtown?").kind == Outcome::Kind::deferred);
    CHECK(bench.handle("SM2", "Are you open on Sunday?").kind == Outcome::Kind::deferred);
    CHECK(bench.wakes == 2);
    // Nothing of the handling yet: no message, no reply, only the rows as they came.
    CHECK(bench.count("SELECT COUNT(*) FROM messages") == 0);
    CHECK(
        bench.column("SELECT message_sid || ' ' || from_number || ' ' || to_number || ' ' || body FROM inbox "
                     "ORDER BY id") ==
        std::vector<std::string>{"SM1 +15552223333 +14155238886 Do you deliver downtown?",
                                 "SM2 +15552223333 +14155238886 Are you open on Sunday?"});

    // What the acknowledgement says is still decided at once: a retry is a duplicate, an unknown number 404.
    CHECK(bench.handle("SM1", "Do you deliver downtown?").kind == Outcome::Kind::duplicate);
    CHECK(bench.handle("SM9", "Hello?", "+14155550000").kind == Outcome::Kind::unknown_number);
    CHECK(bench.count("SELECT COUNT(*) FROM inbox") == 2);

    // Once the burst is over a new message still waits behind those in the inbox: the customer's order holds.
    bench.defer_after(64);
    CHECK(bench.handle("SM3", "Do you deliver downtown tonight?").kind == Outcome::Kind::deferred);

    auto rows = bench.waiting();
    REQUIRE(rows.size() == 3);
    auto results = bench.pipeline.handle_inbox(rows);
    REQUIRE(results.size() == 3);
    for (const auto& r : results) {
        REQUIRE(r.ok());
        CHECK(r->kind == Outcome::Kind::processed);
        CHECK(r->classification == "question");
    }
    CHECK(bench.count("SELECT COUNT(*) FROM inbox") == 0);
    CHECK(bench.column("SELECT message_sid FROM messages WHERE direction = 'in' ORDER BY id") ==
          std::vector<std::string>{"SM1", "SM2", "SM3"});
    // Each stored at the time it arrived, not when it was handled.
    CHECK(bench.column("SELECT created_at FROM messages WHERE message_sid = 'SM1'") ==
          std::vector<std::string>{std::to_string(rows[0].received_at)});
    CHECK(bench.count("SELECT COUNT(*) FROM messages i WHERE i.direction = 'in' AND "
                      "(SELECT COUNT(*) FROM messages o WHERE o.reply_to = i.id) = 1") == 3);
    CHECK(bench.column(
              "SELECT o.body FROM messages o JOIN messages i ON o.reply_to = i.id WHERE i.message_sid = "
              "'SM1'") == std::vector<std::string>{"We deliver downtown until 10pm"});
    // One customer: the first reply goes to the sender at once, the next two wait in the outbox, each behind
    // the one before it, so that they reach Twilio in order.
    CHECK(bench.claims_handed == 1);
    CHECK(bench.column("SELECT i.message_sid FROM outbox x JOIN messages o ON o.id = x.after_message JOIN "
                       "messages i ON i.id = o.reply_to ORDER BY x.id") ==
          std::vector<std::string>{"SM1", "SM2"});

    // Handling the same rows again (a second drain) changes nothing.
    for (const auto& r : bench.pipeline.handle_inbox(rows)) {
        REQUIRE(r.ok());
        CHECK(r->kind == Outcome::Kind::duplicate);
    }
    CHECK(bench.count("SELECT COUNT(*) FROM messages") == 6);

    // The inbox empty and no burst: handled before the acknowledgement again.
    CHECK(bench.handle("SM4", "Do you deliver downtown?").kind == Outcome::Kind::processed);
    CHECK(bench.handle("SM3", "Do you deliver downtown tonight?").kind == Outcome::Kind::duplicate);
}

TEST_CASE("a deferred webhook keeps its media and profile name", "[pipeline][inbox]") {
    Bench bench;
    auto in = Bench::inbound("SM1", "Look at this");
    in.profile_name = "Ana";
    in.num_media = 2;
    in.media = {{"https://api.twilio.com/media/ME1", "image/jpeg"},
                {"https://api.twilio.com/media/ME2", "audio/ogg"}};
    auto deferred = bench.pipeline.handle(in);
    REQUIRE(deferred.ok());
    REQUIRE(deferred->kind == Outcome::Kind::deferred);
    auto rows = bench.waiting();
    REQUIRE(rows.size() == 1);
    CHECK(rows[0].profile_name == "Ana");
    CHECK(rows[0].num_media == 2);
    CHECK(rows[0].media == std::vector<std::pair<std::string, std::string>>{
                               {"https://api.twilio.com/media/ME1", "image/jpeg"},
                               {"https://api.twilio.com/media/ME2", "audio/ogg"}});
    auto results = bench.pipeline.handle_inbox(rows);
    REQUIRE(results.front().ok());
    CHECK(results.front()->classification == "media");
    CHECK(bench.column("SELECT url || ' ' || content_type FROM media ORDER BY position") ==
          std::vector<std::string>{"https://api.twilio.com/media/ME1 image/jpeg",
                                   "https://api.twilio.com/media/ME2 audio/ogg"});
    CHECK(bench.column("SELECT profile_name FROM customers WHERE phone = '+15552223333'") ==
          std::vector<std::string>{"Ana"});
}

TEST_CASE("a row whose media list cannot be read back fails alone, and the rows behind it are handled",
          "[pipeline][inbox]") {
    Bench bench;
    bench.handle("SM1", "Look at this");
    bench.handle("SM2", "Do you deliver downtown?");
    REQUIRE(bench.store
                .write([](Database& db) -> sbc::Status {
                    db.exec("UPDATE inbox SET num_media = 1, media = '[[\"https://api.twilio.com/m\"' "
                            "WHERE message_sid = 'SM1'");
                    return sbc::ok_status();
                })
                .ok());
    auto rows = bench.waiting();
    REQUIRE(rows.size() == 2);
    REQUIRE(rows[0].unreadable);
    CHECK(*rows[0].unreadable == "its media list cannot be read: [[\"https://api.twilio.com/m\"");
    CHECK_FALSE(rows[1].unreadable);
    auto results = bench.pipeline.handle_inbox(rows);
    REQUIRE_FALSE(results[0].ok());
    CHECK(results[0].error().message == *rows[0].unreadable);
    REQUIRE(results[1].ok());
    CHECK(results[1]->classification == "question");
    CHECK(bench.column("SELECT message_sid FROM inbox") == std::vector<std::string>{"SM1"});
}

TEST_CASE("send-test is never deferred: sbcctl shows what it became", "[pipeline][inbox]") {
    Bench bench;
    auto in = Bench::inbound("SMtest1", "Do you deliver downtown?");
    in.test = true;
    auto outcome = bench.pipeline.handle(in);
    REQUIRE(outcome.ok());
    CHECK(outcome->kind == Outcome::Kind::processed);
    REQUIRE(outcome->replies.size() == 1);
    CHECK(outcome->replies.front().body == "We deliver downtown until 10pm");
    CHECK(bench.count("SELECT COUNT(*) FROM inbox") == 0);
}

TEST_CASE("a pipeline without an inbox drain never defers", "[pipeline][inbox]") {
    Bench bench(false);
    CHECK(bench.handle("SM1", "Hello").kind == Outcome::Kind::processed);
    CHECK(bench.count("SELECT COUNT(*) FROM inbox") == 0);
}

// InboxDrain, the thread: it drains what it finds at start, counts what each webhook became, and sets aside a
// row that keeps failing instead of letting it hold up those behind it.
TEST_CASE("the inbox thread handles what waits, and sets aside a row that keeps failing",
          "[pipeline][inbox]") {
    Bench bench;
    // A message the database refuses while it works otherwise: what a bug in handling one would look like.
    REQUIRE(bench.store
                .write([](Database& db) -> sbc::Status {
                    db.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.body = 'poison' "
                            "BEGIN SELECT RAISE(ABORT, 'poisoned message'); END");
                    int n = 0;
                    for (const char* body : {"hello", "poison", "are you open?"}) {
                        sbc::store::InboxRow row;
                        row.message_sid = "SM" + std::to_string(++n);
                        row.from = k_customer;
                        row.to = k_number;
                        row.body = body;
                        row.received_at = sbc::time_format::now_ms();
                        sbc::store::insert_inbox(db, row);
                    }
                    return sbc::ok_status();
                })
                .ok());
    std::mutex mutex;
    std::vector<std::string> handled;
    std::unique_ptr<sbc::pipeline::InboxDrain> drain;
    bench.pipeline.on_inbox_queued([&drain] { drain->wake(); });
    // Started as sbcd starts: it handles what an earlier run left.
    drain = std::make_unique<sbc::pipeline::InboxDrain>(bench.store, bench.pipeline, [&](const Outcome& o) {
        std::lock_guard lock(mutex);
        handled.push_back(o.classification);
    });
    REQUIRE(sbc::test::wait_until(
        [&] { return bench.count("SELECT COUNT(*) FROM inbox WHERE failed_at IS NULL") == 0; },
        std::chrono::seconds(20)));
    CHECK(bench.column("SELECT message_sid FROM messages WHERE direction = 'in' ORDER BY id") ==
          std::vector<std::string>{"SM1", "SM3"});
    CHECK(bench.count("SELECT COUNT(*) FROM inbox WHERE message_sid = 'SM2' AND failed_at IS NOT NULL AND "
                      "error LIKE '%poisoned message%'") == 1);
    auto counts = bench.store.read(
        [](Database& db) -> Result<sbc::store::InboxCounts> { return sbc::store::count_inbox(db); });
    REQUIRE(counts.ok());
    CHECK(counts->waiting == 0);
    CHECK(counts->set_aside == 1);
    {
        std::lock_guard lock(mutex);
        CHECK(handled == std::vector<std::string>{"question", "question"});
    }
    // A set-aside row no longer makes new messages wait behind it.
    bench.defer_after(64);
    CHECK(bench.handle("SM4", "thanks").kind == Outcome::Kind::processed);
    drain.reset();
}

// A burst that does not end (a webhook deferred every millisecond): the inbox thread waits for it only
// http.burst_wait_ms, then handles the oldest rows while the burst goes on, so that replies keep pace.
TEST_CASE("under an endless burst the inbox thread waits http.burst_wait_ms, not for the end",
          "[pipeline][inbox]") {
    Bench bench;
    auto config = deferring_config(0);
    config.http_burst_wait_ms = 200;
    bench.live.replace(config);
    std::atomic<int> handled{0};
    std::unique_ptr<sbc::pipeline::InboxDrain> drain;
    bench.pipeline.on_inbox_queued([&drain] { drain->wake(); });
    drain = std::make_unique<sbc::pipeline::InboxDrain>(bench.store, bench.pipeline,
                                                        [&](const Outcome&) { ++handled; });
    auto start = std::chrono::steady_clock::now();
    auto deadline = start + std::chrono::seconds(20);
    int sent = 0;
    while (handled == 0 && std::chrono::steady_clock::now() < deadline) {
        REQUIRE(bench.handle("SM" + std::to_string(++sent), "Do you deliver downtown?").kind ==
                Outcome::Kind::deferred);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    CHECK(handled > 0);
    CHECK(std::chrono::steady_clock::now() < deadline);
    drain.reset();
}
