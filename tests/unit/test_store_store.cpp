#include "daemon/store/migrations.hpp"
#include "daemon/store/store.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <latch>
#include <set>
#include <stdexcept>
#include <thread>
#include <vector>

using Catch::Matchers::Contains;
using sbc::Error;
using sbc::Result;
using sbc::store::Database;
using sbc::store::Store;
using sbc::test::TempDir;
using sbc::test::wait_until;

namespace {

// Inserts an audit row tagged `action` and returns its id.
std::int64_t insert_event(Database& db, const std::string& action) {
    auto s = db.prepare("INSERT INTO events (at, actor, action) VALUES (1, 'test', ?)");
    s.bind(1, action);
    s.run();
    return db.last_insert_id();
}

std::int64_t count_where(Store& store, const std::string& sql) {
    auto n = store.read([&](Database& db) -> Result<std::int64_t> {
        auto s = db.prepare(sql);
        s.step();
        return s.int64(0);
    });
    REQUIRE(n.ok());
    return *n;
}

std::int64_t count_events(Store& store) {
    return count_where(store, "SELECT COUNT(*) FROM events");
}

std::int64_t count_action(Store& store, const std::string& action) {
    return count_where(store, fmt::format("SELECT COUNT(*) FROM events WHERE action = '{}'", action));
}

} // namespace

TEST_CASE("a new store creates and migrates its database", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    REQUIRE(store.path() == dir.file("sbc.db"));
    REQUIRE(store.schema_version() == sbc::store::latest_schema_version());
    REQUIRE(count_events(store) == 0);
}

TEST_CASE("write returns the lambda's value once committed, and read sees it", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    auto id = store.write([](Database& db) -> Result<std::int64_t> { return insert_event(db, "one"); });
    REQUIRE(id.ok());
    REQUIRE(*id == 1);
    REQUIRE(count_action(store, "one") == 1);
}

TEST_CASE("writes are durable across reopening the store", "[store]") {
    TempDir dir;
    {
        Store store(dir.file("sbc.db"));
        for (int i = 0; i < 3; ++i) {
            REQUIRE(store.write([](Database& db) -> Result<std::int64_t> { return insert_event(db, "kept"); })
                        .ok());
        }
    }
    Store store(dir.file("sbc.db"));
    REQUIRE(count_action(store, "kept") == 3);
}

TEST_CASE("concurrent writes are all committed, in groups", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    constexpr int k_threads = 8;
    constexpr int k_writes = 200;
    auto commits_before = store.commit_count();
    std::vector<std::vector<std::int64_t>> ids(k_threads);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < k_threads; ++t) {
        threads.emplace_back([&, t] {
            for (int i = 0; i < k_writes; ++i) {
                auto id = store.write([&](Database& db) -> Result<std::int64_t> {
                    return insert_event(db, fmt::format("t{}", t));
                });
                if (id.ok()) {
                    ids[t].push_back(*id);
                } else {
                    ++failures;
                }
            }
        });
    }
    for (auto& thread : threads) {
        thread.join();
    }
    REQUIRE(failures == 0);
    REQUIRE(count_events(store) == k_threads * k_writes);
    std::set<std::int64_t> distinct;
    for (int t = 0; t < k_threads; ++t) {
        REQUIRE(ids[t].size() == static_cast<std::size_t>(k_writes));
        REQUIRE(count_action(store, fmt::format("t{}", t)) == k_writes);
        distinct.insert(ids[t].begin(), ids[t].end());
    }
    REQUIRE(distinct.size() == static_cast<std::size_t>(k_threads * k_writes));
    auto commits = store.commit_count() - commits_before;
    REQUIRE(commits >= 1);
    REQUIRE(commits <= static_cast<std::uint64_t>(k_threads * k_writes));
}

TEST_CASE("a write returning an error rolls back only its own changes", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    constexpr int k_writers = 6;
    // The first write holds the writer thread until every other write is about to be queued, so that they are
    // likely to share one group transaction; the outcome asserted below must hold however they are grouped.
    std::latch ready(k_writers + 1);
    Result<std::int64_t> blocked = Error{-1, "not run"};
    std::thread blocker([&] {
        blocked = store.write([&](Database& db) -> Result<std::int64_t> {
            ready.arrive_and_wait();
            return insert_event(db, "blocker");
        });
    });
    std::vector<Result<std::int64_t>> results(k_writers, Error{-1, "not run"});
    std::vector<std::thread> writers;
    for (int i = 0; i < k_writers; ++i) {
        writers.emplace_back([&, i] {
            ready.count_down();
            results[i] = store.write([&](Database& db) -> Result<std::int64_t> {
                auto id = insert_event(db, fmt::format("w{}", i));
                if (i == 2) {
                    return Error{4, "w2 changed its mind"};
                }
                return id;
            });
        });
    }
    for (auto& w : writers) {
        w.join();
    }
    blocker.join();
    REQUIRE(blocked.ok());
    for (int i = 0; i < k_writers; ++i) {
        INFO("writer " << i);
        if (i == 2) {
            REQUIRE_FALSE(results[i].ok());
            REQUIRE(results[i].error().code == 4);
            REQUIRE(results[i].error().message == "w2 changed its mind");
            REQUIRE(count_action(store, "w2") == 0);
        } else {
            REQUIRE(results[i].ok());
            REQUIRE(count_action(store, fmt::format("w{}", i)) == 1);
        }
    }
    REQUIRE(count_events(store) == k_writers); // the blocker and five writers
}

TEST_CASE("a write that throws is rolled back and reported", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    auto r = store.write([](Database& db) -> Result<int> {
        insert_event(db, "thrown");
        throw std::runtime_error("the disk is on fire");
    });
    REQUIRE_FALSE(r.ok());
    REQUIRE(r.error().code == 1);
    REQUIRE_THAT(r.error().message, Contains("database write failed") && Contains("the disk is on fire"));
    REQUIRE(count_action(store, "thrown") == 0);
    // The writer carries on.
    REQUIRE(store.write([](Database& db) -> Result<std::int64_t> { return insert_event(db, "after"); }).ok());
    REQUIRE(count_action(store, "after") == 1);
}

TEST_CASE("an SQL error inside a write comes back as an error", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    auto r = store.write([](Database& db) -> Result<int> {
        insert_event(db, "half");
        db.exec("INSERT INTO no_such_table VALUES (1)");
        return 1;
    });
    REQUIRE_FALSE(r.ok());
    REQUIRE_THAT(r.error().message, Contains("no_such_table"));
    REQUIRE(count_action(store, "half") == 0);
}

TEST_CASE("read runs on a read-only connection and reports errors as values", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    auto write_in_read = store.read([](Database& db) -> Result<int> {
        insert_event(db, "sneaky");
        return 1;
    });
    REQUIRE_FALSE(write_in_read.ok());
    REQUIRE_THAT(write_in_read.error().message, Contains("database read failed"));

    auto bad_sql = store.read([](Database& db) -> Result<int> {
        db.prepare("SELECT * FROM no_such_table");
        return 1;
    });
    REQUIRE_FALSE(bad_sql.ok());
    REQUIRE_THAT(bad_sql.error().message, Contains("no_such_table"));

    auto error = store.read([](Database&) -> Result<int> { return Error{3, "nothing there"}; });
    REQUIRE(error.error().code == 3);
    REQUIRE(count_action(store, "sneaky") == 0);
}

TEST_CASE("reads from several threads see committed writes", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    for (int i = 0; i < 10; ++i) {
        REQUIRE(
            store.write([](Database& db) -> Result<std::int64_t> { return insert_event(db, "seen"); }).ok());
    }
    std::atomic<int> wrong{0};
    std::vector<std::thread> readers;
    for (int t = 0; t < 4; ++t) {
        readers.emplace_back([&] {
            for (int i = 0; i < 50; ++i) {
                auto n = store.read([](Database& db) -> Result<std::int64_t> {
                    auto s = db.prepare("SELECT COUNT(*) FROM events WHERE action = 'seen'");
                    s.step();
                    return s.int64(0);
                });
                if (!n.ok() || *n != 10) {
                    ++wrong;
                }
            }
        });
    }
    for (auto& r : readers) {
        r.join();
    }
    REQUIRE(wrong == 0);
}

TEST_CASE("wait_for_commit returns once a write has committed", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    auto seen = store.commit_count();
    bool written = false;
    std::thread writer([&] {
        written =
            store.write([](Database& db) -> Result<std::int64_t> { return insert_event(db, "poke"); }).ok();
    });
    auto now = store.wait_for_commit(seen, std::chrono::seconds(30));
    writer.join();
    REQUIRE(written);
    REQUIRE(now > seen);
    REQUIRE(count_action(store, "poke") == 1);
}

TEST_CASE("wait_for_commit gives up at the deadline when nothing is written", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    auto seen = store.commit_count();
    REQUIRE(store.wait_for_commit(seen, std::chrono::milliseconds(5)) == seen);
    REQUIRE(store.wait_for_commit(seen + 100, std::chrono::milliseconds(0)) ==
            seen); // any other count returns at once
}

TEST_CASE("a write that waits shares its commit with only a few writes of a queued batch", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    // A first write holds the writer until the batch and the waiting write are both queued behind it.
    std::latch release(1);
    std::atomic<bool> holding{false};
    std::atomic<int> failures{0}; // Catch's REQUIRE is for the test's own thread
    std::thread holder([&] {
        auto held = store.write([&](Database& db) -> Result<std::int64_t> {
            holding = true;
            release.wait();
            return insert_event(db, "holder");
        });
        failures += held.ok() ? 0 : 1;
    });
    REQUIRE(wait_until([&] { return holding.load(); }));

    constexpr std::size_t k_batch = 20;
    std::vector<std::uint64_t> batch_commit(k_batch);
    std::thread batch([&] {
        std::vector<std::function<Result<std::int64_t>(Database&)>> writes;
        for (std::size_t i = 0; i < k_batch; ++i) {
            writes.emplace_back([&, i](Database& db) -> Result<std::int64_t> {
                batch_commit[i] = store.commit_count();
                return insert_event(db, "batch");
            });
        }
        for (const auto& result : store.write_batch(writes)) {
            failures += result.ok() ? 0 : 1;
        }
    });
    REQUIRE(wait_until([&] { return store.queued() == k_batch; }));
    std::uint64_t waiting_commit = 0;
    std::thread waiting([&] {
        auto written = store.write([&](Database& db) -> Result<std::int64_t> {
            waiting_commit = store.commit_count();
            return insert_event(db, "waiting");
        });
        failures += written.ok() ? 0 : 1;
    });
    REQUIRE(wait_until([&] { return store.queued() == k_batch + 1; }));
    release.count_down();
    holder.join();
    batch.join();
    waiting.join();
    REQUIRE(failures == 0);

    // The waiting write went first, with the batch's first k_batch_share writes; the rest followed in the
    // next commit, on their own.
    for (std::size_t i = 0; i < k_batch; ++i) {
        INFO("batch write " << i);
        if (i < Store::k_batch_share) {
            REQUIRE(batch_commit[i] == waiting_commit);
        } else {
            REQUIRE(batch_commit[i] == waiting_commit + 1);
        }
    }
    REQUIRE(count_action(store, "batch") == static_cast<std::int64_t>(k_batch));
}

TEST_CASE("a batch alone is written in one commit", "[store]") {
    TempDir dir;
    Store store(dir.file("sbc.db"));
    std::vector<std::uint64_t> commit(40);
    std::vector<std::function<Result<std::int64_t>(Database&)>> writes;
    for (std::size_t i = 0; i < commit.size(); ++i) {
        writes.emplace_back([&, i](Database& db) -> Result<std::int64_t> {
            commit[i] = store.commit_count();
            return insert_event(db, "batch");
        });
    }
    for (const auto& result : store.write_batch(writes)) {
        REQUIRE(result.ok());
    }
    for (auto c : commit) {
        REQUIRE(c == commit.front());
    }
    REQUIRE(count_action(store, "batch") == 40);
}

TEST_CASE("under a burst a commit waits up to the group window for the writes expected in it", "[store]") {
    TempDir dir;
    // A window far longer than any fsync or thread start here, so that what shares a commit depends on the
    // gathering only.
    constexpr auto k_window = std::chrono::milliseconds(400);
    Store store(dir.file("sbc.db"), Store::Options{Store::Durability::full, k_window});
    auto in_commit = [&](std::uint64_t& commit) {
        return [&store, &commit](Database& db) -> Result<std::int64_t> {
            commit = store.commit_count();
            return insert_event(db, "w");
        };
    };
    // A burst: two batches of waiting writes back to back give the writer an arrival rate far above two
    // writes per window.
    for (int burst = 0; burst < 2; ++burst) {
        std::vector<std::uint64_t> commits(20);
        std::vector<std::function<Result<std::int64_t>(Database&)>> writes;
        for (auto& c : commits) {
            writes.push_back(in_commit(c));
        }
        for (const auto& result : store.write_each(writes)) {
            REQUIRE(result.ok());
        }
    }

    SECTION("writes 20 ms apart share one commit") {
        std::vector<std::uint64_t> commits(5);
        std::atomic<int> failures{0}; // Catch's assertions are for the test's own thread only
        std::vector<std::thread> writers;
        for (std::size_t i = 0; i < commits.size(); ++i) {
            writers.emplace_back([&, i] {
                std::this_thread::sleep_for(std::chrono::milliseconds(20) * i);
                failures += store.write(in_commit(commits[i])).ok() ? 0 : 1;
            });
        }
        for (auto& w : writers) {
            w.join();
        }
        REQUIRE(failures == 0);
        for (auto c : commits) {
            CHECK(c == commits.front());
        }
        CHECK(store.write_count() == 45);
    }

    SECTION("after a pause of two windows a lone write commits at once") {
        std::this_thread::sleep_for(2 * k_window + std::chrono::milliseconds(200));
        std::uint64_t lone = 0, next = 0;
        bool lone_ok = false;
        std::thread writer([&] { lone_ok = store.write(in_commit(lone)).ok(); });
        // A write that joins while the lone one still waited would share its commit.
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        REQUIRE(store.write(in_commit(next)).ok());
        writer.join();
        REQUIRE(lone_ok);
        CHECK(lone != next);
        CHECK(store.write_count() == 42);
    }
}
