// Bad input of each kind through the real sbcctl and sbcd: the exit status scripts rely on (sbcctl(1), EXIT
// STATUS), a message saying what is wrong and what to do, the --json document, and nothing stored.

#include "tests/integration/cli_helpers.hpp"

#include <csignal>
#include <filesystem>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_errors {

// sbcctl on a socket nobody serves: a usage error must be found before sbcctl tries to connect.
RunResult offline(const TempDir& dir, const std::vector<std::string>& args) {
    std::vector<std::string> argv = {SBCCTL_PATH, "--socket", dir.file("nobody.sock")};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
}

TEST_CASE("a phone number that is not E.164 is refused (exit 5) saying why", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    struct Case {
        std::string number;
        std::string why;
    };
    auto c = GENERATE(Case{"4155238886", "the country code is missing"},
                      Case{"+04155238886", "a country code never starts with 0"},
                      Case{"+1415abc8886", "unexpected character 'a'"}, Case{"+1", ""},
                      Case{"+1234567890123456", ""});
    INFO("number " << c.number);
    auto r = daemon.ctl(
        {"business", "register", "--name", "Pizza Palace", "--number", c.number, "--owner", k_pizza_owner});
    CHECK(r.exit_code == 5);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, StartsWith("sbcctl: number: invalid phone number '" + c.number + "'"));
    CHECK_THAT(r.err, Contains(c.why));
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 0);

    auto j = ctl_json_run(daemon, {"business", "register", "--name", "Pizza Palace", "--number",
                                   k_pizza_number, "--owner", c.number});
    CHECK(j.exit_code == 5);
    CHECK(j.doc["result"] == 5);
    CHECK_THAT(j.doc["text"].get<std::string>(), StartsWith("owner: invalid phone number"));
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 0);
}

TEST_CASE("an invalid business id is refused (exit 5) saying which character is wrong", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    auto r = register_pizza(daemon, {"--id", "Pizza_Palace"});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Contains("invalid id 'Pizza_Palace'"));
    CHECK_THAT(r.err, Contains("a-z, 0-9"));
    auto too_long = register_pizza(daemon, {"--id", std::string(65, 'a')});
    CHECK(too_long.exit_code == 5);
    // A name with nothing to make an id from needs --id.
    auto no_slug = daemon.ctl(
        {"business", "register", "--name", "東京寿司", "--number", k_pizza_number, "--owner", k_pizza_owner});
    CHECK(no_slug.exit_code == 5);
    CHECK_THAT(no_slug.err, Contains("--id"));
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 0);
}

TEST_CASE("an unknown business is not found (exit 4) with a hint to list them", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    const std::string hint = "sbcctl business list shows the registered ones";
    std::vector<std::vector<std::string>> commands = {
        {"business", "show", "pizza-place"},
        {"business", "update", "pizza-place", "--greeting", "Hi"},
        {"business", "remove", "pizza-place"},
        {"kb", "add", "--business", "pizza-place", "We deliver"},
        {"kb", "list", "--business", "pizza-place"},
        {"kb", "search", "--business", "pizza-place", "deliver"},
        {"kb", "remove", "--business", "pizza-place", "1"},
        {"kb", "export", "--business", "pizza-place"},
    };
    for (const auto& args : commands) {
        INFO(args[0] << " " << args[1]);
        auto r = daemon.ctl(args);
        CHECK(r.exit_code == 4);
        CHECK(r.out.empty());
        CHECK_THAT(r.err, Contains("business 'pizza-place' not found"));
        CHECK_THAT(r.err, Contains(hint));
    }
    auto j = ctl_json_run(daemon, {"kb", "add", "--business", "pizza-place", "We deliver"});
    CHECK(j.exit_code == 4);
    CHECK(j.doc["result"] == 3);
    CHECK(j.doc["arguments"] == nlohmann::json::object());
    CHECK(count(daemon, "SELECT COUNT(*) FROM knowledge") == 0);
}

TEST_CASE("importing into an unknown business is not found (exit 4) and stores nothing", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    write_file(dir.file("kb.csv"), "text\nWe deliver downtown\n");
    auto r = daemon.ctl({"kb", "import", "--business", "nobody", dir.file("kb.csv")});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Contains("business 'nobody' not found"));
    CHECK(count(daemon, "SELECT COUNT(*) FROM knowledge") == 0);
}

TEST_CASE("removing an entry number that does not exist is not found (exit 4)", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown"}).exit_code == 0);
    auto r = daemon.ctl({"kb", "remove", "--business", "pizza-palace", "99"});
    CHECK(r.exit_code == 4);
    CHECK_THAT(r.err, Contains("pizza-palace has no entry 99"));
    CHECK_THAT(r.err, Contains("sbcctl kb list --business pizza-palace"));
    auto j = ctl_json_run(daemon, {"kb", "remove", "--business", "pizza-palace", "99"});
    CHECK(j.exit_code == 4);
    CHECK(j.doc["result"] == 3);
    CHECK(knowledge_of(daemon, "pizza-palace") == 1);
}

TEST_CASE("an empty or blank knowledge text is refused (exit 5) and nothing is stored", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    for (const std::string text : {"", "   ", "\n\t "}) {
        auto r = daemon.ctl({"kb", "add", "--business", "pizza-palace", text});
        CHECK(r.exit_code == 5);
        CHECK_THAT(r.err, Contains("text is empty"));
    }
    auto j = ctl_json_run(daemon, {"kb", "add", "--business", "pizza-palace", ""});
    CHECK(j.exit_code == 5);
    CHECK(j.doc["result"] == 5);
    // Too long is refused too: 4,000 characters at most.
    auto long_text = daemon.ctl({"kb", "add", "--business", "pizza-palace", std::string(4001, 'x')});
    CHECK(long_text.exit_code == 5);
    CHECK(daemon.ctl({"kb", "add", "--business", "pizza-palace", std::string(4000, 'x')}).exit_code == 0);
    CHECK(knowledge_of(daemon, "pizza-palace") == 1);
    CHECK(count(daemon, "SELECT COUNT(*) FROM events WHERE action = 'kb-add'") == 1);
}

TEST_CASE("an argument the daemon refuses exits 5 with the reason", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto r = daemon.ctl({"kb", "list", "--business", "pizza-palace", "--limit", "5000"});
    CHECK(r.exit_code == 5);
    CHECK_THAT(r.err, Contains("limit"));
    CHECK_THAT(r.err, Contains("1000"));
    auto tz = daemon.ctl({"business", "update", "pizza-palace", "--timezone", "Mars/Olympus_Mons"});
    CHECK(tz.exit_code == 5);
    CHECK_THAT(tz.err, Contains("Mars/Olympus_Mons"));
    CHECK(one(daemon, "SELECT timezone FROM businesses WHERE slug = 'pizza-palace'") == "UTC");
}

TEST_CASE("usage errors exit 2 before sbcctl contacts sbcd, with a pointer to --help", "[cli]") {
    TempDir dir;
    struct Case {
        std::vector<std::string> args;
        std::string message;
    };
    auto c = GENERATE(
        Case{{"bogus"}, "unknown command \"bogus\""},
        Case{{"business"}, "'sbcctl business' needs a command: register, list, show, update, remove"},
        Case{{"business", "register", "--name", "X", "--owner", "+15550001111"}, "--number is required"},
        Case{{"business", "show"}, "id is required"},
        Case{{"kb", "remove", "--business", "pizza-palace", "abc"}, "abc"},
        Case{{"kb", "add", "We deliver"}, "--business is required"},
        Case{{"--timeout", "0", "status"}, "--timeout"},
        Case{{"status", "--no-such-option"}, "--no-such-option"}, Case{{}, "needs a command"});
    INFO("sbcctl " << Catch::Detail::stringify(c.args));
    auto r = offline(dir, c.args);
    CHECK(r.exit_code == 2);
    CHECK(r.out.empty());
    CHECK_THAT(r.err, StartsWith("sbcctl: "));
    CHECK_THAT(r.err, Contains(c.message));
    CHECK_THAT(r.err, Contains("--help"));

    // With --json the same failure is one JSON document on stdout (result 5), and still exit 2.
    std::vector<std::string> args = {"--json"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto j = offline(dir, args);
    CHECK(j.exit_code == 2);
    REQUIRE(one_line(j.out));
    auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["result"] == 5);
    CHECK_THAT(doc["text"].get<std::string>(), Contains(c.message));
}

TEST_CASE("sbcd not running: exit 3 and a hint naming the socket tried", "[cli]") {
    TempDir dir;
    const std::string socket = dir.file("sbcd.sock");
    auto r = run({SBCCTL_PATH, "--socket", socket, "status"});
    CHECK(r.exit_code == 3);
    CHECK(r.out.empty());
    CHECK(r.err == "sbcctl: cannot reach sbcd at " + socket +
                       ": No such file or directory (is sbcd running? set --socket or SBC_SOCKET)\n");

    auto j = run({SBCCTL_PATH, "--json", "--socket", socket, "business", "list"});
    CHECK(j.exit_code == 3);
    REQUIRE(one_line(j.out));
    auto doc = nlohmann::json::parse(j.out);
    CHECK(doc["result"] == 1);
    CHECK_THAT(doc["text"].get<std::string>(), Contains("cannot reach sbcd at " + socket));
    CHECK_THAT(doc["text"].get<std::string>(), Contains("is sbcd running?"));
}

TEST_CASE("sbcctl finds the socket through SBC_SOCKET, then SBC_DATA_DIR, and names the one it tried",
          "[cli]") {
    TempDir dir;
    auto by_socket = run({SBCCTL_PATH, "status"}, {{"SBC_SOCKET", dir.file("env.sock")}});
    CHECK(by_socket.exit_code == 3);
    CHECK_THAT(by_socket.err, Contains("cannot reach sbcd at " + dir.file("env.sock") + ":"));
    auto by_data_dir = run({SBCCTL_PATH, "status"}, {{"SBC_DATA_DIR", dir.file("data")}});
    CHECK(by_data_dir.exit_code == 3);
    CHECK_THAT(by_data_dir.err, Contains("cannot reach sbcd at " + dir.file("data") + "/sbcd.sock:"));

    // And reaches a running sbcd the same way.
    Daemon daemon(dir);
    auto ok = run({SBCCTL_PATH, "status"}, {{"SBC_SOCKET", daemon.socket()}});
    CHECK(ok.exit_code == 0);
}

TEST_CASE("a socket left by a killed sbcd: exit 3, connection refused", "[cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(daemon.stop(SIGKILL) == 128 + SIGKILL);
    REQUIRE(std::filesystem::exists(daemon.socket()));
    auto r = daemon.ctl({"status"});
    CHECK(r.exit_code == 3);
    CHECK_THAT(r.err, Contains("cannot reach sbcd at " + daemon.socket() + ": Connection refused"));
    CHECK_THAT(r.err, Contains("is sbcd running?"));
}

} // namespace test_cli_errors
