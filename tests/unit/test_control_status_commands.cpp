#include "common/time_format.hpp"
#include "daemon/control/command_table.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/vector_repo.hpp"
#include "tests/unit/control_fixture.hpp"

#include <catch2/catch.hpp>

using nlohmann::json;
using sbc::test::ControlFixture;

namespace {

// Stores a vector of `model` for the oldest entry that has none, as the embedder would.
void embed_one(ControlFixture& f, const std::string& model) {
    auto stored = f.store().write([&](sbc::store::Database& db) -> sbc::Result<bool> {
        // On the store's writer thread: no assertion here (Catch2's are not thread-safe).
        auto pending = sbc::store::pending_embeddings(db, model, 1);
        if (pending.empty()) {
            return false;
        }
        return sbc::store::store_embedding(db, pending[0].entry_rowid, model,
                                           sbc::store::content_hash(pending[0].input), {0.5f, 0.5f}, 0);
    });
    REQUIRE(stored.ok());
    REQUIRE(*stored);
}

} // namespace

TEST_CASE("list-commands lists the command table in order", "[control][status]") {
    ControlFixture f;
    auto response = f.call("list-commands");
    REQUIRE(response["result"] == 0);
    auto commands = response["arguments"]["commands"];
    auto table = sbc::control::command_table();
    REQUIRE(commands.size() == table.size());
    REQUIRE(response["text"] == std::to_string(table.size()) + " commands");
    for (std::size_t i = 0; i < table.size(); ++i) {
        INFO(table[i].name);
        REQUIRE(commands[i]["name"] == table[i].name);
        REQUIRE(commands[i]["help"] == table[i].help);
        REQUIRE(commands[i]["access"] == (table[i].access == sbc::control::Access::read ? "read" : "write"));
        REQUIRE(commands[i].size() == 3);
    }
}

TEST_CASE("status reports version, database, socket, listen address and counts", "[control][status]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    f.register_business("sushi", "+14155230000");
    f.ok("kb-add", {{"business", "pizza"}, {"text", "one"}});
    f.ok("kb-add", {{"business", "sushi"}, {"text", "two"}});
    f.ok("kb-add", {{"business", "sushi"}, {"text", "three"}});

    auto status = f.ok("status");
    REQUIRE(status["version"] == SBC_VERSION);
    REQUIRE(status["protocol"] == sbc::protocol::k_version);
    REQUIRE(status["database"]["path"] == f.store().path());
    REQUIRE(status["database"]["schema_version"] == sbc::store::latest_schema_version());
    REQUIRE(status["database"]["size_bytes"].get<std::int64_t>() > 0);
    REQUIRE(status["socket"] == f.dir().path() + "/sbcd.sock");
    REQUIRE(status["http"] == json{{"listen", "127.0.0.1:8080"}, {"port", 8080}});
    REQUIRE(status["counts"] ==
            json{{"businesses", 2}, {"knowledge", 3}, {"inbox_waiting", 0}, {"inbox_set_aside", 0}});
    REQUIRE(status["uptime_seconds"].get<std::int64_t>() >= 0);
    auto started = sbc::time_format::parse_time(status["started_at"].get<std::string>(), 0);
    REQUIRE(started.has_value());
    REQUIRE(*started <= sbc::time_format::now_ms());
}

TEST_CASE("status counts nothing on a new database", "[control][status]") {
    ControlFixture f;
    REQUIRE(f.ok("status")["counts"] ==
            json{{"businesses", 0}, {"knowledge", 0}, {"inbox_waiting", 0}, {"inbox_set_aside", 0}});
}

TEST_CASE("status has no embeddings section without an embedding model", "[control][status]") {
    ControlFixture f;
    CHECK_FALSE(f.ok("status").contains("embeddings"));
}

TEST_CASE("status counts the entries with and without a vector of the model in force", "[control][status]") {
    ControlFixture f;
    f.config().openai_embedding_model = "m1";
    f.register_business("pizza", "+14155238886");
    f.ok("kb-add", {{"business", "pizza"}, {"text", "We deliver"}});
    f.ok("kb-add", {{"business", "pizza"}, {"text", "Open daily"}});
    CHECK(f.ok("status")["embeddings"] == json{{"model", "m1"}, {"with_vector", 0}, {"without_vector", 2}});

    embed_one(f, "m1");
    CHECK(f.ok("status")["embeddings"] == json{{"model", "m1"}, {"with_vector", 1}, {"without_vector", 1}});

    // A vector of another model does not count for the one in force (an entry keeps one vector: m2's
    // replaces the first entry's m1 vector).
    embed_one(f, "m2");
    CHECK(f.ok("status")["embeddings"] == json{{"model", "m1"}, {"with_vector", 0}, {"without_vector", 2}});
    f.config().openai_embedding_model = "m2";
    CHECK(f.ok("status")["embeddings"] == json{{"model", "m2"}, {"with_vector", 1}, {"without_vector", 1}});
}
