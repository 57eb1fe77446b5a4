// sbcctl onboard end to end: a hundred businesses with their knowledge from CSV in one request, idempotent
// on the second run, one bad row failing alone, --dry-run changing nothing, JSON lines with the seed's keys.

#include "tests/integration/cli_helpers.hpp"

#include <fmt/format.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_onboard {

std::string hundred_csv() {
    std::string csv = "id,name,number,owner,hours,knowledge\n";
    for (int i = 0; i < 100; ++i) {
        csv += fmt::format("shop-{0},Shop {0},+1415555{0:04d},+1650555{0:04d},Mon-Fri 9-5,"
                           "\"We open at 9 on weekdays\nShop {0} delivers within 5 km\"\n",
                           i);
    }
    return csv;
}

long long rows_in(const Daemon& daemon, const std::string& table) {
    return query_int(daemon.database(), "SELECT COUNT(*) FROM " + table);
}

TEST_CASE("onboard registers 100 businesses with knowledge, and a second run changes nothing",
          "[cli][onboard]") {
    TempDir dir;
    Daemon daemon(dir);
    write_file(dir.file("shops.csv"), hundred_csv());
    auto first = ctl_json_run(daemon, {"onboard", "--file", dir.file("shops.csv")});
    INFO(first.out);
    REQUIRE(first.exit_code == 0);
    CHECK(first.doc["arguments"]["summary"] ==
          nlohmann::json{{"created", 100}, {"updated", 0}, {"unchanged", 0}, {"error", 0}});
    CHECK(first.doc["arguments"]["rows"].size() == 100);
    CHECK(first.doc["arguments"]["rows"][0]["line"] == 2);
    CHECK(first.doc["arguments"]["rows"][0]["knowledge_added"] == 2);
    CHECK(rows_in(daemon, "businesses") == 100);
    CHECK(rows_in(daemon, "knowledge") == 200);
    CHECK(query_one(daemon.database(), "SELECT hours FROM businesses WHERE slug = 'shop-42'") ==
          "Mon-Fri 9-5");
    CHECK(query_one(daemon.database(), "SELECT whatsapp_number FROM businesses WHERE slug = 'shop-42'") ==
          "+14155550042");
    auto events = rows_in(daemon, "events");

    auto second = daemon.ctl({"onboard", "--file", dir.file("shops.csv")});
    REQUIRE(second.exit_code == 0);
    auto out = lines(second.out);
    REQUIRE(out.size() == 101);
    CHECK(out[0] == "line 2: shop-0 unchanged");
    CHECK(out.back() == fmt::format("100 businesses from {}: 0 created, 0 updated, 100 unchanged, 0 failed",
                                    dir.file("shops.csv")));
    CHECK(rows_in(daemon, "businesses") == 100);
    CHECK(rows_in(daemon, "knowledge") == 200);
    CHECK(rows_in(daemon, "events") == events);

    // A search finds an onboarded entry: the full-text index was filled in the same transaction.
    auto hit = ctl_json_run(daemon, {"kb", "search", "--business", "shop-7", "deliver"});
    REQUIRE(hit.exit_code == 0);
    CHECK(hit.out.find("Shop 7 delivers") != std::string::npos);
}

TEST_CASE("onboard applies good rows, reports the bad one with its reason, and fails", "[cli][onboard]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    write_file(dir.file("b.csv"), "name,number,owner,greeting\n"
                                  "Alpha Cafe,+14155550101,+16505550101,\n"
                                  "Broken Bar,12345,+16505550102,\n"
                                  "Pizza Palace,+14155238886,+15550001111,Ciao!\n"
                                  "Thief Deli,+14155238886,+16505550104,\n");
    auto r = daemon.ctl({"onboard", "--file", dir.file("b.csv")});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 5);
    auto out = lines(r.out);
    REQUIRE(out.size() == 5);
    CHECK(out[0] == "line 2: alpha-cafe created");
    CHECK_THAT(out[1], StartsWith("line 3: broken-bar error: ") && Contains("number"));
    CHECK(out[2] == "line 4: pizza-palace updated (greeting)");
    CHECK_THAT(out[3], StartsWith("line 5: thief-deli error: ") && Contains("already belongs to business "
                                                                            "'pizza-palace'"));
    CHECK_THAT(out[4], EndsWith("1 created, 1 updated, 0 unchanged, 2 failed"));
    CHECK(rows_in(daemon, "businesses") == 2);
    CHECK(query_one(daemon.database(), "SELECT greeting FROM businesses WHERE slug = 'pizza-palace'") ==
          "Ciao!");

    // A malformed file sends nothing at all.
    write_file(dir.file("c.csv"), "name,number,owner,colour\nX,+14155550109,+16505550109,red\n");
    auto malformed = daemon.ctl({"onboard", "--file", dir.file("c.csv")});
    CHECK(malformed.exit_code == 5);
    CHECK_THAT(malformed.err, Contains("unknown column \"colour\"") && Contains("nothing onboarded"));
    CHECK(rows_in(daemon, "businesses") == 2);
}

TEST_CASE("onboard --dry-run reports what would change and changes nothing", "[cli][onboard]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    write_file(dir.file("d.jsonl"),
               "{\"businessName\":\"Pizza Palace\",\"whatsappNumber\":\"+14155238886\",\"ownerPhone\":"
               "\"+15550001111\",\"hours\":\"11-23\",\"knowledge\":[\"Gluten-free bases on request\"]}\n"
               "\n"
               "{\"name\":\"New Noodles\",\"number\":\"+14155550200\",\"owner\":\"+16505550200\"}\n");
    auto events = rows_in(daemon, "events");
    auto dry = ctl_json_run(daemon, {"onboard", "--file", dir.file("d.jsonl"), "--dry-run"});
    INFO(dry.out);
    REQUIRE(dry.exit_code == 0);
    CHECK(dry.doc["arguments"]["dry_run"] == true);
    CHECK(dry.doc["arguments"]["rows"][0]["status"] == "updated");
    CHECK(dry.doc["arguments"]["rows"][0]["changed"] == nlohmann::json{"hours", "knowledge"});
    CHECK(dry.doc["arguments"]["rows"][0]["knowledge_added"] == 1);
    CHECK(dry.doc["arguments"]["rows"][1]["status"] == "created");
    CHECK(dry.doc["arguments"]["rows"][1]["line"] == 3);
    CHECK(rows_in(daemon, "businesses") == 1);
    CHECK(rows_in(daemon, "knowledge") == 0);
    CHECK(rows_in(daemon, "events") == events);
    CHECK(query_one(daemon.database(), "SELECT hours FROM businesses") == "");

    auto real = ctl_json_run(daemon, {"onboard", "--file", dir.file("d.jsonl")});
    REQUIRE(real.exit_code == 0);
    CHECK(real.doc["arguments"]["summary"] ==
          nlohmann::json{{"created", 1}, {"updated", 1}, {"unchanged", 0}, {"error", 0}});
    CHECK(rows_in(daemon, "businesses") == 2);
    CHECK(rows_in(daemon, "knowledge") == 1);
}

} // namespace test_cli_onboard
