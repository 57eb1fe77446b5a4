// sbcd's log through the real binary: JSON lines in a log file (log.format, log.file), the file reopened on
// SIGHUP after logrotate moved it, and a webhook's MessageSid as the request ID of both the webhook's lines
// and the lines about its reply.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/notify_socket.hpp"

#include <algorithm>
#include <csignal>
#include <cstdio>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_daemon_logs {

// The complete lines of the file (one being written at this moment is left for the next read).
std::vector<nlohmann::json> json_lines(std::string text) {
    text.erase(text.rfind('\n') == std::string::npos ? 0 : text.rfind('\n') + 1);
    std::vector<nlohmann::json> out;
    for (const auto& line : lines(text)) {
        out.push_back(nlohmann::json::parse(line)); // throws (and fails the test) on a line that is not JSON
    }
    return out;
}

TEST_CASE("JSON log lines in a file, tied by request ID, reopened on SIGHUP", "[integration][logs]") {
    TempDir dir;
    NotifySocket systemd(dir.file("notify.sock"));
    auto log_path = dir.file("sbcd-json.log");
    Daemon daemon(dir, {{"NOTIFY_SOCKET", systemd.address()},
                        {"SBC_LOG_FILE", log_path},
                        {"SBC_LOG_FORMAT", "json"},
                        {"SBC_INSECURE_SKIP_SIGNATURE_CHECK", "true"}});
    REQUIRE(systemd.wait_for("READY=1"));
    REQUIRE(daemon
                .ctl({"business", "register", "--name", "Pizza Palace", "--number", k_pizza_number, "--owner",
                      k_pizza_owner})
                .exit_code == 0);
    auto sid = make_sid(77);
    REQUIRE(post_form(daemon.http_port(), "/webhooks/twilio/whatsapp",
                      inbound_message(sid, "+15552220001", k_pizza_number, "Do you deliver?"), "")
                .status == 200);
    // Dry-run: the sender logs the reply instead of sending it, under the webhook's MessageSid.
    auto components_of = [&](const std::string& request) {
        std::set<std::string> seen;
        for (const auto& line : json_lines(read_file(log_path))) {
            if (line.value("request", "") == request) {
                seen.insert(line["component"].get<std::string>());
            }
        }
        return seen;
    };
    REQUIRE(wait_until([&] { return components_of(sid).count("outbox") == 1; }));
    CHECK(components_of(sid).count("http") == 1);
    auto all = json_lines(read_file(log_path));
    REQUIRE(!all.empty());
    CHECK(all.front().contains("time"));
    CHECK(all.front().contains("level"));
    // Nothing but the JSON lines: standard error holds no log line.
    CHECK_THAT(daemon.log(), !Contains("listening on"));

    // logrotate: move the file, then SIGHUP; new lines go to a new file by the configured name.
    REQUIRE(std::rename(log_path.c_str(), dir.file("sbcd-json.log.1").c_str()) == 0);
    REQUIRE(::kill(daemon.pid(), SIGHUP) == 0);
    REQUIRE(systemd.wait_for("RELOADING=1"));
    REQUIRE(systemd.wait_for("READY=1"));
    auto fresh = json_lines(read_file(log_path));
    CHECK(std::any_of(fresh.begin(), fresh.end(), [&](const nlohmann::json& line) {
        return line["message"] == "log file " + log_path + " reopened";
    }));
    CHECK_THAT(read_file(dir.file("sbcd-json.log.1")), !Contains("reopened"));
}

} // namespace test_daemon_logs
