// sbcctl business register|list|show|update|remove end to end: the real sbcctl talking to the real sbcd over
// its socket, what sbcctl prints (text and --json), its exit status, and what ends up in the SQLite file.

#include "tests/integration/cli_helpers.hpp"

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_business {

const std::set<std::string> k_business_keys = {
    "id",    "name",     "number",   "owner",           "shared",     "paused",    "greeting",
    "hours", "timezone", "fallback", "knowledge_count", "created_at", "updated_at"};

TEST_CASE("business register prints one line naming the business and its normalised number", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    auto r = daemon.ctl({"business", "register", "--name", "Pizza Palace", "--number",
                         "whatsapp:+1 415-523-8886", "--owner", "+1 (555) 000-1111"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "registered business 'pizza-palace' on +14155238886\n");
    CHECK(r.err.empty());
    CHECK(one(daemon, "SELECT name FROM businesses WHERE slug = 'pizza-palace'") == "Pizza Palace");
    CHECK(one(daemon, "SELECT whatsapp_number FROM businesses WHERE slug = 'pizza-palace'") ==
          k_pizza_number);
    CHECK(one(daemon, "SELECT owner_phone FROM businesses WHERE slug = 'pizza-palace'") == k_pizza_owner);
}

TEST_CASE("business register --json prints the documented shape", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto j = ctl_json_run(daemon, {"business", "register", "--name", "Coffee Corner", "--number",
                                   k_coffee_number, "--owner", k_coffee_owner, "--id", "coffee", "--hours",
                                   "Mon-Fri 7-15", "--timezone", "Europe/Berlin", "--greeting", "Hello!"});
    CHECK(j.exit_code == 0);
    CHECK(keys(j.doc) == std::set<std::string>{"arguments", "result", "text"});
    CHECK(j.doc["result"] == 0);
    CHECK(j.doc["text"] == "registered business 'coffee' on +14155238887");
    CHECK(j.doc["arguments"]["status"] == "created");
    const auto& b = j.doc["arguments"]["business"];
    CHECK(keys(b) == k_business_keys);
    CHECK(b["id"] == "coffee");
    CHECK(b["name"] == "Coffee Corner");
    CHECK(b["number"] == k_coffee_number);
    CHECK(b["owner"] == k_coffee_owner);
    CHECK(b["shared"] == false);
    CHECK(b["paused"] == false);
    CHECK(b["hours"] == "Mon-Fri 7-15");
    CHECK(b["timezone"] == "Europe/Berlin");
    CHECK(b["greeting"] == "Hello!");
    CHECK(b["knowledge_count"] == 0);
    CHECK_THAT(b["created_at"].get<std::string>(), EndsWith("Z"));
    CHECK(b["created_at"].get<std::string>().size() == 20); // 2026-11-25T03:20:00Z
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 2);
    CHECK(one(daemon, "SELECT timezone FROM businesses WHERE slug = 'coffee'") == "Europe/Berlin");
    // Every change is in the audit log, under the caller's uid.
    CHECK(
        one(daemon, "SELECT actor FROM events WHERE action = 'business-register' AND business = 'coffee'") ==
        "sbcctl:uid=" + std::to_string(::getuid()));
}

TEST_CASE("business list shows every business as an aligned table, and as JSON", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(register_coffee(daemon).exit_code == 0);
    REQUIRE(
        daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"}).exit_code ==
        0);

    auto r = daemon.ctl({"business", "list"});
    CHECK(r.exit_code == 0);
    auto out = lines(r.out);
    REQUIRE(out.size() == 4);
    CHECK(out[0] == "2 businesses");
    const auto& header = out[1];
    CHECK_THAT(header, StartsWith("ID "));
    auto name_column = header.find("NAME");
    auto number_column = header.find("NUMBER");
    REQUIRE(name_column != std::string::npos);
    REQUIRE(number_column != std::string::npos);
    // Rows in id order, each cell starting under its title.
    CHECK_THAT(out[2], StartsWith("coffee-corner "));
    CHECK_THAT(out[3], StartsWith("pizza-palace "));
    CHECK(out[2].substr(name_column, 13) == "Coffee Corner");
    CHECK(out[3].substr(name_column, 12) == "Pizza Palace");
    CHECK(out[2].substr(number_column, 12) == k_coffee_number);
    CHECK(out[3].substr(number_column, 12) == k_pizza_number);

    auto j = ctl_json_run(daemon, {"business", "list"});
    CHECK(j.exit_code == 0);
    CHECK(j.doc["result"] == 0);
    const auto& list = j.doc["arguments"]["businesses"];
    REQUIRE(list.size() == 2);
    CHECK(list[0]["id"] == "coffee-corner");
    CHECK(list[1]["id"] == "pizza-palace");
    CHECK(list[1]["knowledge_count"] == 1);
    CHECK(keys(list[0]) == k_business_keys);
}

TEST_CASE("business list with no business says so and exits 0", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    auto r = daemon.ctl({"business", "list"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, StartsWith("0 businesses"));
    auto j = ctl_json_run(daemon, {"business", "list"});
    CHECK(j.doc["arguments"]["businesses"] == nlohmann::json::array());
}

TEST_CASE("business show prints every setting as key: value lines", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon, {"--hours", "Mon-Sat 11am-11pm", "--timezone", "America/Los_Angeles"})
                .exit_code == 0);
    auto r = daemon.ctl({"business", "show", "pizza-palace"});
    CHECK(r.exit_code == 0);
    auto out = lines(r.out);
    REQUIRE(out.size() == 14);
    CHECK(out[0] == "business 'pizza-palace'");
    // The values start in one column, after the longest key ("knowledge_count:").
    CHECK(out[1] == "id:              pizza-palace");
    CHECK(out[2] == "name:            Pizza Palace");
    CHECK(out[3] == "number:          +14155238886");
    CHECK(out[4] == "owner:           +15550001111");
    CHECK(out[5] == "shared:          no");
    CHECK(out[6] == "paused:          no");
    CHECK(out[8] == "hours:           Mon-Sat 11am-11pm");
    CHECK(out[9] == "timezone:        America/Los_Angeles");
    CHECK(out[11] == "knowledge_count: 0");

    auto j = ctl_json_run(daemon, {"business", "show", "pizza-palace"});
    CHECK(j.exit_code == 0);
    CHECK(keys(j.doc["arguments"]["business"]) == k_business_keys);
    CHECK(j.doc["arguments"]["business"]["timezone"] == "America/Los_Angeles");
}

TEST_CASE("business update changes only the settings given, and a repeat is unchanged", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon, {"--hours", "Mon-Sat 11am-11pm"}).exit_code == 0);
    auto r = daemon.ctl({"business", "update", "pizza-palace", "--greeting", "Ciao!", "--pause"});
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, StartsWith("updated business 'pizza-palace': "));
    CHECK_THAT(r.out, Contains("greeting"));
    CHECK_THAT(r.out, Contains("paused"));
    CHECK(one(daemon, "SELECT greeting FROM businesses WHERE slug = 'pizza-palace'") == "Ciao!");
    CHECK(count(daemon, "SELECT paused FROM businesses WHERE slug = 'pizza-palace'") == 1);
    CHECK(one(daemon, "SELECT hours FROM businesses WHERE slug = 'pizza-palace'") == "Mon-Sat 11am-11pm");

    auto events = count(daemon, "SELECT COUNT(*) FROM events");
    auto again =
        ctl_json_run(daemon, {"business", "update", "pizza-palace", "--greeting", "Ciao!", "--pause"});
    CHECK(again.exit_code == 0);
    CHECK(again.doc["arguments"]["status"] == "unchanged");
    CHECK(again.doc["arguments"]["changed"] == nlohmann::json::array());
    CHECK(count(daemon, "SELECT COUNT(*) FROM events") == events);

    auto resume = ctl_json_run(daemon, {"business", "update", "pizza-palace", "--resume", "--greeting", ""});
    CHECK(resume.exit_code == 0);
    CHECK(resume.doc["arguments"]["status"] == "updated");
    CHECK(resume.doc["arguments"]["business"]["paused"] == false);
    CHECK(resume.doc["arguments"]["business"]["greeting"] == "");
    CHECK(count(daemon, "SELECT paused FROM businesses WHERE slug = 'pizza-palace'") == 0);
}

TEST_CASE("business remove removes the business and its knowledge", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(register_coffee(daemon).exit_code == 0);
    REQUIRE(daemon.ctl({"kb", "add", "--business", "coffee-corner", "Espresso is 2 euros"}).exit_code == 0);
    REQUIRE(daemon.ctl({"kb", "add", "--business", "coffee-corner", "We open at 7am"}).exit_code == 0);
    REQUIRE(daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown"}).exit_code == 0);

    auto r = daemon.ctl({"business", "remove", "coffee-corner"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "removed business 'coffee-corner' and its 2 knowledge entries\n");
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses WHERE slug = 'coffee-corner'") == 0);
    CHECK(count(daemon, "SELECT COUNT(*) FROM knowledge") == 1);
    CHECK(count(daemon, "SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'espresso'") == 0);
    CHECK(daemon.ctl({"business", "show", "coffee-corner"}).exit_code == 4);
    // The other business is untouched.
    CHECK(knowledge_of(daemon, "pizza-palace") == 1);

    auto again = ctl_json_run(daemon, {"business", "remove", "coffee-corner"});
    CHECK(again.exit_code == 4);
    CHECK(again.doc["result"] == 3);
}

TEST_CASE("registering a business again with the same data is unchanged and exits 0", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto updated_at = one(daemon, "SELECT updated_at FROM businesses WHERE slug = 'pizza-palace'");
    auto events = count(daemon, "SELECT COUNT(*) FROM events");

    auto r = register_pizza(daemon);
    CHECK(r.exit_code == 0);
    CHECK(r.out == "business 'pizza-palace' unchanged\n");
    CHECK(r.err.empty());
    // The number written another way is the same number.
    auto j = ctl_json_run(daemon, {"business", "register", "--name", "Pizza Palace", "--number",
                                   "whatsapp:+1 415 523 8886", "--owner", k_pizza_owner});
    CHECK(j.exit_code == 0);
    CHECK(j.doc["result"] == 0);
    CHECK(j.doc["arguments"]["status"] == "unchanged");
    CHECK(j.doc["arguments"]["business"]["id"] == "pizza-palace");

    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 1);
    CHECK(one(daemon, "SELECT updated_at FROM businesses WHERE slug = 'pizza-palace'") == updated_at);
    CHECK(count(daemon, "SELECT COUNT(*) FROM events") == events);
}

TEST_CASE("registering an existing id with different data is a conflict (exit 6) and changes nothing",
          "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto r = daemon.ctl({"business", "register", "--name", "Pizza Palace", "--number", k_coffee_number,
                         "--owner", k_pizza_owner});
    CHECK(r.exit_code == 6);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, StartsWith("sbcctl: business 'pizza-palace' already exists"));
    CHECK_THAT(r.err, Contains("sbcctl business update pizza-palace"));

    auto j = ctl_json_run(daemon, {"business", "register", "--name", "Pizza Palace", "--number",
                                   k_pizza_number, "--owner", k_coffee_owner});
    CHECK(j.exit_code == 6);
    CHECK(j.doc["result"] == 4);
    CHECK(j.err.empty());

    CHECK(one(daemon, "SELECT whatsapp_number FROM businesses WHERE slug = 'pizza-palace'") ==
          k_pizza_number);
    CHECK(one(daemon, "SELECT owner_phone FROM businesses WHERE slug = 'pizza-palace'") == k_pizza_owner);
}

TEST_CASE("a WhatsApp number owned by another business is a conflict naming that business", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto r = daemon.ctl({"business", "register", "--name", "Coffee Corner", "--number", "+1 415-523-8886",
                         "--owner", k_coffee_owner});
    CHECK(r.exit_code == 6);
    CHECK_THAT(r.err, Contains("+14155238886 already belongs to business 'pizza-palace'"));
    CHECK_THAT(r.err, Contains("--shared"));
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 1);

    // Taking the number with an update is refused the same way.
    REQUIRE(register_coffee(daemon).exit_code == 0);
    auto update = daemon.ctl({"business", "update", "coffee-corner", "--number", k_pizza_number});
    CHECK(update.exit_code == 6);
    CHECK_THAT(update.err, Contains("'pizza-palace'"));
    CHECK(one(daemon, "SELECT whatsapp_number FROM businesses WHERE slug = 'coffee-corner'") ==
          k_coffee_number);
}

TEST_CASE("two businesses registered --shared may share a number, a third without --shared may not",
          "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon, {"--shared"}).exit_code == 0);
    auto r = daemon.ctl({"business", "register", "--name", "Coffee Corner", "--number", k_pizza_number,
                         "--owner", k_coffee_owner, "--shared"});
    CHECK(r.exit_code == 0);
    CHECK(r.out == "registered business 'coffee-corner' on +14155238886\n");
    CHECK(count(daemon,
                "SELECT COUNT(*) FROM businesses WHERE whatsapp_number = '+14155238886' AND shared = 1") ==
          2);
    auto show = ctl_json_run(daemon, {"business", "show", "coffee-corner"});
    CHECK(show.doc["arguments"]["business"]["shared"] == true);

    auto third = daemon.ctl({"business", "register", "--name", "Burger Barn", "--number", k_pizza_number,
                             "--owner", "+15550003333"});
    CHECK(third.exit_code == 6);
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 2);
}

} // namespace test_cli_business
