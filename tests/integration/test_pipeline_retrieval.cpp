// The built-in retrieval through the real sbcd: a customer's paraphrase finds the owner's entry, and a
// synonym taught with !synonym (or sbcctl kb synonym) changes what a customer's word finds.

#include "tests/support/live_daemon.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace sbc::test;

namespace test_pipeline_retrieval {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_customer = "+15552223333";
constexpr const char* k_business = "luigis";

// Luigi's with three entries; ask() sends a signed message and returns the reply to its sender.
struct Shop : LiveDaemon {
    explicit Shop(Env extra = {}) : LiveDaemon(std::move(extra)) {
        register_business("Luigi's", k_number, k_owner, {"--id", k_business});
        for (const char* text :
             {"Open Tue-Sun 12-15 and 18-23. Closed Mondays.",
              "Gift cards from 20 euros, buy them at the counter.",
              "Kids menu for under 10s: small margherita, drink and ice cream, 8 euros."}) {
            add_knowledge(k_business, text);
        }
    }
    std::string ask(const std::string& from, const std::string& body) {
        return ask_and_wait(from, body, k_number);
    }
};

TEST_CASE("a customer's own words find the owner's entry through sbcd", "[pipeline][retrieval]") {
    Shop shop;
    CHECK(shop.ask(k_customer, "what time do you close tonight?") ==
          "Open Tue-Sun 12-15 and 18-23. Closed Mondays.");
    CHECK(shop.ask(k_customer, "Do you sell vouchers?") ==
          "Gift cards from 20 euros, buy them at the counter.");
    CHECK(shop.ask(k_customer, "what can my 6 year old eat") ==
          "Kids menu for under 10s: small margherita, drink and ice cream, 8 euros.");
    CHECK(query_int(shop.daemon().database(), "SELECT COUNT(*) FROM unanswered") == 0);
    // Out of scope: handed to the owner, not guessed.
    CHECK(shop.ask(k_customer, "can you fix my bicycle brakes?").find("Gift") == std::string::npos);
    REQUIRE(wait_until(
        [&] { return query_int(shop.daemon().database(), "SELECT COUNT(*) FROM unanswered") == 1; }));
}

TEST_CASE("sbcd without WordNet says so at start and still answers from its lexicon",
          "[pipeline][retrieval]") {
    TempDir elsewhere;
    Shop shop({{"SBC_WORDNET_DIR", elsewhere.file("no-wordnet")}});
    CHECK_THAT(shop.daemon().log(), Catch::Contains("WordNet not loaded") &&
                                        Catch::Contains(elsewhere.file("no-wordnet") + "/index.noun") &&
                                        Catch::Contains("wordnet-base"));
    CHECK(shop.ask(k_customer, "Do you sell vouchers?") ==
          "Gift cards from 20 euros, buy them at the counter.");
}

TEST_CASE("!synonym teaches a word end to end and sbcctl lists and removes it",
          "[pipeline][retrieval][owner]") {
    Shop shop;
    std::string before = shop.ask(k_customer, "any coupons?");
    CHECK(before.find("Gift cards") == std::string::npos);
    CHECK(shop.ask(k_owner, "!synonym coupon gift").find("Synonym taught") == 0);
    CHECK(shop.ask(k_customer, "any coupons?") == "Gift cards from 20 euros, buy them at the counter.");
    CHECK(query_int(shop.daemon().database(),
                    "SELECT COUNT(*) FROM synonyms WHERE word = 'coupon' AND synonym = 'gift'") == 1);
    CHECK(query_int(shop.daemon().database(), "SELECT COUNT(*) FROM events WHERE action = 'synonym-add'") ==
          1);

    auto list = shop.daemon().ctl_json({"kb", "synonym", "list", "--business", k_business});
    REQUIRE(list["arguments"]["synonyms"].size() == 1);
    CHECK(list["arguments"]["synonyms"][0]["word"] == "coupon");
    CHECK(list["arguments"]["synonyms"][0]["synonym"] == "gift");

    auto bad = shop.daemon().ctl({"kb", "synonym", "add", "--business", k_business, "gift card", "voucher"});
    CHECK(bad.exit_code != 0);
    CHECK(bad.err.find("single word") != std::string::npos);

    CHECK(shop.daemon()
              .ctl({"kb", "synonym", "remove", "--business", k_business, "gift", "coupon"})
              .exit_code == 0);
    CHECK(query_int(shop.daemon().database(), "SELECT COUNT(*) FROM synonyms") == 0);
    auto again = shop.daemon().ctl({"kb", "synonym", "remove", "--business", k_business, "gift", "coupon"});
    CHECK(again.exit_code != 0);
    CHECK(shop.ask(k_customer, "any coupons?").find("Gift cards") == std::string::npos);

    CHECK(shop.daemon().ctl({"kb", "synonym", "add", "--business", k_business, "Coupon", "GIFT"}).exit_code ==
          0);
    CHECK(shop.ask(k_customer, "any coupons?") == "Gift cards from 20 euros, buy them at the counter.");
}

} // namespace test_pipeline_retrieval
