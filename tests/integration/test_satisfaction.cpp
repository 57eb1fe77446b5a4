// Customer satisfaction end to end: a quiet conversation of a business with the rating question on gets the
// question once, through Twilio; the customer's "4 stars" is stored as a rating (not answered as a question)
// and shows in sbcctl business stats and the admin API; no question when the switch is off or the customer's
// 24-hour window is (nearly) over. The quiet time is one second, and each test waits for a condition.

#include "daemon/store/database.hpp"
#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

#include <ctime>
#include <httplib.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_satisfaction {

constexpr const char* k_admin_token = "satisfaction-admin-token-0123456789";
constexpr const char* k_alice = "+15552220001";
constexpr const char* k_bob = "+15552220002";
constexpr const char* k_carol = "+15552220003";
constexpr const char* k_dave = "+15552220004";
constexpr const char* k_erin = "+15552220005";

// Pizza Palace with one knowledge entry, the admin API on and a one-second quiet time.
struct SurveyLive : LiveDaemon {
    SurveyLive()
        : LiveDaemon({{"SBC_ADMIN_TOKEN", k_admin_token},
                      {"SBC_SATISFACTION_QUIET_SECONDS", "1"},
                      {"SBC_RATE_CUSTOMER_PER_HOUR", "0"}}) {
        register_business("Pizza Palace", k_pizza_number, k_pizza_owner);
        add_knowledge("pizza-palace", "We deliver downtown until 10pm");
    }
    // Sends a message to `number` and waits until the customer has one more message from Twilio.
    std::string say(const std::string& from, const std::string& body,
                    const std::string& number = k_pizza_number) {
        auto before = bodies_to(from).size();
        REQUIRE(message(next_sid(), from, number, body).status == 200);
        REQUIRE(wait_for_bodies(from, before + 1));
        return bodies_to(from).back();
    }
};

bool is_rating_question(const std::string& body) {
    return body.find("How would you rate your conversation with Pizza Palace?") != std::string::npos;
}

TEST_CASE("satisfaction: a quiet conversation is asked once, the rating shows in stats and the API",
          "[satisfaction]") {
    SurveyLive live;
    auto on = live.daemon().ctl_json({"business", "update", "pizza-palace", "--satisfaction"});
    CHECK(on["arguments"]["satisfaction"] == true);

    CHECK_THAT(live.say(k_alice, "Do you deliver downtown?"), Contains("downtown"));
    REQUIRE(live.wait_for_bodies(k_alice, 2));
    CHECK(is_rating_question(live.bodies_to(k_alice)[1]));

    // The answer is a rating, thanked for and not answered from the knowledge base.
    CHECK(live.say(k_alice, "4 stars") == "Thank you for your rating (4/5)!");
    CHECK(live.count("SELECT COUNT(*) FROM ratings WHERE customer = '+15552220001' AND rating = 4") == 1);
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND kind = 'rating'") == 1);

    // Bob's conversation goes quiet after Alice's rating: when he is asked, every round since has seen
    // Alice's conversation quiet too, and she was not asked again.
    live.say(k_bob, "Do you deliver downtown?");
    REQUIRE(live.wait_for_bodies(k_bob, 2));
    CHECK(is_rating_question(live.bodies_to(k_bob)[1]));
    CHECK(live.bodies_to(k_alice).size() == 3);
    // Bob's "2" is his rating; a "2" later, with no question waiting, would be a question again.
    CHECK(live.say(k_bob, "2") == "Thank you for your rating (2/5)!");

    auto stats = live.daemon().ctl_json({"business", "stats", "pizza-palace"});
    CHECK(stats["arguments"]["ratings"] == 2);
    CHECK(stats["arguments"]["customer_satisfaction"].get<double>() == Approx(3.0));
    CHECK(stats["arguments"]["satisfaction_survey"] == true);
    CHECK(stats["arguments"]["total_queries"] == 2); // the ratings are not questions
    auto text = live.daemon().ctl({"business", "stats", "pizza-palace"});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Contains("customer satisfaction") && Contains("3.0 / 5"));

    httplib::Client api("127.0.0.1", live.daemon().http_port());
    httplib::Headers auth = {{"Authorization", std::string("Bearer ") + k_admin_token}};
    auto shown = api.Get("/api/businesses/pizza-palace", auth);
    REQUIRE(shown);
    REQUIRE(shown->status == 200);
    auto body = nlohmann::json::parse(shown->body);
    CHECK(body["metrics"]["customerSatisfaction"].get<double>() == Approx(3.0));
}

TEST_CASE("satisfaction: no question when the switch is off or outside the 24-hour window",
          "[satisfaction]") {
    SurveyLive live;
    REQUIRE(register_coffee(live.daemon()).exit_code == 0);
    REQUIRE(
        live.daemon().ctl({"kb", "add", "--business", "coffee-corner", "We roast our own beans"}).exit_code ==
        0);
    // Alice writes last, so when her conversation is quiet, so are the others.
    live.say(k_carol, "Do you roast your own beans?", k_coffee_number); // coffee-corner keeps the switch off
    live.say(k_dave, "Do you deliver downtown?");
    live.say(k_alice, "Do you deliver downtown?");
    {
        // Dave wrote 25 hours ago: WhatsApp no longer lets the business send him a free text.
        sbc::store::Database db(live.daemon().database(), false);
        auto long_ago = std::to_string(time(nullptr) * 1000LL - 25LL * 3600 * 1000);
        db.exec("UPDATE customers SET last_inbound_at = " + long_ago + ", last_question_at = " + long_ago +
                " WHERE phone = '" + k_dave + "'");
    }
    REQUIRE(live.daemon().ctl({"business", "update", "pizza-palace", "--satisfaction"}).exit_code == 0);

    REQUIRE(live.wait_for_bodies(k_alice, 2));
    CHECK(is_rating_question(live.bodies_to(k_alice)[1]));
    // The round that asked Alice looked at Dave's and Carol's conversations in the same query and
    // transaction.
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE kind = 'rating-request'") == 1);
    CHECK(live.bodies_to(k_dave).size() == 1);
    CHECK(live.bodies_to(k_carol).size() == 1);

    // With the switch off again, a new quiet conversation is not asked about. Erin writes to coffee-corner
    // (switch on) after Bob: when she is asked, Bob's conversation has been quiet as long.
    REQUIRE(live.daemon().ctl({"business", "update", "pizza-palace", "--no-satisfaction"}).exit_code == 0);
    REQUIRE(live.daemon().ctl({"business", "update", "coffee-corner", "--satisfaction"}).exit_code == 0);
    live.say(k_bob, "Do you deliver downtown?");
    live.say(k_erin, "Do you roast your own beans?", k_coffee_number);
    REQUIRE(live.wait_for_bodies(k_erin, 2));
    CHECK_THAT(live.bodies_to(k_erin)[1],
               Contains("How would you rate your conversation with Coffee Corner?"));
    CHECK(live.count(
              "SELECT COUNT(*) FROM messages WHERE kind = 'rating-request' AND customer = '+15552220002'") ==
          0);
    CHECK(live.bodies_to(k_bob).size() == 1);
}

TEST_CASE("satisfaction: a message that is not a rating is answered as a question", "[satisfaction]") {
    SurveyLive live;
    REQUIRE(live.daemon().ctl({"business", "update", "pizza-palace", "--satisfaction"}).exit_code == 0);
    live.say(k_alice, "Do you deliver downtown?");
    REQUIRE(live.wait_for_bodies(k_alice, 2));
    // A leading digit does not make a rating: "4 pizzas ..." is a question.
    CHECK_THAT(live.say(k_alice, "4 pizzas: do you deliver them downtown?"),
               !Contains("Thank you for your rating"));
    CHECK(live.count("SELECT COUNT(*) FROM ratings") == 0);
    // It was answered as a question (and starts a new conversation), not taken as a rating.
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND kind = 'question'") == 2);
}

} // namespace test_satisfaction
