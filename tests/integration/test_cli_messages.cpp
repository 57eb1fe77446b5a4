// sbcctl's message commands against the real sbcd: send-test runs the pipeline and prints the reply, logs
// shows the message log, logs --follow streams new messages until interrupted.

#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <catch2/catch.hpp>
#include <csignal>

using namespace sbc::test;

namespace test_cli_messages {

struct Demo {
    TempDir dir;
    Daemon daemon{dir};
    Demo() {
        REQUIRE(daemon
                    .ctl({"business", "register", "--name", "Pizza Palace", "--number", "+14155238886",
                          "--owner", "+15550001111", "--hours", "Mon-Sat 11am-11pm"})
                    .exit_code == 0);
        REQUIRE(daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"})
                    .exit_code == 0);
    }
};

TEST_CASE("send-test prints the reply a customer would get", "[cli][messages]") {
    Demo d;
    auto r = d.daemon.ctl(
        {"send-test", "--business", "pizza-palace", "--from", "+15552223333", "Do you deliver downtown?"});
    CHECK(r.exit_code == 0);
    CHECK(r.out.find("We deliver downtown until 10pm") != std::string::npos);
    auto j = d.daemon.ctl_json({"send-test", "--business", "pizza-palace", "--from", "+15552223333",
                                "What are your opening hours?"});
    CHECK(j["result"] == 0);
    CHECK(j["arguments"]["reply"] == "Our opening hours: Mon-Sat 11am-11pm");
    auto unknown = d.daemon.ctl_json(
        {"send-test", "--business", "pizza-palace", "--from", "+15552223333", "Can I bring my parrot?"});
    CHECK(unknown["arguments"]["entry"].is_null());
    CHECK(unknown["arguments"]["reply"].get<std::string>().find("Sorry") == 0);
    // Test messages are recorded but never queued for Twilio.
    CHECK(query_int(d.daemon.database(), k_unfinished_sql) == 0);
    CHECK(query_int(d.daemon.database(), "SELECT COUNT(*) FROM messages WHERE status = 'test'") >= 3);
}

TEST_CASE("send-test --owner runs owner commands", "[cli][messages]") {
    Demo d;
    auto r = d.daemon.ctl_json(
        {"send-test", "--business", "pizza-palace", "--owner", "!add Vegan pizza on Fridays"});
    CHECK(r["result"] == 0);
    CHECK(r["arguments"]["reply"] == "Added #2: Vegan pizza on Fridays");
    auto list = d.daemon.ctl_json({"kb", "list", "--business", "pizza-palace"});
    CHECK(list["arguments"]["total"] == 2);
    auto bad = d.daemon.ctl({"send-test", "--business", "nope", "--owner", "!help"});
    CHECK(bad.exit_code == 4);
}

TEST_CASE("logs shows the message log, --follow streams until interrupted", "[cli][messages]") {
    Demo d;
    REQUIRE(
        d.daemon.ctl({"send-test", "--business", "pizza-palace", "--from", "+15552223333", "hi"}).exit_code ==
        0);
    auto logs = d.daemon.ctl_json({"logs", "--business", "pizza-palace"});
    REQUIRE(logs["result"] == 0);
    CHECK(logs["arguments"]["messages"].size() == 2);

    std::string out = d.dir.file("follow.out");
    Child follow({SBCCTL_PATH, "--socket", d.daemon.socket(), "--json", "logs", "--follow"}, {}, d.dir.path(),
                 out);
    // Whatever was there is printed first; then the new messages arrive while it waits.
    REQUIRE(wait_until([&] { return read_file(out).find("\"hi\"") != std::string::npos; }));
    REQUIRE(d.daemon
                .ctl({"send-test", "--business", "pizza-palace", "--from", "+15554445555",
                      "Do you deliver downtown?"})
                .exit_code == 0);
    REQUIRE(wait_until([&] { return read_file(out).find("We deliver downtown") != std::string::npos; }));
    CHECK(follow.stop(SIGINT) == 0);
}

} // namespace test_cli_messages
