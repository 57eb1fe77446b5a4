#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

using sbc::store::Business;
using sbc::store::Database;
using sbc::store::Entry;
using sbc::store::Hit;

namespace {

// A migrated database with two businesses, "pizza" and "sushi".
struct KnowledgeDb {
    sbc::test::TempDir dir;
    Database db{dir.file("sbc.db"), true};
    std::int64_t pizza = 0;
    std::int64_t sushi = 0;

    KnowledgeDb() {
        sbc::store::migrate(db);
        pizza = add_business("pizza", "+14155238886");
        sushi = add_business("sushi", "+14155230000");
    }

    std::int64_t add_business(const std::string& id, const std::string& number) {
        Business b;
        b.id = id;
        b.name = id;
        b.number = number;
        b.owner = "+15551234567";
        return sbc::store::insert_business(db, b);
    }

    Entry add(std::int64_t business, const std::string& text, const std::string& tags = "") {
        Entry e;
        e.business_rowid = business;
        e.text = text;
        e.tags = tags;
        e.source = "test";
        sbc::store::insert_entry(db, e);
        return e;
    }

    std::vector<std::int64_t> search(std::int64_t business, const std::vector<std::string>& terms,
                                     int limit = 10) {
        std::vector<std::int64_t> numbers;
        for (const auto& hit : sbc::store::search_entries(db, business, terms, limit)) {
            REQUIRE(hit.entry.business_rowid == business);
            numbers.push_back(hit.entry.number);
        }
        return numbers;
    }

    // Rows of the full-text index matching an FTS5 query, whatever the business.
    std::int64_t fts_count(const std::string& match) {
        auto s = db.prepare("SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH ?");
        s.bind(1, match);
        REQUIRE(s.step());
        return s.int64(0);
    }

    // Throws when the index and the knowledge table disagree.
    void check_index() { db.exec("INSERT INTO knowledge_fts(knowledge_fts) VALUES ('integrity-check')"); }
};

std::vector<std::int64_t> numbers(const std::vector<Entry>& entries) {
    std::vector<std::int64_t> out;
    for (const auto& e : entries) {
        out.push_back(e.number);
    }
    return out;
}

using Numbers = std::vector<std::int64_t>;

} // namespace

TEST_CASE("insert_entry numbers entries 1, 2, 3 per business independently", "[store][knowledge]") {
    KnowledgeDb t;
    REQUIRE(t.add(t.pizza, "p1").number == 1);
    REQUIRE(t.add(t.pizza, "p2").number == 2);
    REQUIRE(t.add(t.sushi, "s1").number == 1);
    REQUIRE(t.add(t.pizza, "p3").number == 3);
    REQUIRE(t.add(t.sushi, "s2").number == 2);
    REQUIRE(sbc::store::count_entries(t.db, t.pizza) == 3);
    REQUIRE(sbc::store::count_entries(t.db, t.sushi) == 2);
    REQUIRE(sbc::store::count_all_entries(t.db) == 5);
}

TEST_CASE("insert_entry fills rowid and timestamps", "[store][knowledge]") {
    KnowledgeDb t;
    auto e = t.add(t.pizza, "We deliver", "delivery");
    REQUIRE(e.rowid > 0);
    REQUIRE(e.created_at > 0);
    REQUIRE(e.updated_at == e.created_at);
}

TEST_CASE("a removed entry's number is not given to the next entry while higher ones exist",
          "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "one");
    auto two = t.add(t.pizza, "two");
    t.add(t.pizza, "three");
    sbc::store::delete_entry(t.db, two.rowid);
    REQUIRE(t.add(t.pizza, "four").number == 4);
}

TEST_CASE("find_entry finds by business and number only", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "pizza one", "tag");
    t.add(t.sushi, "sushi one");
    auto found = sbc::store::find_entry(t.db, t.pizza, 1);
    REQUIRE(found.has_value());
    REQUIRE(found->text == "pizza one");
    REQUIRE(found->tags == "tag");
    REQUIRE(found->source == "test");
    REQUIRE(found->business_rowid == t.pizza);
    REQUIRE(sbc::store::find_entry(t.db, t.sushi, 1)->text == "sushi one");
    REQUIRE_FALSE(sbc::store::find_entry(t.db, t.pizza, 2).has_value());
    REQUIRE_FALSE(sbc::store::find_entry(t.db, t.sushi, 2).has_value());
}

TEST_CASE("list_entries pages by limit and offset in number order", "[store][knowledge]") {
    KnowledgeDb t;
    for (int i = 1; i <= 5; ++i) {
        t.add(t.pizza, "entry " + std::to_string(i));
    }
    t.add(t.sushi, "not pizza");
    REQUIRE(numbers(sbc::store::list_entries(t.db, t.pizza, 100, 0)) == Numbers{1, 2, 3, 4, 5});
    REQUIRE(numbers(sbc::store::list_entries(t.db, t.pizza, 2, 0)) == Numbers{1, 2});
    REQUIRE(numbers(sbc::store::list_entries(t.db, t.pizza, 2, 2)) == Numbers{3, 4});
    REQUIRE(numbers(sbc::store::list_entries(t.db, t.pizza, 2, 4)) == Numbers{5});
    REQUIRE(sbc::store::list_entries(t.db, t.pizza, 2, 5).empty());
}

TEST_CASE("entries_after pages by the last number seen", "[store][knowledge]") {
    KnowledgeDb t;
    for (int i = 1; i <= 5; ++i) {
        t.add(t.pizza, "entry " + std::to_string(i));
    }
    auto three = sbc::store::find_entry(t.db, t.pizza, 3);
    sbc::store::delete_entry(t.db, three->rowid);
    REQUIRE(numbers(sbc::store::entries_after(t.db, t.pizza, 0, 2)) == Numbers{1, 2});
    REQUIRE(numbers(sbc::store::entries_after(t.db, t.pizza, 2, 2)) == Numbers{4, 5});
    REQUIRE(sbc::store::entries_after(t.db, t.pizza, 5, 2).empty());
    REQUIRE(sbc::store::entries_after(t.db, t.sushi, 0, 2).empty());
}

TEST_CASE("has_entry_text matches the exact text of the same business", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "We deliver until 10pm");
    REQUIRE(sbc::store::has_entry_text(t.db, t.pizza, "We deliver until 10pm"));
    REQUIRE_FALSE(sbc::store::has_entry_text(t.db, t.pizza, "we deliver until 10pm"));
    REQUIRE_FALSE(sbc::store::has_entry_text(t.db, t.pizza, "We deliver until 10"));
    REQUIRE_FALSE(sbc::store::has_entry_text(t.db, t.sushi, "We deliver until 10pm"));
}

TEST_CASE("search finds entries by words in text or tags, best first", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "We are open from noon to midnight", "hours");
    t.add(t.pizza, "Delivery is free downtown", "delivery");
    t.add(t.pizza, "Delivery costs 5 euros outside downtown; delivery takes 30 minutes", "delivery");
    auto hits = sbc::store::search_entries(t.db, t.pizza, {"downtown"}, 10);
    REQUIRE(hits.size() == 2);
    REQUIRE(hits[0].score >= hits[1].score);
    REQUIRE(hits[0].score > 0);
    REQUIRE(t.search(t.pizza, {"hours"}) == Numbers{1});          // a tag
    REQUIRE(t.search(t.pizza, {"midnight", "free"}).size() == 2); // any term may match
    REQUIRE(t.search(t.pizza, {"sushi"}).empty());
    REQUIRE(t.search(t.pizza, {}).empty());
}

TEST_CASE("search returns at most limit hits", "[store][knowledge]") {
    KnowledgeDb t;
    for (int i = 0; i < 5; ++i) {
        t.add(t.pizza, "pizza number " + std::to_string(i));
    }
    REQUIRE(t.search(t.pizza, {"pizza"}, 3).size() == 3);
}

TEST_CASE("search never returns another business's entries", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "We deliver pizza until 10pm");
    t.add(t.sushi, "We deliver sushi until 11pm");
    t.add(t.sushi, "Delivery by bike");
    REQUIRE(t.search(t.pizza, {"deliver"}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"sushi", "bike"}).empty());
    REQUIRE(t.search(t.sushi, {"deliver"}) == Numbers{1});
    REQUIRE(t.search(t.sushi, {"deliver", "bike"}).size() == 2);
}

TEST_CASE("search keeps businesses apart whose rowids share digits", "[store][knowledge]") {
    KnowledgeDb t;
    std::int64_t b11 = 0;
    for (int i = 3; i <= 11; ++i) {
        b11 = t.add_business("b" + std::to_string(i), "+1415523" + std::to_string(1000 + i));
    }
    REQUIRE(b11 == 11);
    t.add(t.pizza, "alpha beta"); // business 1
    t.add(b11, "alpha gamma");    // business 11
    REQUIRE(t.search(t.pizza, {"alpha"}) == Numbers{1});
    REQUIRE(t.search(b11, {"alpha"}) == Numbers{1});
    REQUIRE(t.search(b11, {"beta"}).empty());
}

TEST_CASE("search treats FTS5 syntax in terms as plain text", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "Opening hours: noon OR later, near the station");
    for (const std::vector<std::string>& terms :
         std::vector<std::vector<std::string>>{{"\""},
                                               {"*"},
                                               {"OR"},
                                               {"NEAR("},
                                               {"AND"},
                                               {"NOT"},
                                               {"-"},
                                               {"^"},
                                               {":"},
                                               {"text:"},
                                               {"{text}"},
                                               {"a\"b"},
                                               {"\"\""},
                                               {"noon*"},
                                               {"(", ")"},
                                               {"hours", "\"", "NEAR(", "*", "OR"},
                                               {""}}) {
        INFO("terms: " << (terms.empty() ? "" : terms.front()));
        REQUIRE_NOTHROW(sbc::store::search_entries(t.db, t.pizza, terms, 5));
    }
    // "OR" is the word "or", not the operator; "near(" is the word "near".
    REQUIRE(t.search(t.pizza, {"OR"}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"NEAR("}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"noon*"}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"*"}).empty());
}

TEST_CASE("search stems English words with the porter tokenizer", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "We deliver downtown");
    t.add(t.pizza, "Opening hours are on the door");
    for (const char* word : {"deliver", "delivers", "delivered", "delivering", "DELIVER"}) {
        INFO(word);
        REQUIRE(t.search(t.pizza, {word}) == Numbers{1});
    }
    for (const char* word : {"open", "opens", "opened", "hour"}) {
        INFO(word);
        REQUIRE(t.search(t.pizza, {word}) == Numbers{2});
    }
}

TEST_CASE("porter stemming keeps the noun delivery apart from the verb deliver", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "We deliver downtown");
    t.add(t.pizza, "Delivery is free");
    // Porter reduces deliver/delivered/delivering to "deliv" but delivery/deliveries to "deliveri".
    REQUIRE(t.search(t.pizza, {"delivered"}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"deliveries"}) == Numbers{2});
    REQUIRE(t.search(t.pizza, {"delivery"}) == Numbers{2});
}

TEST_CASE("search ignores accents", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "Caf\xC3\xA9 cr\xC3\xA8me");
    REQUIRE(t.search(t.pizza, {"cafe"}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"CR\xC3\x88ME"}) == Numbers{1});
}

TEST_CASE("update_entry_text keeps the full-text index in sync", "[store][knowledge]") {
    KnowledgeDb t;
    auto e = t.add(t.pizza, "We close at midnight", "hours");
    e.text = "Breakfast served from seven";
    e.tags = "food";
    sbc::store::update_entry_text(t.db, e);
    REQUIRE(e.updated_at >= e.created_at);
    REQUIRE(t.search(t.pizza, {"midnight"}).empty());
    REQUIRE(t.search(t.pizza, {"hours"}).empty());
    REQUIRE(t.search(t.pizza, {"breakfast"}) == Numbers{1});
    REQUIRE(t.search(t.pizza, {"food"}) == Numbers{1});
    REQUIRE(sbc::store::find_entry(t.db, t.pizza, 1)->text == "Breakfast served from seven");
    REQUIRE_NOTHROW(t.check_index());
}

TEST_CASE("delete_entry removes the entry from the full-text index", "[store][knowledge]") {
    KnowledgeDb t;
    auto e = t.add(t.pizza, "Parking behind the shop");
    t.add(t.pizza, "Free parking on Sundays");
    sbc::store::delete_entry(t.db, e.rowid);
    REQUIRE_FALSE(sbc::store::find_entry(t.db, t.pizza, 1).has_value());
    REQUIRE(t.search(t.pizza, {"parking"}) == Numbers{2});
    REQUIRE(t.search(t.pizza, {"behind"}).empty());
    REQUIRE(t.fts_count("behind") == 0);
    REQUIRE_NOTHROW(t.check_index());
}

TEST_CASE("deleting a business takes its entries out of the full-text index", "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "Margherita and marinara");
    t.add(t.pizza, "Gluten free marinara on request");
    t.add(t.sushi, "Nigiri and marinara sauce, oddly");
    REQUIRE(t.fts_count("marinara") == 3);
    sbc::store::delete_business(t.db, t.pizza);
    REQUIRE(t.fts_count("marinara") == 1);
    REQUIRE(t.fts_count("margherita") == 0);
    REQUIRE(t.search(t.sushi, {"marinara"}) == Numbers{1});
    REQUIRE_NOTHROW(t.check_index());
}

TEST_CASE("search scores are FTS5's bm25() when the business's knowledge is the whole index",
          "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "We deliver downtown until 10pm, delivery is free downtown", "delivery");
    t.add(t.pizza, "Parking downtown is free after 6pm");
    t.add(t.pizza, "Gift cards are sold at the counter", "gift cards");
    t.add(t.pizza, "Our dough rests for 48 hours");
    t.add(t.pizza, "We deliver to the suburbs for a fee of 5 dollars");
    auto hits = sbc::store::search_entries(t.db, t.pizza, {"deliver", "downtown", "free"}, 10);
    REQUIRE(hits.size() == 3);
    auto s = t.db.prepare("SELECT rowid, -bm25(knowledge_fts, 1.0, 0.5, 0.0) FROM knowledge_fts WHERE "
                          "knowledge_fts MATCH '{text tags} : (\"deliver\" OR \"downtown\" OR \"free\")' "
                          "ORDER BY bm25(knowledge_fts, 1.0, 0.5, 0.0)");
    for (const auto& hit : hits) {
        REQUIRE(s.step());
        CHECK(hit.entry.rowid == s.int64(0));
        CHECK(hit.score == Approx(s.real(1)).epsilon(1e-9));
    }
    REQUIRE_FALSE(s.step());
}

TEST_CASE("a business's search ranking does not depend on other businesses' knowledge",
          "[store][knowledge]") {
    KnowledgeDb t;
    t.add(t.pizza, "Gift cards are sold at the counter");
    t.add(t.pizza, "Parking is free after 6pm, parking behind the shop");
    t.add(t.pizza, "We deliver downtown");
    auto before = sbc::store::search_entries(t.db, t.pizza, {"gift", "parking"}, 10);
    REQUIRE(before.size() == 2);
    // Another business whose every entry is about gifts, in long entries: the word is common across the
    // index now, and the average entry is longer.
    for (int i = 0; i < 30; ++i) {
        t.add(t.sushi,
              "Gift sets of sushi for every occasion, gift wrapping included, ask about gift number " +
                  std::to_string(i));
    }
    auto after = sbc::store::search_entries(t.db, t.pizza, {"gift", "parking"}, 10);
    REQUIRE(after.size() == before.size());
    for (std::size_t i = 0; i < before.size(); ++i) {
        CHECK(after[i].entry.rowid == before[i].entry.rowid);
        CHECK(after[i].score == before[i].score);
    }
}
