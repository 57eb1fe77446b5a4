// sbcd under systemd's Type=notify, with a NotifySocket standing in for systemd: READY=1 only once the
// control socket and HTTP answer, watchdog pings at half of WATCHDOG_USEC, STOPPING=1 on SIGTERM, an
// abstract NOTIFY_SOCKET address, and no notification at all without NOTIFY_SOCKET.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/notify_socket.hpp"

#include <csignal>
#include <unistd.h>

using namespace sbc::test;
using namespace sbc::test::cli;

TEST_CASE("sbcd notifies systemd: READY=1 once it answers, watchdog pings, STOPPING=1 on SIGTERM",
          "[integration][systemd]") {
    TempDir dir;
    NotifySocket systemd(dir.file("notify.sock"));
    // 200 ms: sbcd pings every 100 ms.
    Daemon daemon(dir, {{"NOTIFY_SOCKET", systemd.address()}, {"WATCHDOG_USEC", "200000"}}, false);

    auto ready = systemd.wait_for("READY=1");
    INFO("sbcd's log:\n" << daemon.log());
    REQUIRE(ready);
    // READY=1 promises a working daemon: the first request, with no retry, is answered.
    auto status = daemon.ctl({"--json", "status"});
    REQUIRE(status.exit_code == 0);
    int port = status.json()["arguments"]["http"]["port"].get<int>();
    REQUIRE(get(port, "/health").status == 200);
    CHECK_THAT(*ready, Contains("STATUS=serving webhooks on 127.0.0.1:" + std::to_string(port)));
    // Nothing said "ready" before: the datagrams before it only report progress.
    REQUIRE(systemd.messages().size() >= 2);
    CHECK(systemd.messages().front() == "STATUS=opening the database");
    CHECK(systemd.count("READY=1") == 1);

    REQUIRE(systemd.wait_for("WATCHDOG=1"));
    REQUIRE(systemd.wait_for("WATCHDOG=1"));
    REQUIRE(systemd.wait_for("WATCHDOG=1"));
    CHECK_THAT(daemon.log(), Contains("watchdog: pinging every 100 ms"));

    REQUIRE(daemon.stop(SIGTERM) == 0);
    auto stopping = systemd.wait_for("STOPPING=1");
    REQUIRE(stopping);
    CHECK_THAT(*stopping, Contains("STATUS=draining"));
    CHECK_THAT(daemon.log(), Contains("stopped cleanly"));
}

TEST_CASE("sbcd notifies systemd on an abstract NOTIFY_SOCKET address", "[integration][systemd]") {
    TempDir dir;
    NotifySocket systemd("@sbc-test-notify-" + std::to_string(::getpid()) + "-" +
                         dir.path().substr(dir.path().rfind('/') + 1));
    Daemon daemon(dir, {{"NOTIFY_SOCKET", systemd.address()}}, false);
    REQUIRE(systemd.wait_for("READY=1"));
    REQUIRE(daemon.ctl({"status"}).exit_code == 0);
    REQUIRE(daemon.stop(SIGTERM) == 0);
    REQUIRE(systemd.wait_for("STOPPING=1"));
    // Without WATCHDOG_USEC there is no watchdog thread.
    CHECK(systemd.count("WATCHDOG=1") == 0);
    CHECK_THAT(daemon.log(), !Contains("watchdog"));
}

TEST_CASE("sbcd pings no watchdog meant for another process (WATCHDOG_PID)", "[integration][systemd]") {
    TempDir dir;
    NotifySocket systemd(dir.file("notify.sock"));
    // systemd sets WATCHDOG_PID to the main process; a child that inherits the variables must not ping.
    Daemon daemon(dir,
                  {{"NOTIFY_SOCKET", systemd.address()},
                   {"WATCHDOG_USEC", "200000"},
                   {"WATCHDOG_PID", std::to_string(::getpid())}},
                  false);
    REQUIRE(systemd.wait_for("READY=1"));
    REQUIRE(daemon.stop(SIGTERM) == 0);
    REQUIRE(systemd.wait_for("STOPPING=1"));
    CHECK(systemd.count("WATCHDOG=1") == 0);
    CHECK_THAT(daemon.log(), !Contains("watchdog"));
}
