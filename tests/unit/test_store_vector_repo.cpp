#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/vector_repo.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

using namespace sbc;

namespace {

struct VectorDb {
    test::TempDir dir;
    store::Database db{dir.file("sbc.db"), true};
    store::Business business;

    VectorDb() {
        store::migrate(db);
        business.id = "shop";
        business.name = "Shop";
        business.number = "+14155238886";
        business.owner = "+15551234567";
        business.fallback = "I'll ask the owner.";
        store::insert_business(db, business);
    }
    store::Entry add(const std::string& text, const std::string& tags = "") {
        store::Entry e;
        e.business_rowid = business.rowid;
        e.text = text;
        e.tags = tags;
        store::insert_entry(db, e);
        return e;
    }
    long long count(const std::string& sql) {
        auto s = db.prepare(sql);
        s.step();
        return s.int64(0);
    }
};

} // namespace

TEST_CASE("vectors: pending until stored, with the model, dimensions and content hash", "[store]") {
    VectorDb d;
    auto a = d.add("We deliver downtown", "delivery");
    d.add("Gift cards at the counter");
    auto pending = store::pending_embeddings(d.db, "m1", 10);
    REQUIRE(pending.size() == 2);
    CHECK(pending[0].entry_rowid == a.rowid);
    CHECK(pending[0].business_rowid == d.business.rowid);
    CHECK(pending[0].input == "We deliver downtown\ndelivery");
    CHECK(store::pending_embeddings(d.db, "m1", 1).size() == 1);

    REQUIRE(store::store_embedding(d.db, a.rowid, "m1", store::content_hash(pending[0].input),
                                   {0.5f, -1.25f, 2}, 42));
    CHECK(store::pending_embeddings(d.db, "m1", 10).size() == 1);
    CHECK(d.count("SELECT dimensions FROM knowledge_vectors") == 3);
    CHECK(d.count("SELECT length(vector) FROM knowledge_vectors") == 12);
    CHECK(d.count("SELECT content_hash FROM knowledge_vectors") == store::content_hash(pending[0].input));
    auto vectors = store::business_vectors(d.db, d.business.rowid, "m1", 100);
    REQUIRE(vectors.size() == 1);
    CHECK(vectors[0].values == std::vector<float>{0.5f, -1.25f, 2});
    // Another model: everything is pending again for it, and its vectors are not those of m1.
    CHECK(store::pending_embeddings(d.db, "m2", 10).size() == 2);
    CHECK(store::business_vectors(d.db, d.business.rowid, "m2", 100).empty());
    CHECK(store::embedding_counts(d.db, "m1").embedded == 1);
    CHECK(store::embedding_counts(d.db, "m1").entries == 2);
}

TEST_CASE("vectors: an edit drops the vector, and a vector of the old text is refused", "[store]") {
    VectorDb d;
    auto e = d.add("We open at 9");
    std::string old_input = store::embedding_input(e.text, e.tags);
    REQUIRE(store::store_embedding(d.db, e.rowid, "m1", store::content_hash(old_input), {1, 0}, 1));
    auto generation = store::knowledge_generation(d.db);
    e.text = "We open at 10";
    store::update_entry_text(d.db, e);
    CHECK(store::knowledge_generation(d.db) != generation);
    CHECK(d.count("SELECT COUNT(*) FROM knowledge_vectors") == 0);
    // The embedder read the old text before the edit: what it computed is not stored.
    CHECK_FALSE(store::store_embedding(d.db, e.rowid, "m1", store::content_hash(old_input), {1, 0}, 2));
    CHECK(d.count("SELECT COUNT(*) FROM knowledge_vectors") == 0);
    CHECK(store::store_embedding(d.db, e.rowid, "m1", store::content_hash(store::embedding_input(e.text, "")),
                                 {0, 1}, 3));
    // A deleted entry takes its vector with it, and cannot get one.
    store::delete_entry(d.db, e.rowid);
    CHECK(d.count("SELECT COUNT(*) FROM knowledge_vectors") == 0);
    CHECK_FALSE(store::store_embedding(d.db, e.rowid, "m1", 0, {0, 1}, 4));
}

TEST_CASE("vectors: the content hash is stable (FNV-1a) and sees every byte", "[store]") {
    CHECK(store::content_hash("") == static_cast<std::int64_t>(14695981039346656037ULL));
    CHECK(store::content_hash("a") == static_cast<std::int64_t>(0xaf63dc4c8601ec8cULL));
    CHECK(store::content_hash("open 9") != store::content_hash("open 8"));
}
