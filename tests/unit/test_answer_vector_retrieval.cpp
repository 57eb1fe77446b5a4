#include "daemon/answer/answerer.hpp"
#include "daemon/answer/rank_fusion.hpp"
#include "daemon/answer/retriever.hpp"
#include "daemon/answer/vector_retriever.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/vector_repo.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

using namespace sbc;
using answer::Candidate;

namespace {

std::vector<std::int64_t> rowids(const std::vector<Candidate>& c) {
    std::vector<std::int64_t> out;
    for (const auto& x : c) {
        out.push_back(x.rowid);
    }
    return out;
}

// Two businesses whose entries get hand-made vectors of model "m".
struct Shops {
    test::TempDir dir;
    store::Database db{dir.file("sbc.db"), true};
    store::Business a, b;

    Shops() {
        store::migrate(db);
        register_business(a, "a", "+14155238886");
        register_business(b, "b", "+14155238887");
    }
    void register_business(store::Business& x, const std::string& id, const std::string& number) {
        x.id = id;
        x.name = id;
        x.number = number;
        x.owner = "+15551234567";
        x.fallback = "I'll ask the owner.";
        store::insert_business(db, x);
    }
    std::int64_t add(const store::Business& x, const std::string& text, std::vector<float> v) {
        store::Entry e;
        e.business_rowid = x.rowid;
        e.text = text;
        store::insert_entry(db, e);
        REQUIRE(store::store_embedding(db, e.rowid, "m",
                                       store::content_hash(store::embedding_input(text, "")), v, 0));
        return e.rowid;
    }
};

} // namespace

TEST_CASE("cosine: direction only, mismatched or zero vectors score 0", "[answer]") {
    std::vector<float> x{1, 0}, y{0, 1}, z{2, 0}, w{1, 1, 0}, zero{0, 0};
    CHECK(answer::cosine(x, z) == Approx(1));
    CHECK(answer::cosine(x, y) == Approx(0));
    CHECK(answer::cosine(x, w) == 0);
    CHECK(answer::cosine(x, zero) == 0);
}

TEST_CASE("rank fusion: summed reciprocal ranks, ties to the higher confidence then the older entry",
          "[answer]") {
    std::vector<Candidate> lexical{{1, 0.9}, {2, 0.5}, {3, 0.4}};
    std::vector<Candidate> vector{{3, 0.8}, {2, 0.7}, {4, 0.6}};
    auto fused = answer::fuse_by_rank({lexical, vector}, 10);
    // 2 is second in both; 3 is third and first; 1 is first in one only.
    CHECK(rowids(fused) == std::vector<std::int64_t>{3, 2, 1, 4});
    CHECK(fused[0].confidence == Approx(0.8)); // the highest any ranking gave
    CHECK(fused[1].confidence == Approx(0.7));
    CHECK(answer::fuse_by_rank({lexical, vector}, 2).size() == 2);
    // Mirror-image ranks tie on score: the higher confidence wins.
    auto tie = answer::fuse_by_rank({{{5, 0.2}, {6, 0.9}}, {{6, 0.3}, {5, 0.4}}}, 2);
    CHECK(rowids(tie) == std::vector<std::int64_t>{6, 5});
    CHECK(answer::fuse_by_rank({}, 3).empty());
}

TEST_CASE("vector retrieval: nearest of this business's entries, of the question's model only", "[answer]") {
    Shops s;
    auto hours = s.add(s.a, "We open at 9", {1, 0, 0});
    auto parking = s.add(s.a, "Parking behind the shop", {0, 1, 0});
    auto other = s.add(s.b, "Espresso from Brazil", {0.9f, 0.1f, 0});
    answer::QueryVector q{"m", {0.8f, 0.2f, 0}};
    auto found = answer::retrieve_by_vector(s.db, s.a.rowid, q, 5);
    auto ids = rowids(found);
    CHECK(ids == std::vector<std::int64_t>{hours, parking});
    CHECK(found[0].confidence == Approx(0.8 / std::sqrt(0.68)));
    CHECK(std::find(ids.begin(), ids.end(), other) == ids.end());
    CHECK(
        answer::retrieve_by_vector(s.db, s.a.rowid, answer::QueryVector{"other-model", q.values}, 5).empty());
    CHECK(answer::retrieve_by_vector(s.db, s.a.rowid, q, 1).size() == 1);
}

TEST_CASE("retrieve: embeddings and hybrid modes use the vector, and are builtin without one", "[answer]") {
    Shops s;
    auto hours = s.add(s.a, "Opening hours: 9 to 5 every day", {1, 0});
    auto gifts = s.add(s.a, "Gift cards are sold at the counter", {0, 1});
    // The words say gift cards; the vector says hours.
    answer::QueryVector q{"m", {1, 0.05f}};
    const std::string question = "gift cards?";
    CHECK(rowids(answer::retrieve(s.db, s.a.rowid, question, answer::Mode::builtin, 1)) ==
          std::vector<std::int64_t>{gifts});
    CHECK(rowids(answer::retrieve(s.db, s.a.rowid, question, answer::Mode::embeddings, 1, &q)) ==
          std::vector<std::int64_t>{hours});
    CHECK(rowids(answer::retrieve(s.db, s.a.rowid, question, answer::Mode::embeddings, 1)) ==
          std::vector<std::int64_t>{gifts});
    // Fused: gift cards are first in one ranking and second in the other, hours first in one only.
    CHECK(rowids(answer::retrieve(s.db, s.a.rowid, question, answer::Mode::hybrid, 5, &q)) ==
          std::vector<std::int64_t>{gifts, hours});
    CHECK(answer::parse_mode("hybrid") == answer::Mode::hybrid);
    CHECK(answer::parse_mode("embeddings") == answer::Mode::embeddings);
    CHECK_FALSE(answer::parse_mode("vector"));
}
