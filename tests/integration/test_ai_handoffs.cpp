// Hand-offs end to end: a question the knowledge base cannot answer is handed to the owner with a number;
// the owner answers it from WhatsApp with !reply or !answer; sbcctl handoffs lists the open ones.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

#include <catch2/catch.hpp>
#include <fmt/format.h>

using namespace sbc::test;
using Catch::Matchers::Contains;

namespace test_ai_handoffs {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_customer = "+15552223333";

// Pizza Palace with one knowledge entry; customers may ask as often as they like.
struct HandoffLive : LiveDaemon {
    HandoffLive() : LiveDaemon({{"SBC_RETRY_BASE_MS", "10"}, {"SBC_RATE_CUSTOMER_PER_HOUR", "0"}}) {
        register_business("Pizza Palace", k_number, k_owner);
        add_knowledge("pizza-palace", "We deliver downtown until 10pm");
    }
    // Sends a message and waits until `to` has received `replies` more messages; returns the last one.
    std::string say(const std::string& from, const std::string& body, const std::string& to,
                    std::size_t replies = 1) {
        auto before = bodies_to(to).size();
        REQUIRE(message(next_sid(), from, k_number, body).status == 200);
        REQUIRE(wait_for_bodies(to, before + replies));
        return bodies_to(to).back();
    }
};

TEST_CASE("hand-offs: !reply sends the owner's text to the customer and closes the hand-off",
          "[ai][handoff]") {
    HandoffLive live;
    live.say(k_owner, "!help", k_owner); // the owner wrote: notices reach them inside the 24-hour window
    auto fallback = live.say(k_customer, "Do you have parking for trucks?", k_customer);
    CHECK_THAT(fallback, Contains("passed your question on"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 2; }, std::chrono::seconds(20)));
    auto notice = live.bodies_to(k_owner).back();
    CHECK_THAT(notice,
               Contains("Do you have parking for trucks?") && Contains("!reply 1") && Contains("!answer 1"));

    auto listed = live.daemon().ctl_json({"handoffs", "--business", "pizza-palace"});
    REQUIRE(listed["arguments"]["handoffs"].size() == 1);
    CHECK(listed["arguments"]["handoffs"][0]["number"] == 1);
    CHECK(listed["arguments"]["handoffs"][0]["customer"] == k_customer);
    CHECK(listed["arguments"]["handoffs"][0]["question"] == "Do you have parking for trucks?");
    auto text = live.daemon().ctl({"handoffs"});
    CHECK(text.exit_code == 0);
    CHECK_THAT(text.out, Contains("pizza-palace") && Contains("parking for trucks"));

    // A number that is not open: a hint to the owner, nothing to the customer.
    auto wrong = live.say(k_owner, "!reply 7 Yes", k_owner);
    CHECK_THAT(wrong, Contains("no open question 7"));
    CHECK(live.bodies_to(k_customer).size() == 1);

    auto confirm = live.say(k_owner, "!reply 1 Yes, trucks can park behind the shop", k_owner);
    CHECK_THAT(confirm, Contains("Sent to +15552223333"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 2; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer).back() == "Yes, trucks can park behind the shop");
    CHECK(live.daemon().ctl_json({"handoffs"})["arguments"]["handoffs"].empty());
    CHECK(live.count("SELECT COUNT(*) FROM knowledge") == 1); // !reply teaches nothing
}

TEST_CASE("hand-offs: !answer also adds the answer to the knowledge base", "[ai][handoff]") {
    HandoffLive live;
    live.say(k_owner, "!help", k_owner);
    live.say(k_customer, "Is there parking for trucks?", k_customer);
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 2; }, std::chrono::seconds(20)));
    auto confirm = live.say(k_owner, "!answer 1 Trucks can park behind the shop", k_owner);
    CHECK_THAT(confirm, Contains("Sent to") && Contains("Added #2"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 2; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer).back() == "Trucks can park behind the shop");
    CHECK(live.count("SELECT COUNT(*) FROM knowledge WHERE number = 2 AND text = 'Trucks can park behind the "
                     "shop' AND tags = 'Is there parking for trucks?'") == 1);
    // The next customer asking the same is answered from the new entry.
    CHECK(live.say("+15552224444", "Is there parking for trucks?", "+15552224444") ==
          "Trucks can park behind the shop");
}

TEST_CASE(
    "hand-offs: the notice names the closest entries, and !answer <n> #<entry> sends one and teaches it",
    "[ai][handoff]") {
    HandoffLive live;
    live.say(k_owner, "!help", k_owner);
    const std::string question = "Do you deliver to boats in the harbour?";
    CHECK_THAT(live.say(k_customer, question, k_customer), Contains("passed your question on"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 2; }, std::chrono::seconds(20)));
    CHECK_THAT(live.bodies_to(k_owner).back(),
               Contains("!answer 1 #<entry> sends it") && Contains("\n#1 We deliver downtown until 10pm"));

    // An entry that does not exist: a hint, nothing sent, the question still open.
    CHECK_THAT(live.say(k_owner, "!answer 1 #9", k_owner), Contains("There is no entry #9"));
    CHECK(live.bodies_to(k_customer).size() == 1);
    CHECK(live.daemon().ctl_json({"handoffs"})["arguments"]["handoffs"].size() == 1);

    auto confirm = live.say(k_owner, "!answer 1 #1", k_owner);
    CHECK_THAT(confirm, Contains("Sent to +15552223333") && Contains("Entry #1 now also answers"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 2; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer).back() == "We deliver downtown until 10pm");
    CHECK(live.daemon().ctl_json({"handoffs"})["arguments"]["handoffs"].empty());
    CHECK(live.count("SELECT COUNT(*) FROM knowledge") == 1); // taught, not added
    CHECK(live.count("SELECT COUNT(*) FROM knowledge WHERE number = 1 AND text = 'We deliver downtown until "
                     "10pm' AND tags = 'Do you deliver to boats in the harbour?'") == 1);
    // The next customer who asks it that way is answered from the entry.
    CHECK(live.say("+15552224444", question, "+15552224444") == "We deliver downtown until 10pm");
}

TEST_CASE("hand-offs: !reply <n> #<entry> sends the entry and teaches nothing", "[ai][handoff]") {
    HandoffLive live;
    live.say(k_owner, "!help", k_owner);
    live.say(k_customer, "Do you have parking for trucks?", k_customer);
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 2; }, std::chrono::seconds(20)));
    CHECK_THAT(live.bodies_to(k_owner).back(), !Contains("#<entry>")); // nothing close enough to name
    // "#1" is an entry only as the whole answer: here it is the owner's text.
    CHECK_THAT(live.say(k_owner, "!reply 1 #1 spot is behind the shop", k_owner), Contains("Sent to"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 2; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer).back() == "#1 spot is behind the shop");

    live.say(k_customer, "Do you have parking for vans?", k_customer);
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 4; }, std::chrono::seconds(20)));
    CHECK_THAT(live.say(k_owner, "!reply 1 #1", k_owner),
               Contains("Sent to") && !Contains("now also answers"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 4; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer).back() == "We deliver downtown until 10pm");
    CHECK(live.count("SELECT COUNT(*) FROM knowledge WHERE tags = ''") == 1);
}

TEST_CASE("hand-offs: a customer who asks for a person hands their last question to the owner",
          "[ai][handoff]") {
    HandoffLive live;
    live.say(k_owner, "!help", k_owner);
    CHECK(live.say(k_customer, "Do you deliver downtown?", k_customer) == "We deliver downtown until 10pm");
    CHECK_THAT(live.say(k_customer, "that\xE2\x80\x99s not what I asked", k_customer),
               Contains("passed your question on"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 2; }, std::chrono::seconds(20)));
    CHECK_THAT(live.bodies_to(k_owner).back(),
               Contains("(question 1): \"Do you deliver downtown?\"") &&
                   Contains("Then they asked for a person: \"that\xE2\x80\x99s not what I asked\"") &&
                   Contains("#1 We deliver downtown until 10pm"));
    auto listed = live.daemon().ctl_json({"handoffs"})["arguments"]["handoffs"];
    REQUIRE(listed.size() == 1);
    CHECK(listed[0]["question"] == "Do you deliver downtown?");
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE direction = 'in' AND kind = 'escalation'") == 1);
    CHECK(live.say(k_owner, "!reply 1 Yes, and to the harbour on request", k_owner).starts_with("Sent to"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_customer).size() == 3; }, std::chrono::seconds(20)));
    CHECK(live.bodies_to(k_customer).back() == "Yes, and to the harbour on request");

    // With no question before it, the request itself is what the owner answers.
    CHECK_THAT(live.say("+15552224444", "Human!", "+15552224444"), Contains("passed your question on"));
    REQUIRE(wait_until([&] { return live.bodies_to(k_owner).size() == 4; }, std::chrono::seconds(20)));
    CHECK_THAT(live.bodies_to(k_owner).back(),
               Contains("(question 1): \"Human!\"") && !Contains("Then they asked"));
}

TEST_CASE("hand-offs: sbcctl handoffs names an unknown business", "[ai][handoff]") {
    HandoffLive live;
    auto r = live.daemon().ctl({"handoffs", "--business", "nope"});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.err, Contains("nope"));
}

} // namespace test_ai_handoffs
