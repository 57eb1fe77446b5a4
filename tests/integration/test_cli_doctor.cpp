// sbcctl doctor against the real sbcd: one line per check, the Twilio credentials checked with a GET of the
// account resource at the fake Twilio, dry-run reported as such, the exit status 1 on any failure, no secret
// printed, and a useful answer when sbcd is not there at all.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_doctor {

// The status doctor printed for a check: the first word of the line whose second word is `name`.
std::string status_of(const std::string& out, const std::string& name) {
    for (const auto& line : lines(out)) {
        std::istringstream words(line);
        std::string status, check;
        words >> status >> check;
        if (check == name) {
            return status;
        }
    }
    return "(no line)";
}

TEST_CASE("doctor: every check passes with good credentials, checked against the Twilio API",
          "[cli][doctor]") {
    TempDir dir;
    FakeTwilio twilio;
    Daemon daemon(dir, twilio_env(twilio));
    auto r = daemon.ctl({"doctor"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    for (const char* check : {"socket", "configuration", "database", "twilio", "disk"}) {
        INFO(check);
        CHECK(status_of(r.out, check) == "ok");
    }
    CHECK_THAT(r.out, Contains("Fake Twilio account") && Contains("schema version") && Contains("free of"));
    CHECK_THAT(r.out, !Contains(twilio.auth_token()));
    bool asked = false;
    for (const auto& request : twilio.requests()) {
        if (request.method == "GET" &&
            request.path == std::string("/2010-04-01/Accounts/") + twilio.account_sid() + ".json") {
            asked = !request.authorization.empty();
        }
    }
    CHECK(asked);

    auto j = ctl_json_run(daemon, {"doctor"});
    CHECK(j.exit_code == 0);
    CHECK(j.doc["result"] == 0);
    std::set<std::string> names;
    for (const auto& c : j.doc["arguments"]["checks"]) {
        names.insert(c["name"].get<std::string>());
        CHECK(c["status"] == "ok");
    }
    CHECK(names == std::set<std::string>{"socket", "configuration", "database", "twilio", "disk"});
    auto config = j.doc["arguments"]["config"].dump();
    CHECK_THAT(config, Contains("twilio.auth_token = (set)"));
    CHECK_THAT(j.out, !Contains(twilio.auth_token()));
}

TEST_CASE("doctor: credentials Twilio refuses fail, with what to fix", "[cli][doctor]") {
    TempDir dir;
    FakeTwilio twilio;
    const std::string wrong = "0000000000000000000000000000dead";
    Daemon daemon(dir, twilio_env(twilio, {{"TWILIO_AUTH_TOKEN", wrong}}));
    auto r = daemon.ctl({"doctor"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(status_of(r.out, "twilio") == "fail");
    CHECK_THAT(r.out, Contains("HTTP 401") && Contains("fix: set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"));
    CHECK(status_of(r.out, "database") == "ok");
    CHECK_THAT(r.out, !Contains(wrong));
}

TEST_CASE("doctor: dry-run is reported as such, no auth token fails the configuration", "[cli][doctor]") {
    TempDir dir;
    Daemon daemon(dir);
    auto r = daemon.ctl({"doctor"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(status_of(r.out, "twilio") == "warn");
    CHECK_THAT(r.out, Contains("dry-run mode"));
    CHECK(status_of(r.out, "configuration") == "fail");
    CHECK_THAT(r.out, Contains("TWILIO_AUTH_TOKEN is not set"));
}

TEST_CASE("doctor: without sbcd the socket and daemon checks fail and say what to do", "[cli][doctor]") {
    TempDir dir;
    auto r = run({SBCCTL_PATH, "--socket", dir.file("missing.sock"), "doctor"});
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    CHECK(status_of(r.out, "socket") == "fail");
    CHECK(status_of(r.out, "sbcd") == "fail");
    CHECK_THAT(r.out, Contains("start sbcd"));
    auto j = run({SBCCTL_PATH, "--json", "--socket", dir.file("missing.sock"), "doctor"});
    CHECK(j.exit_code == 1);
    REQUIRE(one_line(j.out));
    CHECK(nlohmann::json::parse(j.out)["result"] == 1);
}

} // namespace test_cli_doctor
