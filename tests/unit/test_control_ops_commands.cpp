// onboard, usage and backup through dispatch, in-process: row-by-row outcomes, the dry run's rollback,
// usage's month checks, backup's refusals.

#include "tests/unit/control_fixture.hpp"

#include <filesystem>

using namespace sbc;
using Catch::Matchers::Contains;
using sbc::test::ControlFixture;
using json = nlohmann::json;

namespace {

json row(const std::string& name, const std::string& number, json extra = json::object()) {
    json r = {{"name", name}, {"number", number}, {"owner", "+15551234567"}};
    r.update(extra);
    return r;
}

} // namespace

TEST_CASE("onboard creates, updates, leaves unchanged and fails rows one by one", "[control][onboard]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    json rows = {row("Name of pizza", "+14155238886", {{"id", "pizza"}, {"hours", "9-5"}}),
                 row("Cafe", "+14155230001",
                     {{"knowledge", json::array({{{"text", "Oat milk"}}, {{"text", "Wifi"}}})}}),
                 row("Bad", "not a phone"), row("Thief", "+14155238886"), json("not an object")};
    auto response = f.call("onboard", {{"businesses", rows}});
    INFO(response.dump());
    REQUIRE(response["result"] == protocol::k_invalid);
    const auto& out = response["arguments"]["rows"];
    REQUIRE(out.size() == 5);
    CHECK(out[0]["status"] == "updated");
    CHECK(out[0]["changed"] == json{"hours"});
    CHECK(out[1]["status"] == "created");
    CHECK(out[1]["id"] == "cafe");
    CHECK(out[1]["knowledge_added"] == 2);
    CHECK(out[2]["status"] == "error");
    CHECK(out[2]["id"] == "bad");
    CHECK(out[2]["result"] == protocol::k_invalid);
    CHECK(out[3]["status"] == "error");
    CHECK(out[3]["result"] == protocol::k_conflict);
    CHECK_THAT(out[3]["error"].get<std::string>(), Contains("already belongs to business 'pizza'"));
    CHECK(out[4]["status"] == "error");
    CHECK(response["arguments"]["summary"] ==
          json{{"created", 1}, {"updated", 1}, {"unchanged", 0}, {"error", 3}});
    CHECK(f.ok("business-list")["businesses"].size() == 2);
    CHECK(f.ok("kb-list", {{"business", "cafe"}})["total"] == 2);

    // The same good rows again: nothing to do, no audit events.
    auto events = f.events().size();
    auto again = f.call("onboard", {{"businesses", json::array({rows[0], rows[1]})}});
    REQUIRE(again["result"] == protocol::k_ok);
    CHECK(again["arguments"]["summary"]["unchanged"] == 2);
    CHECK(f.events().size() == events);
}

TEST_CASE("onboard dry_run reports the outcome and rolls everything back", "[control][onboard]") {
    ControlFixture f;
    auto response =
        f.call("onboard", {{"businesses", json::array({row("Cafe", "+14155230001")})}, {"dry_run", true}});
    REQUIRE(response["result"] == protocol::k_ok);
    CHECK(response["arguments"]["rows"][0]["status"] == "created");
    CHECK_THAT(response["text"].get<std::string>(), Contains("dry run, nothing changed"));
    CHECK(f.ok("business-list")["businesses"].empty());
    CHECK(f.events().empty());
}

TEST_CASE("usage checks its month and business", "[control][usage]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    for (const char* bad : {"2026-1", "2026-13", "26-11", "2026/11", "2026-11x"}) {
        INFO(bad);
        CHECK_THAT(f.fails(protocol::k_invalid, "usage", {{"month", bad}}), Contains("is not YYYY-MM"));
    }
    f.fails(protocol::k_not_found, "usage", {{"business", "nope"}});
    auto a = f.ok("usage", {{"month", "2026-12"}});
    CHECK(a["month"] == "2026-12");
    REQUIRE(a["businesses"].size() == 1);
    CHECK(a["businesses"][0]["messages_in"] == 0);
    CHECK(a["businesses"][0]["cost"] == "0.000000");
}

TEST_CASE("backup refuses relative paths, both targets, keep without a directory", "[control][backup]") {
    ControlFixture f;
    CHECK_THAT(f.fails(protocol::k_invalid, "backup", {{"path", "relative.db"}}), Contains("absolute"));
    CHECK_THAT(f.fails(protocol::k_invalid, "backup", json::object()), Contains("exactly one of"));
    CHECK_THAT(f.fails(protocol::k_invalid, "backup", {{"path", f.dir().file("a.db")}, {"keep", 2}}),
               Contains("'keep' needs 'dir'"));
    CHECK_THAT(f.fails(protocol::k_invalid, "backup", {{"path", f.dir().file("no/such/dir.db")}}),
               Contains("does not exist"));
    auto done = f.ok("backup", {{"path", f.dir().file("a.db")}});
    CHECK(std::filesystem::exists(f.dir().file("a.db")));
    CHECK(done["counts"]["businesses"] == 0);
    CHECK_THAT(f.fails(protocol::k_conflict, "backup", {{"path", f.dir().file("a.db")}}),
               Contains("already exists"));
}
