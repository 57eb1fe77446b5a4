#include "tests/unit/control_fixture.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using nlohmann::json;
using sbc::protocol::k_invalid;
using sbc::protocol::k_not_found;
using sbc::protocol::k_ok;
using sbc::test::ControlFixture;

namespace {

// A fixture with businesses "pizza" and "sushi".
struct Kb : ControlFixture {
    Kb() {
        register_business("pizza", "+14155238886");
        register_business("sushi", "+14155230000");
    }

    json add(const std::string& business, const std::string& text, json extra = json::object()) {
        json args = {{"business", business}, {"text", text}};
        args.update(extra);
        return ok("kb-add", args)["entry"];
    }

    std::vector<std::string> texts(const std::string& business) {
        std::vector<std::string> out;
        auto listed = ok("kb-list", {{"business", business}});
        for (const auto& e : listed["entries"]) {
            out.push_back(e["text"].get<std::string>());
        }
        return out;
    }

    std::vector<std::int64_t> numbers(const json& entries) {
        std::vector<std::int64_t> out;
        for (const auto& e : entries) {
            out.push_back(e["number"].get<std::int64_t>());
        }
        return out;
    }

    std::size_t count_action(const std::string& action) {
        std::size_t n = 0;
        for (const auto& e : events()) {
            n += e.action == action ? 1 : 0;
        }
        return n;
    }
};

json entries_of(std::initializer_list<const char*> texts) {
    json out = json::array();
    for (const char* t : texts) {
        out.push_back({{"text", t}});
    }
    return out;
}

using Numbers = std::vector<std::int64_t>;

} // namespace

TEST_CASE("kb-add adds a numbered entry", "[control][knowledge]") {
    Kb f;
    auto response = f.call(
        "kb-add", {{"business", "pizza"}, {"text", "  We deliver until 10pm \n"}, {"tags", "delivery"}});
    INFO(response.dump());
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "added entry 1 to pizza");
    auto entry = response["arguments"]["entry"];
    REQUIRE(entry["number"] == 1);
    REQUIRE(entry["business"] == "pizza");
    REQUIRE(entry["text"] == "We deliver until 10pm");
    REQUIRE(entry["tags"] == "delivery");
    REQUIRE(entry["source"] == "cli");
    REQUIRE(entry["created_at"].is_string());
    REQUIRE(entry["updated_at"] == entry["created_at"]);
    REQUIRE(entry.size() == 7);
    REQUIRE(f.add("pizza", "second", {{"source", "import"}})["source"] == "import");
    REQUIRE(f.add("sushi", "first of sushi")["number"] == 1);
    REQUIRE(f.add("pizza", "third")["number"] == 3);
}

TEST_CASE("kb-add counts characters, not bytes, against the 4000 limit", "[control][knowledge]") {
    Kb f;
    std::string accents;
    for (int i = 0; i < 4000; ++i) {
        accents += "\xC3\xA9";
    }
    REQUIRE(f.add("pizza", accents)["text"] == accents);
    REQUIRE_THAT(f.fails(k_invalid, "kb-add", {{"business", "pizza"}, {"text", accents + "x"}}),
                 Contains("text is 4001 characters long; the limit is 4000"));
}

TEST_CASE("kb-add refuses bad input and unknown businesses", "[control][knowledge]") {
    Kb f;
    REQUIRE_THAT(f.fails(k_invalid, "kb-add", {{"business", "pizza"}, {"text", " \n\t "}}),
                 Contains("text is empty"));
    REQUIRE_THAT(f.fails(k_invalid, "kb-add", {{"business", "pizza"}, {"text", "x"}, {"tags", 1}}),
                 Contains("argument 'tags' must be a string"));
    REQUIRE_THAT(
        f.fails(k_invalid, "kb-add", {{"business", "pizza"}, {"text", "x"}, {"tags", std::string(201, 't')}}),
        Contains("tags is 201 characters long"));
    REQUIRE_THAT(f.fails(k_not_found, "kb-add", {{"business", "nope"}, {"text", "x"}}),
                 Contains("business 'nope' not found"));
    REQUIRE(f.count_action("kb-add") == 0);
    REQUIRE(f.ok("status")["counts"]["knowledge"] == 0);
}

TEST_CASE("kb-list pages through entries with a total", "[control][knowledge]") {
    Kb f;
    for (int i = 1; i <= 5; ++i) {
        f.add("pizza", "entry " + std::to_string(i));
    }
    f.add("sushi", "not pizza");
    auto all = f.call("kb-list", {{"business", "pizza"}});
    REQUIRE(all["text"] == "5 of 5 entries");
    REQUIRE(f.numbers(all["arguments"]["entries"]) == Numbers{1, 2, 3, 4, 5});
    auto page = f.ok("kb-list", {{"business", "pizza"}, {"limit", 2}, {"offset", 2}});
    REQUIRE(f.numbers(page["entries"]) == Numbers{3, 4});
    REQUIRE(page["total"] == 5);
    REQUIRE(f.ok("kb-list", {{"business", "pizza"}, {"offset", 10}})["entries"] == json::array());
    REQUIRE(f.ok("kb-list", {{"business", "sushi"}})["total"] == 1);
}

TEST_CASE("kb-list refuses limits out of range", "[control][knowledge]") {
    Kb f;
    REQUIRE_THAT(f.fails(k_invalid, "kb-list", {{"business", "pizza"}, {"limit", 0}}),
                 Contains("argument 'limit' must be between 1 and 1000, not 0"));
    f.fails(k_invalid, "kb-list", {{"business", "pizza"}, {"limit", 1001}});
    f.fails(k_invalid, "kb-list", {{"business", "pizza"}, {"offset", -1}});
    f.fails(k_invalid, "kb-list", {{"business", "pizza"}, {"limit", 2.5}});
    f.fails(k_invalid, "kb-list", {{"business", "pizza"}, {"limit", "10"}});
    f.fails(k_not_found, "kb-list", {{"business", "nope"}});
    f.ok("kb-list", {{"business", "pizza"}, {"limit", 1000}});
}

TEST_CASE("kb-search finds a business's entries best first with scores", "[control][knowledge]") {
    Kb f;
    f.add("pizza", "We are open from noon to midnight");
    f.add("pizza", "Delivery is free downtown; we deliver until 10pm");
    f.add("pizza", "Parking behind the shop");
    f.add("sushi", "We deliver sushi everywhere");
    auto response = f.call("kb-search", {{"business", "pizza"}, {"query", "Do you deliver downtown?"}});
    INFO(response.dump());
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "1 matching entries");
    auto args = response["arguments"];
    REQUIRE(args["terms"] == json{"deliver", "downtown"});
    REQUIRE(args["results"].size() == 1);
    REQUIRE(args["results"][0]["number"] == 2);
    REQUIRE(args["results"][0]["business"] == "pizza");
    REQUIRE(args["results"][0]["score"].get<double>() > 0);

    auto two = f.ok("kb-search", {{"business", "pizza"}, {"query", "parking at midnight"}})["results"];
    REQUIRE(two.size() == 2);
    REQUIRE(two[0]["score"].get<double>() >= two[1]["score"].get<double>());
    REQUIRE(f.ok("kb-search", {{"business", "pizza"}, {"query", "parking midnight"}, {"limit", 1}})["results"]
                .size() == 1);
}

TEST_CASE("kb-search says so when nothing matches", "[control][knowledge]") {
    Kb f;
    f.add("pizza", "We deliver");
    auto none = f.call("kb-search", {{"business", "pizza"}, {"query", "sushi"}});
    REQUIRE(none["result"] == k_ok);
    REQUIRE(none["text"] == "no entry of pizza matches 'sushi'");
    REQUIRE(none["arguments"]["results"] == json::array());
    auto stop_words = f.ok("kb-search", {{"business", "pizza"}, {"query", "what is the"}});
    REQUIRE(stop_words["terms"] == json::array());
    REQUIRE(stop_words["results"] == json::array());
}

TEST_CASE("kb-search takes FTS5 syntax in a question as plain words", "[control][knowledge]") {
    Kb f;
    f.add("pizza", "Opening hours are noon to midnight");
    for (const char* query : {"\"hours", "hours*", "hours OR NEAR(", "text:hours", "-hours", "^hours",
                              "{hours}", "(hours", "hours AND NOT midnight", "\"\"", "*"}) {
        INFO(query);
        auto response = f.call("kb-search", {{"business", "pizza"}, {"query", query}});
        REQUIRE(response["result"] == k_ok);
    }
    REQUIRE(
        f.ok("kb-search", {{"business", "pizza"}, {"query", "hours AND NOT midnight"}})["results"].size() ==
        1);
}

TEST_CASE("kb-search refuses bad arguments", "[control][knowledge]") {
    Kb f;
    f.fails(k_not_found, "kb-search", {{"business", "nope"}, {"query", "x"}});
    f.fails(k_invalid, "kb-search", {{"business", "pizza"}, {"query", "x"}, {"limit", 101}});
    f.fails(k_invalid, "kb-search", {{"business", "pizza"}, {"query", "x"}, {"limit", 0}});
}

TEST_CASE("kb-remove removes one entry and returns it", "[control][knowledge]") {
    Kb f;
    f.add("pizza", "one");
    f.add("pizza", "two");
    f.add("sushi", "sushi one");
    auto response = f.call("kb-remove", {{"business", "pizza"}, {"number", 1}});
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "removed entry 1 from pizza");
    REQUIRE(response["arguments"]["entry"]["text"] == "one");
    REQUIRE(f.texts("pizza") == std::vector<std::string>{"two"});
    REQUIRE(f.texts("sushi") == std::vector<std::string>{"sushi one"});
    REQUIRE(f.ok("kb-search", {{"business", "pizza"}, {"query", "one"}})["results"] == json::array());
    REQUIRE_THAT(f.fails(k_not_found, "kb-remove", {{"business", "pizza"}, {"number", 1}}),
                 Contains("pizza has no entry 1") && Contains("kb list --business pizza"));
    f.fails(k_not_found, "kb-remove", {{"business", "nope"}, {"number", 2}});
    f.fails(k_invalid, "kb-remove", {{"business", "pizza"}, {"number", "2"}});
    f.fails(k_invalid, "kb-remove", {{"business", "pizza"}, {"number", 2.0}});
    REQUIRE(f.texts("pizza") == std::vector<std::string>{"two"});
}

TEST_CASE("kb-import adds entries and counts those already present as unchanged", "[control][knowledge]") {
    Kb f;
    f.add("pizza", "Cash only");
    auto entries = entries_of({"Cash only", "Open on Sundays", "Free wifi", "Open on Sundays"});
    entries[2]["tags"] = "internet";
    entries[2]["source"] = "faq.csv";
    auto response = f.call("kb-import", {{"business", "pizza"}, {"entries", entries}});
    INFO(response.dump());
    REQUIRE(response["result"] == k_ok);
    REQUIRE(response["text"] == "imported into pizza: 2 added, 2 already present");
    REQUIRE(response["arguments"] == json{{"added", 2}, {"unchanged", 2}});
    REQUIRE(f.texts("pizza") == std::vector<std::string>{"Cash only", "Open on Sundays", "Free wifi"});
    auto wifi = f.ok("kb-list", {{"business", "pizza"}})["entries"][2];
    REQUIRE(wifi["tags"] == "internet");
    REQUIRE(wifi["source"] == "faq.csv");

    auto again = f.ok("kb-import", {{"business", "pizza"}, {"entries", entries}});
    REQUIRE(again == json{{"added", 0}, {"unchanged", 4}});
    // The same texts are new to another business.
    REQUIRE(f.ok("kb-import", {{"business", "sushi"}, {"entries", entries}})["added"] == 3);
}

TEST_CASE("kb-import is all or nothing: one bad entry stores none", "[control][knowledge]") {
    Kb f;
    auto entries = entries_of({"good one", "good two", "   ", "good four"});
    REQUIRE_THAT(f.fails(k_invalid, "kb-import", {{"business", "pizza"}, {"entries", entries}}),
                 Contains("entries[2].text is empty"));

    entries = entries_of({"good one", "good two"});
    entries.push_back({{"text", "x"}, {"tag", "typo"}});
    REQUIRE_THAT(f.fails(k_invalid, "kb-import", {{"business", "pizza"}, {"entries", entries}}),
                 Contains("entries[2].tag: unknown field"));

    entries = entries_of({"good one"});
    entries.push_back("just a string");
    REQUIRE_THAT(f.fails(k_invalid, "kb-import", {{"business", "pizza"}, {"entries", entries}}),
                 Contains("entries[1] must be an object"));

    entries = entries_of({"good one"});
    entries.push_back({{"tags", "no text"}});
    REQUIRE_THAT(f.fails(k_invalid, "kb-import", {{"business", "pizza"}, {"entries", entries}}),
                 Contains("entries[1].text is missing"));

    entries = entries_of({"good one"});
    entries.push_back({{"text", "fine"}, {"tags", 7}});
    REQUIRE_THAT(f.fails(k_invalid, "kb-import", {{"business", "pizza"}, {"entries", entries}}),
                 Contains("entries[1].tags must be a string"));

    entries = entries_of({"good one"});
    entries.push_back({{"text", std::string(4001, 'y')}});
    REQUIRE_THAT(f.fails(k_invalid, "kb-import", {{"business", "pizza"}, {"entries", entries}}),
                 Contains("entries[1].text is 4001 characters long"));

    f.fails(k_not_found, "kb-import", {{"business", "nope"}, {"entries", entries_of({"good one"})}});

    REQUIRE(f.ok("kb-list", {{"business", "pizza"}})["total"] == 0);
    REQUIRE(f.count_action("kb-import") == 0);
}

TEST_CASE("kb-import of an empty list adds nothing", "[control][knowledge]") {
    Kb f;
    REQUIRE(f.ok("kb-import", {{"business", "pizza"}, {"entries", json::array()}}) ==
            json{{"added", 0}, {"unchanged", 0}});
    REQUIRE(f.count_action("kb-import") == 0);
}

TEST_CASE("kb-export pages by number with next_after", "[control][knowledge]") {
    Kb f;
    for (int i = 1; i <= 5; ++i) {
        f.add("pizza", "entry " + std::to_string(i));
    }
    f.ok("kb-remove", {{"business", "pizza"}, {"number", 3}});
    f.add("sushi", "sushi entry");

    auto first = f.ok("kb-export", {{"business", "pizza"}, {"limit", 2}});
    REQUIRE(f.numbers(first["entries"]) == Numbers{1, 2});
    REQUIRE(first["next_after"] == 2);
    auto second = f.ok("kb-export", {{"business", "pizza"}, {"limit", 2}, {"after", 2}});
    REQUIRE(f.numbers(second["entries"]) == Numbers{4, 5});
    REQUIRE(second["next_after"] == 5);
    auto last = f.ok("kb-export", {{"business", "pizza"}, {"limit", 2}, {"after", 5}});
    REQUIRE(last["entries"] == json::array());
    REQUIRE(last["next_after"] == nullptr);

    auto whole = f.ok("kb-export", {{"business", "pizza"}});
    REQUIRE(f.numbers(whole["entries"]) == Numbers{1, 2, 4, 5});
    REQUIRE(whole["next_after"] == nullptr);
    auto short_page = f.ok("kb-export", {{"business", "pizza"}, {"limit", 3}, {"after", 2}});
    REQUIRE(f.numbers(short_page["entries"]) == Numbers{4, 5});
    REQUIRE(short_page["next_after"] == nullptr);
}

TEST_CASE("kb-export refuses bad paging arguments", "[control][knowledge]") {
    Kb f;
    f.fails(k_invalid, "kb-export", {{"business", "pizza"}, {"limit", 5001}});
    f.fails(k_invalid, "kb-export", {{"business", "pizza"}, {"limit", 0}});
    f.fails(k_invalid, "kb-export", {{"business", "pizza"}, {"after", -1}});
    f.fails(k_not_found, "kb-export", {{"business", "nope"}});
}

TEST_CASE("an export imports back to the same knowledge base", "[control][knowledge]") {
    Kb f;
    f.add("pizza", "We deliver", {{"tags", "delivery"}});
    f.add("pizza", "Cash only", {{"source", "owner"}});
    json entries = json::array();
    auto exported = f.ok("kb-export", {{"business", "pizza"}});
    for (const auto& e : exported["entries"]) {
        entries.push_back({{"text", e["text"]}, {"tags", e["tags"]}, {"source", e["source"]}});
    }
    f.register_business("copy", "+14155231111");
    REQUIRE(f.ok("kb-import", {{"business", "copy"}, {"entries", entries}})["added"] == 2);
    auto original = f.ok("kb-export", {{"business", "pizza"}})["entries"];
    auto copy = f.ok("kb-export", {{"business", "copy"}})["entries"];
    REQUIRE(copy.size() == original.size());
    for (std::size_t i = 0; i < copy.size(); ++i) {
        for (const char* key : {"number", "text", "tags", "source"}) {
            REQUIRE(copy[i][key] == original[i][key]);
        }
    }
    REQUIRE(f.ok("kb-import", {{"business", "pizza"}, {"entries", entries}}) ==
            json{{"added", 0}, {"unchanged", 2}});
}

TEST_CASE("knowledge changes are in the audit log with the actor", "[control][knowledge]") {
    Kb f;
    auto before = f.events().size(); // the two registrations
    f.add("pizza", "We deliver");
    f.ok("kb-import", {{"business", "pizza"}, {"entries", entries_of({"We deliver", "Cash only", "Wifi"})}});
    f.ok("kb-remove", {{"business", "pizza"}, {"number", 1}});
    f.ok("kb-list", {{"business", "pizza"}});
    f.ok("kb-search", {{"business", "pizza"}, {"query", "wifi"}});
    f.ok("kb-export", {{"business", "pizza"}});
    auto events = f.events();
    REQUIRE(events.size() == before + 3);
    const auto& add = events[before];
    const auto& import = events[before + 1];
    const auto& remove = events[before + 2];
    for (const auto* e : {&add, &import, &remove}) {
        REQUIRE(e->actor == ControlFixture::k_actor);
        REQUIRE(e->business == "pizza");
    }
    REQUIRE(add.action == "kb-add");
    REQUIRE(add.details["after"]["text"] == "We deliver");
    REQUIRE(import.action == "kb-import");
    REQUIRE(import.details["added"] == 2);
    REQUIRE(remove.action == "kb-remove");
    REQUIRE(remove.details["before"]["number"] == 1);
    REQUIRE(remove.details["before"]["text"] == "We deliver");
}
