#include "daemon/answer/normalise.hpp"
#include "daemon/answer/spelling.hpp"

#include <catch2/catch.hpp>

using sbc::answer::american_spelling;
using sbc::answer::stem;

TEST_CASE("british spellings of the regular families become american", "[answer][spelling]") {
    CHECK(american_spelling("colour") == "color");
    CHECK(american_spelling("favourite") == "favorite");
    CHECK(american_spelling("centres") == "centers");
    CHECK(american_spelling("theatre") == "theater");
    CHECK(american_spelling("organised") == "organized");
    CHECK(american_spelling("personalisation") == "personalization");
    CHECK(american_spelling("traveller") == "traveler");
    CHECK(american_spelling("tyres") == "tires");
    CHECK(american_spelling("jewellery") == "jewelry");
    CHECK(american_spelling("enquiries") == "inquiries");
    CHECK(american_spelling("enrollment") == american_spelling("enrolment"));
}

TEST_CASE("words the spelling rules would break are left alone", "[answer][spelling]") {
    for (const char* word : {"hour", "four", "flour", "your", "acre", "genre", "size", "rise", "raise",
                             "noise", "premises", "seller", "color", "organize", "tire"}) {
        CHECK(american_spelling(word) == word);
    }
}

TEST_CASE("stem joins british and american forms and nouns in -al to their verbs", "[answer][normalise]") {
    CHECK(stem("cancelled") == stem("canceled"));
    CHECK(stem("travelling") == stem("traveling"));
    CHECK(stem("installed") == stem("install"));
    CHECK(stem("colours") == stem("color"));
    CHECK(stem("tyre") == stem("tires"));
    CHECK(stem("arrival") == stem("arrive"));
    CHECK(stem("removal") == stem("removed"));
    CHECK(stem("renewal") == stem("renew"));
    CHECK(stem("dental") != stem("dent"));
    CHECK(stem("small") == "small");
}
