// InboxDrain, the thread that handles what Pipeline::handle deferred: it drains the inbox, counts what each
// webhook became, and sets aside a row that keeps failing instead of letting it hold up those behind it.

#include "common/time_format.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/pipeline/inbox_drain.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "daemon/store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <catch2/catch.hpp>
#include <mutex>
#include <string>
#include <vector>

using sbc::Result;
using sbc::store::Database;

namespace {

long long count(sbc::store::Store& store, const std::string& sql) {
    auto n = store.read([&](Database& db) -> Result<long long> {
        auto s = db.prepare(sql);
        s.step();
        return s.int64(0);
    });
    REQUIRE(n.ok());
    return *n;
}

} // namespace

TEST_CASE("the inbox thread handles what waits, and sets aside a row that keeps failing",
          "[pipeline][inbox]") {
    sbc::test::TempDir dir;
    sbc::config::Config config;
    config.http_defer_after = 0;
    sbc::config::Live live{config};
    sbc::store::Store store{dir.file("sbc.db")};
    // A message the database refuses while it works otherwise: what a bug in handling one would look like.
    REQUIRE(store
                .write([](Database& db) -> sbc::Status {
                    db.exec("CREATE TRIGGER poison BEFORE INSERT ON messages WHEN NEW.body = 'poison' "
                            "BEGIN SELECT RAISE(ABORT, 'poisoned message'); END");
                    sbc::store::Business b;
                    b.id = "pizza-palace";
                    b.name = "Pizza Palace";
                    b.number = "+14155238886";
                    b.owner = "+15550001111";
                    sbc::store::insert_business(db, b);
                    int n = 0;
                    for (const char* body : {"hello", "poison", "are you open?"}) {
                        sbc::store::InboxRow row;
                        row.message_sid = "SM" + std::to_string(++n);
                        row.from = "+15552223333";
                        row.to = b.number;
                        row.body = body;
                        row.received_at = sbc::time_format::now_ms();
                        sbc::store::insert_inbox(db, row);
                    }
                    return sbc::ok_status();
                })
                .ok());
    sbc::pipeline::Pipeline pipeline{store, live, [](std::vector<sbc::store::Claim>) {}};
    std::mutex mutex;
    std::vector<std::string> handled;
    std::unique_ptr<sbc::pipeline::InboxDrain> drain;
    pipeline.on_inbox_queued([&drain] { drain->wake(); });
    // Started as sbcd starts: it handles what an earlier run left.
    drain =
        std::make_unique<sbc::pipeline::InboxDrain>(store, pipeline, [&](const sbc::pipeline::Outcome& o) {
            std::lock_guard lock(mutex);
            handled.push_back(o.classification);
        });
    REQUIRE(sbc::test::wait_until(
        [&] { return count(store, "SELECT COUNT(*) FROM inbox WHERE failed_at IS NULL") == 0; },
        std::chrono::seconds(20)));
    CHECK(count(store, "SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 2);
    CHECK(count(store, "SELECT COUNT(*) FROM inbox WHERE message_sid = 'SM2' AND failed_at IS NOT NULL AND "
                       "error LIKE '%poisoned message%'") == 1);
    {
        std::lock_guard lock(mutex);
        CHECK(handled.size() == 2);
    }
    // A set-aside row no longer makes new messages wait behind it.
    sbc::pipeline::Inbound in;
    in.sid = "SM4";
    in.from = "+15552223333";
    in.to = "+14155238886";
    in.body = "thanks";
    in.received_at_ms = sbc::time_format::now_ms();
    live.replace([] {
        sbc::config::Config c;
        c.http_defer_after = 64;
        return c;
    }());
    auto outcome = pipeline.handle(in);
    REQUIRE(outcome.ok());
    CHECK(outcome->kind == sbc::pipeline::Outcome::Kind::processed);
    drain.reset();
}
