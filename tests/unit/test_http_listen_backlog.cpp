#include "daemon/http/listen_backlog.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <httplib.h>
#include <thread>

using sbc::http::widen_listen_backlog;

TEST_CASE("the listen backlog of a cpp-httplib server's port is raised", "[http]") {
    httplib::Server server;
    int port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    CHECK(widen_listen_backlog(port));
    // The socket still accepts and serves after it listened a second time.
    server.Get("/",
               [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    std::thread listener([&] { server.listen_after_bind(); });
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!server.is_running() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    REQUIRE(server.is_running());
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get("/");
    server.stop();
    listener.join();
    REQUIRE(res);
    CHECK(res->body == "ok");
}

TEST_CASE("a port nothing listens on is left alone", "[http]") {
    httplib::Server server;
    int port = server.bind_to_any_port("127.0.0.1");
    REQUIRE(port > 0);
    // Only this process's sockets are looked at: the port next to ours is not one of them.
    CHECK_FALSE(widen_listen_backlog(port == 65535 ? port - 1 : port + 1));
}
