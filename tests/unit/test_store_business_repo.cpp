#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

using sbc::store::Business;
using sbc::store::Database;
using sbc::store::DbError;

namespace {

// A migrated database file in a temporary directory.
struct BusinessDb {
    sbc::test::TempDir dir;
    Database db{dir.file("sbc.db"), true};
    BusinessDb() { sbc::store::migrate(db); }
};

Business make_business(const std::string& id, const std::string& number = "+14155238886") {
    Business b;
    b.id = id;
    b.name = "Name of " + id;
    b.number = number;
    b.owner = "+15551234567";
    b.greeting = "Hi!";
    b.hours = "9-17";
    b.timezone = "Europe/Rome";
    b.fallback = "Sorry";
    return b;
}

std::vector<std::string> ids(const std::vector<Business>& list) {
    std::vector<std::string> out;
    for (const auto& b : list) {
        out.push_back(b.id);
    }
    return out;
}

} // namespace

TEST_CASE("insert_business stores every field and find_business reads them back", "[store][business]") {
    BusinessDb t;
    auto b = make_business("pizza");
    b.shared = true;
    b.paused = true;
    auto rowid = sbc::store::insert_business(t.db, b);
    REQUIRE(rowid > 0);
    REQUIRE(b.rowid == rowid);
    REQUIRE(b.created_at > 0);
    REQUIRE(b.updated_at == b.created_at);

    auto found = sbc::store::find_business(t.db, "pizza");
    REQUIRE(found.has_value());
    REQUIRE(found->rowid == rowid);
    REQUIRE(found->id == "pizza");
    REQUIRE(found->name == "Name of pizza");
    REQUIRE(found->number == "+14155238886");
    REQUIRE(found->owner == "+15551234567");
    REQUIRE(found->shared);
    REQUIRE(found->paused);
    REQUIRE(found->greeting == "Hi!");
    REQUIRE(found->hours == "9-17");
    REQUIRE(found->timezone == "Europe/Rome");
    REQUIRE(found->fallback == "Sorry");
    REQUIRE(found->created_at == b.created_at);

    auto by_rowid = sbc::store::find_business_by_rowid(t.db, rowid);
    REQUIRE(by_rowid.has_value());
    REQUIRE(by_rowid->id == "pizza");
}

TEST_CASE("find_business returns nothing for an unknown id", "[store][business]") {
    BusinessDb t;
    REQUIRE_FALSE(sbc::store::find_business(t.db, "nope").has_value());
    REQUIRE_FALSE(sbc::store::find_business_by_rowid(t.db, 42).has_value());
}

TEST_CASE("business ids are unique", "[store][business]") {
    BusinessDb t;
    auto a = make_business("pizza");
    sbc::store::insert_business(t.db, a);
    auto b = make_business("pizza", "+15550000000");
    REQUIRE_THROWS_AS(sbc::store::insert_business(t.db, b), DbError);
    REQUIRE(sbc::store::count_businesses(t.db) == 1);
}

TEST_CASE("list_businesses is ordered by id and count_businesses counts them", "[store][business]") {
    BusinessDb t;
    REQUIRE(sbc::store::list_businesses(t.db).empty());
    for (const char* id : {"zeta", "alpha", "mid"}) {
        auto b = make_business(id);
        sbc::store::insert_business(t.db, b);
    }
    REQUIRE(ids(sbc::store::list_businesses(t.db)) == std::vector<std::string>{"alpha", "mid", "zeta"});
    REQUIRE(sbc::store::count_businesses(t.db) == 3);
}

TEST_CASE("businesses_on_number finds every business on a number, oldest first", "[store][business]") {
    BusinessDb t;
    for (const char* id : {"second-on-a", "other", "third-on-a"}) {
        auto b = make_business(id, std::string(id) == "other" ? "+15550000000" : "+14155238886");
        sbc::store::insert_business(t.db, b);
    }
    auto first = make_business("aaa-first", "+14155238886"); // sorts first by id, inserted last
    sbc::store::insert_business(t.db, first);
    REQUIRE(ids(sbc::store::businesses_on_number(t.db, "+14155238886")) ==
            std::vector<std::string>{"second-on-a", "third-on-a", "aaa-first"});
    REQUIRE(ids(sbc::store::businesses_on_number(t.db, "+15550000000")) == std::vector<std::string>{"other"});
    REQUIRE(sbc::store::businesses_on_number(t.db, "+19999999999").empty());
}

TEST_CASE("update_business writes every field and bumps updated_at", "[store][business]") {
    BusinessDb t;
    auto b = make_business("pizza");
    sbc::store::insert_business(t.db, b);
    auto created = b.created_at;
    b.name = "Pizza Palace";
    b.number = "+15550000000";
    b.owner = "+15559999999";
    b.shared = true;
    b.paused = true;
    b.greeting = "Ciao";
    b.hours = "";
    b.timezone = "UTC";
    b.fallback = "Ask later";
    sbc::store::update_business(t.db, b);
    REQUIRE(b.updated_at >= created);

    auto found = sbc::store::find_business(t.db, "pizza");
    REQUIRE(found.has_value());
    REQUIRE(found->name == "Pizza Palace");
    REQUIRE(found->number == "+15550000000");
    REQUIRE(found->owner == "+15559999999");
    REQUIRE(found->shared);
    REQUIRE(found->paused);
    REQUIRE(found->greeting == "Ciao");
    REQUIRE(found->hours.empty());
    REQUIRE(found->timezone == "UTC");
    REQUIRE(found->fallback == "Ask later");
    REQUIRE(found->created_at == created);
    REQUIRE(found->updated_at == b.updated_at);
    REQUIRE(sbc::store::businesses_on_number(t.db, "+14155238886").empty());
}

TEST_CASE("delete_business removes it and its knowledge", "[store][business]") {
    BusinessDb t;
    auto pizza = make_business("pizza");
    auto other = make_business("other", "+15550000000");
    sbc::store::insert_business(t.db, pizza);
    sbc::store::insert_business(t.db, other);
    for (auto rowid : {pizza.rowid, pizza.rowid, other.rowid}) {
        sbc::store::Entry e;
        e.business_rowid = rowid;
        e.text = "some text";
        sbc::store::insert_entry(t.db, e);
    }
    sbc::store::delete_business(t.db, pizza.rowid);
    REQUIRE_FALSE(sbc::store::find_business(t.db, "pizza").has_value());
    REQUIRE(sbc::store::count_businesses(t.db) == 1);
    REQUIRE(sbc::store::count_entries(t.db, pizza.rowid) == 0);
    REQUIRE(sbc::store::count_entries(t.db, other.rowid) == 1);
    REQUIRE(sbc::store::count_all_entries(t.db) == 1);
}
