#include "daemon/answer/answerer.hpp"
#include "daemon/answer/lexicon.hpp"
#include "daemon/answer/normalise.hpp"
#include "daemon/answer/place_names.hpp"
#include "daemon/answer/retriever.hpp"
#include "daemon/answer/synonym_words.hpp"
#include "daemon/answer/typo.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/synonym_repo.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <catch2/catch.hpp>

using namespace sbc;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// A migrated database with one business and a few entries, numbered 1.. in the order given.
struct Shop {
    test::TempDir dir;
    store::Database db{dir.file("sbc.db"), true};
    store::Business business;

    explicit Shop(const std::vector<std::string>& entries) {
        store::migrate(db);
        business.id = "shop";
        business.name = "Shop";
        business.number = "+14155238886";
        business.owner = "+15551234567";
        business.fallback = "I'll ask the owner.";
        store::insert_business(db, business);
        for (const auto& text : entries) {
            store::Entry e;
            e.business_rowid = business.rowid;
            e.text = text;
            store::insert_entry(db, e);
        }
    }

    // The number of the entry that answers, or 0 for a hand-off.
    std::int64_t answer(std::string_view question, answer::Mode mode = answer::Mode::builtin) {
        auto a = answer::answer_question(db, business, question, answer::k_default_threshold, mode);
        return a.entry_number.value_or(0);
    }
};

const std::vector<std::string> k_entries = {
    "Open Tue-Sun 12-15 and 18-23. Closed Mondays.",
    "We deliver within 5 km, free over 25 euros.",
    "Gift cards from 20 euros, buy them at the counter.",
    "Kids menu for under 10s: small margherita, drink and ice cream.",
    "Table reservations by phone or here on WhatsApp.",
};

} // namespace

TEST_CASE("stem joins the noun to the verb and plurals to singulars", "[answer][normalise]") {
    CHECK(answer::stem("delivery") == answer::stem("deliver"));
    CHECK(answer::stem("deliveries") == answer::stem("deliver"));
    CHECK(answer::stem("delivered") == answer::stem("delivering"));
    CHECK(answer::stem("reservation") == answer::stem("reserve"));
    CHECK(answer::stem("closed") == answer::stem("close"));
    CHECK(answer::stem("children") == answer::stem("child"));
    CHECK(answer::stem("shopping") == "shop");
    CHECK(answer::stem("kids") == answer::stem("kid"));
    CHECK(answer::stem("bus") == "bus");
    CHECK(answer::stem("closing") == answer::stem("closed"));
}

TEST_CASE("normalised terms drop stop words and join fixed phrases", "[answer][normalise]") {
    CHECK(answer::normalised_terms("What time do you CLOSE tonight?") ==
          std::vector<std::string>{answer::stem("time"), answer::stem("close"), answer::stem("tonight")});
    CHECK(answer::normalised_terms("do you sell gift cards") ==
          std::vector<std::string>{answer::stem("voucher")});
    CHECK(answer::normalised_terms("my 6 year old") == std::vector<std::string>{"child"});
    CHECK(answer::normalised_terms("for my 7yo") == std::vector<std::string>{"child"});
    CHECK(answer::normalised_terms("14-15 year olds") == std::vector<std::string>{"child"});
    CHECK(answer::normalised_terms("open 14-15") == std::vector<std::string>{answer::stem("open"), "hour"});
    CHECK(answer::normalised_terms("how do I sign up") == std::vector<std::string>{answer::stem("signup")});
    CHECK(contains(answer::normalised_terms("someone broke in last night"), "breakin"));
    CHECK(contains(answer::normalised_terms("After a break-in we board up"), "breakin"));
    CHECK(contains(answer::normalised_terms("can I come in without booking"), "walkin"));
    CHECK(contains(answer::lexicon_related(answer::stem("scared")), answer::stem("nervous")));
    CHECK(contains(answer::lexicon_related(answer::stem("rental")), answer::stem("landlord")));
    CHECK(answer::normalised_terms("the heating isn't working") ==
          std::vector<std::string>{answer::stem("heating"), answer::stem("broken")});
    CHECK(answer::normalised_terms("the wi-fi") == std::vector<std::string>{"wifi"});
    CHECK(answer::normalised_terms("what is the") == std::vector<std::string>{});
    CHECK(answer::normalised_terms("r u open tmrw pls") ==
          std::vector<std::string>{answer::stem("open"), answer::stem("tomorrow")});
}

TEST_CASE("a decimal amount without a currency is a price, a time with a point is a time",
          "[answer][normalise]") {
    auto price = answer::stem("price");
    CHECK(contains(answer::normalised_terms("Day pass 8.99"), price));
    CHECK(contains(answer::normalised_terms("Suits 14.95"), price));
    CHECK(contains(answer::normalised_terms("Monthly 29.99"), price));
    CHECK_FALSE(contains(answer::normalised_terms("Monthly 29.99"), "hour"));
    CHECK(contains(answer::normalised_terms("open from 8.30"), "hour"));
    CHECK_FALSE(contains(answer::normalised_terms("open from 8.30"), price));
    CHECK(contains(answer::normalised_terms("open 7:30-18:00"), "hour"));
    CHECK(contains(answer::normalised_terms("Regular cleaning, 18 per hour"), price));
    CHECK(contains(answer::normalised_terms("Double rooms from 95 a night"), price));
    CHECK(contains(answer::normalised_terms("Health plan 14 a month"), price));
    CHECK_FALSE(contains(answer::normalised_terms("We cover 15 miles"), price));
    CHECK_FALSE(contains(answer::normalised_terms("3 classes a week"), price));
}

TEST_CASE("the lexicon knows events, groups and the words British and American English differ in",
          "[answer][lexicon]") {
    CHECK(contains(answer::lexicon_related(answer::stem("married")), answer::stem("wedding")));
    CHECK(contains(answer::lexicon_related(answer::stem("music")), answer::stem("event")));
    CHECK(contains(answer::lexicon_related(answer::stem("people")), answer::stem("groups")));
    CHECK(contains(answer::lexicon_related(answer::stem("takeout")), answer::stem("takeaway")));
    CHECK(contains(answer::lexicon_related(answer::stem("stroller")), answer::stem("pushchair")));
    CHECK(answer::normalised_terms("how do I get to you") ==
          std::vector<std::string>{answer::stem("directions")});
    CHECK(answer::normalised_terms("electric bikes") == std::vector<std::string>{answer::stem("ebike")});
}

TEST_CASE("the lexicon knows waiting times, rescheduling, paying in parts and first-timers",
          "[answer][lexicon]") {
    CHECK(answer::normalised_terms("how long does it take") ==
          std::vector<std::string>{answer::stem("duration"), answer::stem("take")});
    CHECK(contains(answer::lexicon_related(answer::stem("duration")), answer::stem("minutes")));
    CHECK(contains(answer::lexicon_related(answer::stem("rearrange")), answer::stem("cancel")));
    CHECK(contains(answer::lexicon_related(answer::stem("instalments")), answer::stem("pay")));
    CHECK(contains(answer::lexicon_related(answer::stem("beginners")), answer::stem("trial")));
    CHECK(contains(answer::lexicon_related(answer::stem("cheaper")), answer::stem("price")));
    CHECK(answer::normalised_terms("can I get my money back") == std::vector<std::string>{"moneyback"});
    CHECK(contains(answer::lexicon_related("moneyback"), answer::stem("refund")));
}

TEST_CASE("a what-if question asks for the guarantee, the insurance or the cancellation terms",
          "[answer][lexicon]") {
    CHECK(answer::normalised_terms("what if it leaks again") ==
          std::vector<std::string>{"whatif", answer::stem("leaks"), answer::stem("again")});
    CHECK(contains(answer::normalised_terms("what happens if I miss it"), "whatif"));
    CHECK(contains(answer::lexicon_related("whatif"), answer::stem("guarantee")));
    CHECK(contains(answer::lexicon_related("whatif"), answer::stem("insurance")));
    CHECK(contains(answer::lexicon_related(answer::stem("tablets")), answer::stem("prescription")));
    Shop shop({"Parking behind the shop, free after 6pm.", "12 month guarantee on all our repairs.",
               "Fully insured for accidental damage in your home.", "Open Mon-Sat 8am-6pm.",
               "Call-out £60, then £45 an hour.", "Cancel or move a booking free up to 24 hours before."});
    CHECK(shop.answer("what happens if I can't make it") == 6);
    CHECK(shop.answer("what if something gets broken") == 3);
}

TEST_CASE("the lexicon relates customers' words to owners' words, both ways", "[answer][lexicon]") {
    const auto& voucher = answer::lexicon_related(answer::stem("voucher"));
    CHECK(contains(voucher, answer::stem("gift")));
    CHECK(contains(answer::lexicon_related(answer::stem("gift")), answer::stem("voucher")));
    CHECK(contains(answer::lexicon_related(answer::stem("close")), answer::stem("hours")));
    CHECK(contains(answer::lexicon_related(answer::stem("shipping")), answer::stem("deliver")));
    CHECK(contains(answer::lexicon_related("child"), answer::stem("kids")));
    CHECK_FALSE(contains(voucher, answer::stem("voucher")));
    CHECK(answer::lexicon_related("zzzunknown").empty());
    const auto& all = answer::lexicon_terms();
    CHECK(std::is_sorted(all.begin(), all.end()));
    CHECK(contains(all, answer::stem("reservation")));
}

TEST_CASE("edit distance counts inserts, deletes, substitutions and swaps within a bound", "[answer][typo]") {
    CHECK(answer::edit_distance("deliver", "deliver", 2) == 0);
    CHECK(answer::edit_distance("delivr", "deliver", 2) == 1);
    CHECK(answer::edit_distance("dleiver", "deliver", 2) == 1); // a swap of neighbours is one edit
    CHECK(answer::edit_distance("vouchr", "voucher", 1) == 1);
    CHECK(answer::edit_distance("abc", "xyzuvw", 2) == 3); // over the bound: bound + 1
    CHECK(answer::typo_budget(3) == 0);
    CHECK(answer::typo_budget(5) == 1);
    CHECK(answer::typo_budget(9) == 2);
    std::vector<std::string> words = {"deliver", "voucher", "table", "card"};
    CHECK(answer::nearest_words("vouchr", words) == std::vector<std::string>{"voucher"});
    CHECK(answer::nearest_words("delivr", words) == std::vector<std::string>{"deliver"});
    CHECK(answer::nearest_words("car", words).empty());     // too short to be taken for a typo
    CHECK(answer::nearest_words("voucher", words).empty()); // a known word is no typo
    CHECK(answer::nearest_words("pizza", words).empty());
}

TEST_CASE("a capitalised word after in, to, near, around or from is a place, unless a month or a holiday",
          "[answer][places]") {
    using V = std::vector<std::string>;
    CHECK(answer::place_words("do you come to Shoreham") == V{"shoreham"});
    CHECK(answer::place_words("I live near St Ives. Do you deliver to Hove?") == V{"st", "hove"});
    CHECK(answer::place_words("do you come to shoreham").empty()); // lower case: could be anything
    CHECK(answer::place_words("Shoreham, do you come there").empty());
    CHECK(answer::place_words("she has her exams in June").empty());
    CHECK(answer::place_words("are you open over Christmas or in Easter week").empty());
    CHECK(answer::place_words("do you work on Teslas").empty()); // "on": a brand, not a place
    CHECK(answer::place_words("can I get an MOT in March").empty());
    CHECK(answer::place_words("is it from MOT").empty()); // all capitals: an abbreviation
}

TEST_CASE("builtin retrieval takes a town the business never names for the area it covers",
          "[answer][retriever][places]") {
    Shop shop({"Regular cleaning weekly or fortnightly, 18 per hour.",
               "We cover Brighton and Hove, within 5 miles.", "Oven cleaning on its own 60.",
               "Please give 48 hours notice to skip a clean."});
    CHECK(shop.answer("do you come to Shoreham") == 2);
    CHECK(shop.answer("Do you clean in Worthing?") == 2);
    CHECK(shop.answer("can you clean my oven in June") == 3);
}

TEST_CASE("builtin retrieval finds paraphrases plain FTS misses, and declines the unknown",
          "[answer][retriever]") {
    Shop shop(k_entries);
    CHECK(shop.answer("what time do you close tonight?") == 1);
    CHECK(shop.answer("do you sell vouchers?") == 3);
    CHECK(shop.answer("my 6 year old is fussy, what can she eat") == 4);
    CHECK(shop.answer("can I book a table") == 5);
    CHECK(shop.answer("is there a delivery charge") == 2);
    CHECK(shop.answer("can you fix my bicycle?") == 0);
    CHECK(shop.answer("who won the football last night") == 0);
    // Plain FTS: porter keeps "delivery" apart from "deliver", and knows no "voucher".
    CHECK(shop.answer("do you sell vouchers?", answer::Mode::fts) == 0);
    CHECK(shop.answer("is there a delivery charge", answer::Mode::fts) != 2);
}

TEST_CASE("builtin retrieval tolerates small typos", "[answer][retriever][typo]") {
    Shop shop(k_entries);
    CHECK(shop.answer("do you delivr?") == 2);
    CHECK(shop.answer("resevation for 4") == 5);
}

TEST_CASE("an owner's synonym makes a trade word find its entry, and removing it undoes that",
          "[answer][retriever][synonym]") {
    Shop shop({"Open Mon-Sat 9-18.", "Bouquets from 25 euros.", "Funeral wreaths, order 2 days ahead."});
    CHECK(shop.answer("do you do corsages") == 0);
    REQUIRE(store::add_synonym(shop.db, shop.business.rowid, "corsage", "bouquet"));
    CHECK(shop.answer("do you do corsages") == 2);
    CHECK_FALSE(store::add_synonym(shop.db, shop.business.rowid, "bouquet", "corsage")); // either order
    REQUIRE(store::remove_synonym(shop.db, shop.business.rowid, "bouquet", "corsage"));
    CHECK(shop.answer("do you do corsages") == 0);
    CHECK(store::list_synonyms(shop.db, shop.business.rowid).empty());
}

TEST_CASE("a knowledge change is seen by the next question, whatever the answerer kept",
          "[answer][retriever]") {
    Shop shop(k_entries);
    CHECK(shop.answer("do you have parking") == 0);
    store::Entry e;
    e.business_rowid = shop.business.rowid;
    e.text = "Free parking behind the restaurant.";
    store::insert_entry(shop.db, e);
    CHECK(shop.answer("do you have parking") == e.number);
    store::delete_entry(shop.db, e.rowid);
    CHECK(shop.answer("do you have parking") == 0);
}

TEST_CASE("retrieve returns ranked candidates with confidences for one business only",
          "[answer][retriever]") {
    Shop shop(k_entries);
    auto candidates =
        answer::retrieve(shop.db, shop.business.rowid, "gift voucher delivery", answer::Mode::builtin, 3);
    REQUIRE(candidates.size() == 2);
    CHECK(candidates[0].confidence >= candidates[1].confidence);
    CHECK(candidates[0].confidence <= 1.0);
    CHECK(answer::retrieve(shop.db, shop.business.rowid + 1, "gift voucher").empty());
    CHECK(answer::retrieve(shop.db, shop.business.rowid, "the and of").empty());
}

TEST_CASE("a synonym pair is two single words the answerer does not ignore", "[answer][synonym]") {
    auto ok = answer::check_synonym_pair(" Delivery ", "SHIPPING");
    REQUIRE(ok);
    CHECK(ok->word == "delivery");
    CHECK(ok->synonym == "shipping");
    CHECK_FALSE(answer::check_synonym_pair("gift card", "voucher"));
    CHECK_FALSE(answer::check_synonym_pair("the", "voucher"));
    CHECK_FALSE(answer::check_synonym_pair("voucher", "Voucher"));
    CHECK_FALSE(answer::check_synonym_pair("", "voucher"));
    CHECK_FALSE(answer::check_synonym_pair(std::string(41, 'a'), "voucher"));
}

TEST_CASE("builtin: of two entries with the question's word, the one that starts with it ranks first",
          "[answer]") {
    // Both cover "vouchers" alike and repeat it once; without the first-word bonus the older entry wins.
    Shop shop({"We sell bikes and locks, and vouchers too.", "Vouchers from 20 euros, any amount."});
    CHECK(shop.answer("vouchers?") == 2);
    auto candidates = answer::retrieve(shop.db, shop.business.rowid, "vouchers?");
    REQUIRE(candidates.size() == 2);
    // The bonus ranks; it does not change the confidence the threshold reads.
    CHECK(candidates[0].confidence == candidates[1].confidence);
}

TEST_CASE("builtin: a customer's american spelling finds the owner's british one", "[answer][spelling]") {
    Shop shop({"We colour and cut, from 40 euros.", "Parking behind the shopping centre."});
    CHECK(shop.answer("do you do hair color") == 1);
    CHECK(shop.answer("where is the center") == 2);
}

TEST_CASE("builtin: an everyday word of the question counts less than the thing asked about", "[answer]") {
    // "bring" is the cup entry's own word, "puppy" only related to the dogs entry's: at full weight the
    // everyday verb would win.
    Shop shop({"Bring your own cup and get 20 cents off.", "Dogs welcome inside."});
    CHECK(shop.answer("can I bring my puppy") == 2);
}

TEST_CASE("builtin: one word of an entry answers one word of the question", "[answer]") {
    // "send" is related to both "bring" and "house" through the lexicon's delivery words. Counted for both,
    // the entry would cover the whole question (0.8); counted once, it covers "bring" alone, which the
    // everyday-word weight makes a third of the question.
    Shop shop({"Send us your CV."});
    auto candidates = answer::retrieve(shop.db, shop.business.rowid, "can you bring it to my house");
    REQUIRE(candidates.size() == 1);
    CHECK(candidates[0].confidence < 0.5);
    CHECK(shop.answer("can you bring it to my house") == 0);
}

TEST_CASE("builtin: a word the business does not know finds the compound it ends", "[answer]") {
    Shop shop({"Neutering for cats and dogs from 80.", "Microchipping 20, free with the health plan.",
               "Keys are coded and locked away."});
    CHECK(shop.answer("do you chip dogs") == 2);
    CHECK(shop.answer("can you unblock my sink") == 0); // "unblock" is not a lock
}
