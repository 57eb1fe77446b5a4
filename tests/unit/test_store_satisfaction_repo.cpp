#include "daemon/store/business_repo.hpp"
#include "daemon/store/customer_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/satisfaction_repo.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

using sbc::store::Database;

namespace {

constexpr std::int64_t k_minute = 60'000;
constexpr std::int64_t k_quiet = 30 * k_minute;
constexpr std::int64_t k_window = 24 * 60 * k_minute;
constexpr std::int64_t k_margin = 10 * k_minute;
constexpr std::int64_t k_now = 1'800'000'000'000;

// A migrated database with one business that asks for ratings.
struct SatisfactionDb {
    sbc::test::TempDir dir;
    Database db{dir.file("sbc.db"), true};
    std::int64_t business = 0;
    SatisfactionDb() {
        sbc::store::migrate(db);
        sbc::store::Business b;
        b.id = "pizza";
        b.name = "Pizza";
        b.number = "+14155238886";
        b.owner = "+15550001111";
        business = sbc::store::insert_business(db, b);
        sbc::store::set_survey_enabled(db, business, true);
    }
    // The customer asked a question at `at`.
    void question(const std::string& phone, std::int64_t at) {
        sbc::store::touch_customer(db, business, phone, "", at);
        sbc::store::note_question(db, business, phone, at);
    }
    std::vector<std::string> due(std::int64_t now = k_now) {
        std::vector<std::string> out;
        for (const auto& d : sbc::store::due_surveys(db, now, k_quiet, k_window, k_margin, 100)) {
            CHECK(d.our_number == "+14155238886");
            out.push_back(d.phone);
        }
        return out;
    }
};

using Phones = std::vector<std::string>;

} // namespace

TEST_CASE("a conversation is due once quiet, inside the window with the margin", "[store][satisfaction]") {
    SatisfactionDb t;
    t.question("+15550000001", k_now - k_quiet);              // just quiet
    t.question("+15550000002", k_now - k_quiet + 1);          // not yet quiet
    t.question("+15550000003", k_now - k_window + k_margin);  // too close to the window's end
    t.question("+15550000004", k_now - k_window - k_minute);  // outside the window
    t.question("+15550000005", k_now - 2 * k_quiet);          // quiet, well inside
    CHECK(t.due() == Phones{"+15550000005", "+15550000001"}); // oldest first
}

TEST_CASE("a later message of any kind keeps the conversation open", "[store][satisfaction]") {
    SatisfactionDb t;
    t.question("+15550000001", k_now - 2 * k_quiet);
    sbc::store::touch_customer(t.db, t.business, "+15550000001", "", k_now - k_minute); // e.g. "thanks"
    CHECK(t.due().empty());
}

TEST_CASE("a conversation is asked about once, a new question starts a new one", "[store][satisfaction]") {
    SatisfactionDb t;
    t.question("+15550000001", k_now - 2 * k_quiet);
    REQUIRE(t.due() == Phones{"+15550000001"});
    sbc::store::mark_survey_asked(t.db, t.business, "+15550000001", k_now);
    CHECK(t.due(k_now + k_quiet).empty());
    REQUIRE(sbc::store::pending_survey(t.db, t.business, "+15550000001") == k_now);

    sbc::store::record_rating(t.db, t.business, "+15550000001", 4, std::nullopt, k_now, k_now + k_minute);
    CHECK_FALSE(sbc::store::pending_survey(t.db, t.business, "+15550000001"));
    CHECK(t.due(k_now + 2 * k_quiet).empty()); // the rating itself is no new conversation

    t.question("+15550000001", k_now + 3 * k_quiet);
    CHECK(t.due(k_now + 4 * k_quiet) == Phones{"+15550000001"});
}

TEST_CASE("a question after the rating question ends its wait", "[store][satisfaction]") {
    SatisfactionDb t;
    t.question("+15550000001", k_now - 2 * k_quiet);
    sbc::store::mark_survey_asked(t.db, t.business, "+15550000001", k_now);
    t.question("+15550000001", k_now + k_minute);
    CHECK_FALSE(sbc::store::pending_survey(t.db, t.business, "+15550000001"));
}

TEST_CASE("no rating question when the switch is off, after opt-out, for a paused business or an open "
          "hand-off",
          "[store][satisfaction]") {
    SatisfactionDb t;
    t.question("+15550000001", k_now - 2 * k_quiet);
    sbc::store::set_survey_enabled(t.db, t.business, false);
    CHECK(t.due().empty());
    sbc::store::set_survey_enabled(t.db, t.business, true);

    sbc::store::set_opted_out(t.db, t.business, "+15550000001", true);
    CHECK(t.due().empty());
    sbc::store::set_opted_out(t.db, t.business, "+15550000001", false);

    t.db.exec("UPDATE businesses SET paused = 1");
    CHECK(t.due().empty());
    t.db.exec("UPDATE businesses SET paused = 0");

    t.db.exec("INSERT INTO handoffs(business_id, number, customer, question, created_at) "
              "VALUES (1, 1, '+15550000001', 'parking?', 0)");
    CHECK(t.due().empty());
    t.db.exec("UPDATE handoffs SET state = 'closed'");
    CHECK(t.due() == Phones{"+15550000001"});
}

TEST_CASE("satisfaction is the mean of the business's ratings, none before the first",
          "[store][satisfaction]") {
    SatisfactionDb t;
    CHECK(sbc::store::satisfaction(t.db, t.business).ratings == 0);
    CHECK_FALSE(sbc::store::satisfaction(t.db, t.business).average);
    sbc::store::record_rating(t.db, t.business, "+15550000001", 5, std::nullopt, k_now, k_now);
    sbc::store::record_rating(t.db, t.business, "+15550000002", 4, std::nullopt, k_now, k_now);
    auto s = sbc::store::satisfaction(t.db, t.business);
    CHECK(s.ratings == 2);
    REQUIRE(s.average);
    CHECK(*s.average == Approx(4.5));
}
