#include "daemon/store/database.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/usage_repo.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using Catch::Matchers::Contains;
using sbc::store::Database;
using sbc::store::latest_schema_version;
using sbc::store::migrate;
using sbc::store::schema_version;
using sbc::test::TempDir;

namespace {

bool has_table(Database& db, const char* name) {
    auto s = db.prepare("SELECT 1 FROM sqlite_master WHERE name = ?");
    s.bind(1, name);
    return s.step();
}

std::string single_text(Database& db, const char* sql) {
    auto s = db.prepare(sql);
    REQUIRE(s.step());
    return s.text(0);
}

std::int64_t single_int(Database& db, const char* sql) {
    auto s = db.prepare(sql);
    REQUIRE(s.step());
    return s.int64(0);
}

void insert_business_row(Database& db, const char* slug) {
    db.exec(fmt::format(
        "INSERT INTO businesses (slug, name, whatsapp_number, owner_phone, created_at, updated_at) "
        "VALUES ('{}', 'Name of {}', '+14155238886', '+15551234567', 1, 1)",
        slug, slug));
}

} // namespace

TEST_CASE("a new database file starts at schema version 0", "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    REQUIRE(schema_version(db) == 0);
    REQUIRE_FALSE(has_table(db, "businesses"));
}

TEST_CASE("a fresh database migrates to the latest version with every table", "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    migrate(db);
    REQUIRE(latest_schema_version() >= 1);
    REQUIRE(schema_version(db) == latest_schema_version());
    for (const char* table : {"businesses", "knowledge", "knowledge_fts", "events"}) {
        INFO(table);
        REQUIRE(has_table(db, table));
    }
}

TEST_CASE("databases are opened in WAL mode with foreign keys on", "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    REQUIRE(single_text(db, "PRAGMA journal_mode") == "wal");
    REQUIRE(single_int(db, "PRAGMA foreign_keys") == 1);
    Database again(dir.file("sbc.db"), false);
    REQUIRE(single_text(again, "PRAGMA journal_mode") == "wal");
    REQUIRE(single_int(again, "PRAGMA foreign_keys") == 1);
}

TEST_CASE("migrating to version 1 creates the business and knowledge tables only", "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    migrate(db, 1);
    REQUIRE(schema_version(db) == 1);
    REQUIRE(has_table(db, "businesses"));
    REQUIRE(has_table(db, "knowledge_fts"));
    if (latest_schema_version() >= 2) {
        REQUIRE_FALSE(has_table(db, "messages"));
    }
}

TEST_CASE("an older database reaches the latest version with its data kept", "[store][migrations]") {
    TempDir dir;
    auto path = dir.file("sbc.db");
    int older = std::max(1, latest_schema_version() - 1);
    {
        Database db(path, true);
        migrate(db, older);
        REQUIRE(schema_version(db) == older);
        insert_business_row(db, "pizza");
        db.exec("INSERT INTO knowledge (business_id, number, text, created_at, updated_at) "
                "VALUES (1, 1, 'We deliver until 10pm', 1, 1)");
    }
    Database db(path, false);
    migrate(db);
    REQUIRE(schema_version(db) == latest_schema_version());
    REQUIRE(single_text(db, "SELECT name FROM businesses WHERE slug = 'pizza'") == "Name of pizza");
    REQUIRE(single_int(db, "SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'deliver'") == 1);
    // The index holds each entry's business token (what store::search_entries filters on).
    REQUIRE(single_int(db, "SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH "
                           "'business : \"biz1\" AND deliver'") == 1);
    db.exec("INSERT INTO knowledge_fts(knowledge_fts) VALUES ('integrity-check')");
}

TEST_CASE("migrating an up-to-date database changes nothing", "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    migrate(db);
    insert_business_row(db, "pizza");
    migrate(db);
    migrate(db, latest_schema_version());
    REQUIRE(schema_version(db) == latest_schema_version());
    REQUIRE(single_int(db, "SELECT COUNT(*) FROM businesses") == 1);
}

TEST_CASE("a database newer than this sbcd is refused and left alone", "[store][migrations]") {
    TempDir dir;
    auto path = dir.file("sbc.db");
    int newer = latest_schema_version() + 3;
    {
        Database db(path, true);
        migrate(db);
        db.exec(fmt::format("PRAGMA user_version = {}", newer));
    }
    Database db(path, false);
    REQUIRE_THROWS_WITH(migrate(db), Contains("newer than this sbcd") && Contains(path) &&
                                         Contains(std::to_string(newer)));
    REQUIRE(schema_version(db) == newer);
}

TEST_CASE("the store refuses to open a database newer than this sbcd", "[store][migrations]") {
    TempDir dir;
    auto path = dir.file("sbc.db");
    {
        Database db(path, true);
        db.exec(fmt::format("PRAGMA user_version = {}", latest_schema_version() + 1));
    }
    REQUIRE_THROWS_WITH(sbc::store::Store(path), Contains("newer than this sbcd"));
}

TEST_CASE("asking for a version this sbcd does not know is refused and changes nothing",
          "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    migrate(db, 1);
    REQUIRE_THROWS_WITH(migrate(db, latest_schema_version() + 1), Contains("no schema version"));
    REQUIRE(schema_version(db) == 1);
}

TEST_CASE("the daemon-wide rate-limit count is an index range, not a table walk", "[store][migrations]") {
    TempDir dir;
    Database db(dir.file("sbc.db"), true);
    migrate(db);
    auto s =
        db.prepare("EXPLAIN QUERY PLAN SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE direction = 'in' "
                   "AND kind = 'question' AND created_at >= 0 LIMIT 500)");
    std::string plan;
    while (s.step()) {
        plan += s.text(3) + "\n"; // id, parent, notused, detail
    }
    REQUIRE_THAT(plan, Contains("COVERING INDEX messages_by_kind"));
}

TEST_CASE("schema 12 folds ai_usage's running totals into the llm_usage ledger", "[store][migrations]") {
    TempDir dir;
    auto path = dir.file("sbc.db");
    const std::int64_t day = 1764547200000; // 2025-12-01, UTC
    {
        Database db(path, true);
        migrate(db, 11);
        insert_business_row(db, "pizza");  // 1: both tables written together (2 calls and a failure)
        insert_business_row(db, "coffee"); // 2: most calls from before the per-call rows
        insert_business_row(db, "bakery"); // 3: no LLM
        db.exec(fmt::format("INSERT INTO llm_usage (business_id, model, prompt_tokens, completion_tokens, "
                            "created_at) VALUES (1, 'gpt', 10, 3, {0}), (1, 'gpt', 0, 0, {0} + 1), "
                            "(1, 'gpt', 20, 4, {0} + 2), (2, 'gpt', 5, 2, {0} + 3)",
                            day));
        db.exec(
            "INSERT INTO ai_usage (business_id, calls, failures, prompt_tokens, completion_tokens, cost_usd) "
            "VALUES (1, 2, 1, 30, 7, 0.0125), (2, 3, 1, 100, 40, 0.5)");
    }
    Database db(path, false);
    migrate(db);
    REQUIRE(schema_version(db) == latest_schema_version());
    CHECK_FALSE(has_table(db, "ai_usage"));

    auto pizza = sbc::store::provider_usage(db, 1);
    CHECK(pizza.chat.calls == 2);
    CHECK(pizza.chat.failures == 1);
    CHECK(pizza.chat.prompt_tokens == 30);
    CHECK(pizza.chat.completion_tokens == 7);
    CHECK(pizza.chat.cost_usd == Approx(0.0125));
    CHECK(pizza.embedding.calls == 0);
    CHECK(pizza.embedding.prompt_tokens == 0);
    // The row without tokens is the failed call; no row was added.
    CHECK(single_int(db, "SELECT COUNT(*) FROM llm_usage WHERE business_id = 1") == 3);
    CHECK(single_int(db, "SELECT failed FROM llm_usage WHERE business_id = 1 AND prompt_tokens = 0") == 1);

    auto coffee = sbc::store::provider_usage(db, 2);
    CHECK(coffee.chat.calls == 3);
    CHECK(coffee.chat.failures == 1);
    CHECK(coffee.chat.prompt_tokens == 100);
    CHECK(coffee.chat.completion_tokens == 40);
    CHECK(coffee.chat.cost_usd == Approx(0.5));
    CHECK(single_int(db, "SELECT COUNT(*) FROM llm_usage WHERE business_id = 2") == 4);

    auto bakery = sbc::store::provider_usage(db, 3);
    CHECK(bakery.chat.calls == 0);
    CHECK(bakery.chat.cost_usd == 0);
    CHECK(single_int(db, "SELECT COUNT(*) FROM llm_usage WHERE kind != 'chat'") == 0);

    // A month's usage is what its rows held; the calls carried over are dated before any month.
    auto month = sbc::store::usage_by_business(db, day, day + 86400000, std::nullopt);
    REQUIRE(month.size() == 3);
    CHECK(month[0].business == "bakery");
    CHECK(month[1].business == "coffee");
    CHECK(month[1].llm_tokens == 7);
    CHECK(month[2].llm_tokens == 37);
    CHECK(month[2].embedding_tokens == 0);
    auto ever = sbc::store::usage_by_business(db, 0, day + 86400000, std::string("coffee"));
    REQUIRE(ever.size() == 1);
    CHECK(ever[0].llm_tokens == 140);

    // The ledger takes embedding rows beside the chat ones.
    sbc::store::ProviderCall call;
    call.business_rowid = 3;
    call.model = "embed";
    call.kind = sbc::store::CallKind::embedding;
    call.prompt_tokens = 11;
    call.cost_usd = 0.25;
    call.at_ms = day;
    sbc::store::record_call(db, call);
    auto embedded = sbc::store::provider_usage(db, 3);
    CHECK(embedded.embedding.calls == 1);
    CHECK(embedded.embedding.prompt_tokens == 11);
    CHECK(embedded.embedding.cost_usd == Approx(0.25));
    CHECK(embedded.chat.calls == 0);
    CHECK(sbc::store::usage_by_business(db, day, day + 1, std::string("bakery"))[0].embedding_tokens == 11);
    REQUIRE_THROWS(db.exec("INSERT INTO llm_usage (business_id, kind, created_at) VALUES (1, 'image', 1)"));
}
