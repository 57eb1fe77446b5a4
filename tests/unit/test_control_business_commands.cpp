#include "common/time_format.hpp"
#include "tests/unit/control_fixture.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using nlohmann::json;
using sbc::protocol::k_conflict;
using sbc::protocol::k_invalid;
using sbc::protocol::k_not_found;
using sbc::protocol::k_ok;
using sbc::test::ControlFixture;

namespace {

const json k_pizza = {{"name", "Pizza Palace"}, {"number", "+14155238886"}, {"owner", "+1234567890"}};

json with(json base, const json& extra) {
    base.update(extra);
    return base;
}

std::size_t count_action(ControlFixture& f, const std::string& action) {
    std::size_t n = 0;
    for (const auto& e : f.events()) {
        n += e.action == action ? 1 : 0;
    }
    return n;
}

} // namespace

TEST_CASE("business-register creates a business with an id from its name", "[control][business]") {
    ControlFixture f;
    auto response = f.call("business-register", k_pizza);
    INFO(response.dump());
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "registered business 'pizza-palace' on +14155238886");
    auto args = response["arguments"];
    REQUIRE(args["status"] == "created");
    auto b = args["business"];
    REQUIRE(b["id"] == "pizza-palace");
    REQUIRE(b["name"] == "Pizza Palace");
    REQUIRE(b["number"] == "+14155238886");
    REQUIRE(b["owner"] == "+1234567890");
    REQUIRE(b["shared"] == false);
    REQUIRE(b["paused"] == false);
    REQUIRE(b["greeting"] == "");
    REQUIRE(b["hours"] == "");
    REQUIRE(b["timezone"] == "UTC");
    REQUIRE_FALSE(b["fallback"].get<std::string>().empty());
    REQUIRE(b["knowledge_count"] == 0);
    REQUIRE(sbc::time_format::parse_time(b["created_at"].get<std::string>(), 0).has_value());
    REQUIRE(b["updated_at"] == b["created_at"]);
    REQUIRE(b.size() == 13);
    REQUIRE(f.ok("business-show", {{"id", "pizza-palace"}})["business"] == b);
}

TEST_CASE("business-register normalises phone numbers and trims text", "[control][business]") {
    ControlFixture f;
    auto b = f.ok("business-register", {{"id", "pizza"},
                                        {"name", "  Pizza  "},
                                        {"number", "whatsapp:+1 415-523-8886"},
                                        {"owner", "0039 347 123 4567"},
                                        {"greeting", " Ciao! "},
                                        {"hours", "12-24"},
                                        {"timezone", "Europe/Rome"},
                                        {"fallback", "Ask Mario"},
                                        {"shared", true}})["business"];
    REQUIRE(b["id"] == "pizza");
    REQUIRE(b["name"] == "Pizza");
    REQUIRE(b["number"] == "+14155238886");
    REQUIRE(b["owner"] == "+393471234567");
    REQUIRE(b["greeting"] == "Ciao!");
    REQUIRE(b["hours"] == "12-24");
    REQUIRE(b["timezone"] == "Europe/Rome");
    REQUIRE(b["fallback"] == "Ask Mario");
    REQUIRE(b["shared"] == true);
}

TEST_CASE("business-register of the same business again is unchanged", "[control][business]") {
    ControlFixture f;
    auto first = f.ok("business-register", k_pizza);
    auto response = f.call("business-register", k_pizza);
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "business 'pizza-palace' unchanged");
    REQUIRE(response["arguments"]["status"] == "unchanged");
    REQUIRE(response["arguments"]["business"] == first["business"]);
    // The same data written differently is still the same.
    auto again = f.ok("business-register",
                      with(k_pizza, {{"number", "whatsapp:+1 (415) 523-8886"}, {"id", "pizza-palace"}}));
    REQUIRE(again["status"] == "unchanged");
    REQUIRE(count_action(f, "business-register") == 1);
    REQUIRE(f.ok("business-list")["businesses"].size() == 1);
}

TEST_CASE("business-register with an existing id and different data is a conflict", "[control][business]") {
    ControlFixture f;
    f.ok("business-register", k_pizza);
    REQUIRE_THAT(f.fails(k_conflict, "business-register", with(k_pizza, {{"number", "+14155230000"}})),
                 Contains("'pizza-palace' already exists with a different number") &&
                     Contains("business update pizza-palace"));
    REQUIRE_THAT(f.fails(k_conflict, "business-register", with(k_pizza, {{"greeting", "Hi"}})),
                 Contains("different greeting"));
    REQUIRE(f.ok("business-show", {{"id", "pizza-palace"}})["business"]["number"] == "+14155238886");
    REQUIRE(count_action(f, "business-register") == 1);
}

TEST_CASE("business-register refuses a number owned by another business", "[control][business]") {
    ControlFixture f;
    f.ok("business-register", k_pizza);
    auto text = f.fails(k_conflict, "business-register",
                        {{"name", "Sushi Bar"}, {"number", "+1 415 523 8886"}, {"owner", "+1234567890"}});
    REQUIRE_THAT(text,
                 Contains("+14155238886 already belongs to business 'pizza-palace'") && Contains("--shared"));
    REQUIRE(f.fails(k_not_found, "business-show", {{"id", "sushi-bar"}}).size() > 0);
}

TEST_CASE("business-register lets businesses share a number only when all are shared",
          "[control][business]") {
    ControlFixture f;
    f.register_business("a", "+14155238886", {{"shared", true}});
    f.fails(k_conflict, "business-register",
            {{"id", "b"}, {"name", "B"}, {"number", "+14155238886"}, {"owner", "+1234567890"}});
    auto b = f.register_business("b", "+14155238886", {{"shared", true}});
    REQUIRE(b["shared"] == true);
    f.register_business("c", "+14155230000");
    f.fails(
        k_conflict, "business-register",
        {{"id", "d"}, {"name", "D"}, {"number", "+14155230000"}, {"owner", "+1234567890"}, {"shared", true}});
    REQUIRE(f.ok("business-list")["businesses"].size() == 3);
}

TEST_CASE("business-register refuses bad input", "[control][business]") {
    ControlFixture f;
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"number", "4155238886"}})),
                 Contains("number: invalid phone number") && Contains("country code is missing"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"owner", "+1 call me"}})),
                 Contains("owner: invalid phone number"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"id", "Pizza_Palace"}})),
                 Contains("invalid id 'Pizza_Palace'"));
    REQUIRE_THAT(
        f.fails(k_invalid, "business-register", with(k_pizza, {{"name", "\xE5\xAF\xBF\xE5\x8F\xB8"}})),
        Contains("--id"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"name", "   "}})),
                 Contains("name is empty"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"name", std::string(101, 'x')}})),
                 Contains("name is 101 characters long; the limit is 100"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"timezone", "Mars/Olympus_Mons"}})),
                 Contains("unknown time zone 'Mars/Olympus_Mons'"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"timezone", "../../etc/passwd"}})),
                 Contains("unknown time zone"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"shared", "yes"}})),
                 Contains("argument 'shared' must be true or false"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"paused", true}})),
                 Contains("unknown argument 'paused'"));
    REQUIRE_THAT(f.fails(k_invalid, "business-register", with(k_pizza, {{"fallback", ""}})),
                 Contains("fallback is empty"));
    REQUIRE(f.events().empty());
    REQUIRE(f.ok("business-list")["businesses"].empty());
}

TEST_CASE("business-register accepts a name with a non-ASCII letter when an id is given",
          "[control][business]") {
    ControlFixture f;
    auto b =
        f.ok("business-register", with(k_pizza, {{"name", "\xE5\xAF\xBF\xE5\x8F\xB8"}, {"id", "sushi-1"}}));
    REQUIRE(b["business"]["name"] == "\xE5\xAF\xBF\xE5\x8F\xB8");
}

TEST_CASE("business-list lists businesses by id with their knowledge counts", "[control][business]") {
    ControlFixture f;
    auto empty = f.call("business-list");
    REQUIRE(empty["text"] == "0 businesses");
    REQUIRE(empty["arguments"]["businesses"] == json::array());
    f.register_business("zeta", "+14155230000");
    auto one = f.call("business-list");
    REQUIRE(one["text"] == "1 business");
    f.register_business("alpha", "+14155238886");
    f.ok("kb-add", {{"business", "alpha"}, {"text", "one"}});
    f.ok("kb-add", {{"business", "alpha"}, {"text", "two"}});
    auto list = f.ok("business-list")["businesses"];
    REQUIRE(list.size() == 2);
    REQUIRE(list[0]["id"] == "alpha");
    REQUIRE(list[0]["knowledge_count"] == 2);
    REQUIRE(list[1]["id"] == "zeta");
    REQUIRE(list[1]["knowledge_count"] == 0);
}

TEST_CASE("business-show answers not found for an unknown id", "[control][business]") {
    ControlFixture f;
    REQUIRE(f.fails(k_not_found, "business-show", {{"id", "nope"}}) ==
            "business 'nope' not found (sbcctl business list shows the registered ones)");
}

TEST_CASE("business-update changes the given fields and lists them", "[control][business]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    auto response =
        f.call("business-update",
               {{"id", "pizza"}, {"greeting", "Welcome!"}, {"paused", true}, {"name", "Name of pizza"}});
    INFO(response.dump());
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "updated business 'pizza': paused, greeting");
    auto args = response["arguments"];
    REQUIRE(args["status"] == "updated");
    REQUIRE(args["changed"] == json{"paused", "greeting"});
    REQUIRE(args["business"]["greeting"] == "Welcome!");
    REQUIRE(args["business"]["paused"] == true);
    REQUIRE(f.ok("business-show", {{"id", "pizza"}})["business"] == args["business"]);
}

TEST_CASE("business-update with the current values is unchanged", "[control][business]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    auto response =
        f.call("business-update", {{"id", "pizza"}, {"number", "+1 415 523 8886"}, {"paused", false}});
    REQUIRE(response["text"] == "business 'pizza' unchanged");
    REQUIRE(response["arguments"]["status"] == "unchanged");
    REQUIRE(response["arguments"]["changed"] == json::array());
    REQUIRE(f.ok("business-update", {{"id", "pizza"}})["status"] == "unchanged");
    REQUIRE(count_action(f, "business-update") == 0);
}

TEST_CASE("business-update refuses a number owned by another business", "[control][business]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    f.register_business("sushi", "+14155230000");
    REQUIRE_THAT(f.fails(k_conflict, "business-update", {{"id", "sushi"}, {"number", "+14155238886"}}),
                 Contains("already belongs to business 'pizza'"));
    REQUIRE(f.ok("business-show", {{"id", "sushi"}})["business"]["number"] == "+14155230000");
    // Sharing needs both sides.
    f.fails(k_conflict, "business-update", {{"id", "sushi"}, {"number", "+14155238886"}, {"shared", true}});
    f.ok("business-update", {{"id", "pizza"}, {"shared", true}});
    auto moved = f.ok("business-update", {{"id", "sushi"}, {"number", "+14155238886"}, {"shared", true}});
    REQUIRE(moved["changed"] == json{"number", "shared"});
    // And a business on a shared number cannot stop sharing while another is on it.
    REQUIRE_THAT(f.fails(k_conflict, "business-update", {{"id", "pizza"}, {"shared", false}}),
                 Contains("already belongs to business 'sushi'"));
}

TEST_CASE("business-update turns LLM answers on and sets their tone", "[control][business][ai]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    auto on = f.ok("business-update", {{"id", "pizza"}, {"llm", true}, {"tone", "warm and brief"}});
    REQUIRE(on["changed"] == json{"llm", "tone"});
    REQUIRE(on["ai"] == json{{"llm", true}, {"tone", "warm and brief"}});
    REQUIRE(f.ok("business-update", {{"id", "pizza"}, {"llm", true}})["status"] == "unchanged");
    REQUIRE(f.ok("business-update", {{"id", "pizza"}, {"llm", false}})["ai"]["llm"] == false);
    REQUIRE_THAT(f.fails(k_invalid, "business-update", {{"id", "pizza"}, {"llm", "yes"}}),
                 Contains("argument 'llm' must be true or false"));
    REQUIRE(count_action(f, "business-update") == 2);
}

TEST_CASE("business-update refuses an unknown id and bad values", "[control][business]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    f.fails(k_not_found, "business-update", {{"id", "nope"}, {"greeting", "x"}});
    REQUIRE_THAT(f.fails(k_invalid, "business-update", {{"id", "pizza"}, {"owner", "12"}}),
                 Contains("owner: invalid phone number"));
    REQUIRE_THAT(f.fails(k_invalid, "business-update", {{"id", "pizza"}, {"paused", 1}}),
                 Contains("argument 'paused' must be true or false"));
    REQUIRE_THAT(f.fails(k_invalid, "business-update", {{"id", "pizza"}, {"new_id", "pizza2"}}),
                 Contains("unknown argument 'new_id'"));
    REQUIRE(count_action(f, "business-update") == 0);
}

TEST_CASE("business-remove removes a business with its knowledge and frees its number",
          "[control][business]") {
    ControlFixture f;
    auto registered = f.register_business("pizza", "+14155238886");
    f.ok("kb-add", {{"business", "pizza"}, {"text", "We deliver"}});
    auto response = f.call("business-remove", {{"id", "pizza"}});
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "removed business 'pizza' and its 1 knowledge entries");
    auto removed = response["arguments"]["business"];
    REQUIRE(removed["id"] == "pizza");
    REQUIRE(removed["knowledge_count"] == 1);
    REQUIRE(removed["number"] == registered["number"]);

    f.fails(k_not_found, "business-show", {{"id", "pizza"}});
    f.fails(k_not_found, "business-remove", {{"id", "pizza"}});
    f.fails(k_not_found, "kb-list", {{"business", "pizza"}});
    REQUIRE(f.ok("status")["counts"] ==
            json{{"businesses", 0}, {"knowledge", 0}, {"inbox_waiting", 0}, {"inbox_set_aside", 0}});
    f.register_business("sushi", "+14155238886");
}

TEST_CASE("business changes are in the audit log with the actor", "[control][business]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    f.register_business("pizza", "+14155238886"); // unchanged: no event
    f.ok("business-update", {{"id", "pizza"}, {"hours", "9-17"}});
    f.ok("business-remove", {{"id", "pizza"}});
    auto events = f.events();
    REQUIRE(events.size() == 3);
    for (const auto& e : events) {
        REQUIRE(e.actor == ControlFixture::k_actor);
        REQUIRE(e.business == "pizza");
    }
    REQUIRE(events[0].action == "business-register");
    REQUIRE(events[0].details["after"]["number"] == "+14155238886");
    REQUIRE(events[1].action == "business-update");
    REQUIRE(events[1].details["changed"] == json{"hours"});
    REQUIRE(events[1].details["before"]["hours"] == "");
    REQUIRE(events[1].details["after"]["hours"] == "9-17");
    REQUIRE(events[2].action == "business-remove");
    REQUIRE(events[2].details["before"]["id"] == "pizza");
}

TEST_CASE("the audit log names whoever asked", "[control][business]") {
    ControlFixture f;
    f.context().actor = "sbcctl:uid=0";
    f.register_business("pizza", "+14155238886");
    REQUIRE(f.events().at(0).actor == "sbcctl:uid=0");
}
