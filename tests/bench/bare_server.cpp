// sbc_bare_server: the baseline of sbc_bench's ingest phase. It is what sbcd would cost if it did nothing but
// HTTP: a cpp-httplib server set up exactly like sbcd's (daemon/http/server.cpp: as many workers as sbcd's
// default http.threads, TCP_NODELAY, the same keep-alive count and timeout, the same read and write timeouts)
// whose webhook route reads the body through a ContentReader, as sbcd's does, and answers sbcd's empty TwiML
// (200, text/xml). It runs in its own process, like sbcd, so that the load generator competes with it for the
// two cores the same way.
//
//   sbc_bare_server [--threads N]     prints "port N" on stdout once listening; SIGTERM or SIGINT stops it

#include "daemon/config/config.hpp"
#include "daemon/http/listen_backlog.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <httplib.h>
#include <pthread.h>
#include <string>
#include <thread>

namespace {

// The same text as sbcd's k_empty_twiml (daemon/http/webhook_handler.cpp), so both answers are the same size.
constexpr const char* k_empty_twiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

// sbcd's settings, copied from daemon/http/server.cpp (they are constants there, not configuration).
void configure_like_sbcd(httplib::Server& server, int threads) {
    server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    server.set_tcp_nodelay(true);
    server.set_keep_alive_max_count(1000);
    server.set_keep_alive_timeout(2);
    server.set_read_timeout(10);
    server.set_write_timeout(10);
}

void add_routes(httplib::Server& server) {
    auto answer = [](const httplib::Request&, httplib::Response& res, const httplib::ContentReader& reader) {
        std::string body;
        reader([&body](const char* data, std::size_t length) {
            body.append(data, length);
            return true;
        });
        res.status = 200;
        res.set_content(k_empty_twiml, "text/xml");
    };
    server.Post("/webhooks/twilio/whatsapp", answer);
    server.Post("/webhooks/twilio/status", answer);
}

int parse_threads(int argc, char** argv) {
    int threads = sbc::config::Config{}.http_threads;
    for (int i = 1; i < argc; ++i) {
        std::string arg = argv[i];
        if (arg == "--threads" && i + 1 < argc) {
            threads = std::atoi(argv[++i]);
        } else {
            std::fprintf(stderr, "usage: sbc_bare_server [--threads N]\n");
            std::exit(2);
        }
    }
    if (threads < 1 || threads > 256) {
        std::fprintf(stderr, "sbc_bare_server: --threads must be 1..256\n");
        std::exit(2);
    }
    return threads;
}

} // namespace

int main(int argc, char** argv) {
    int threads = parse_threads(argc, argv);
    // Blocked before any thread starts, so only sigwait below receives them.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
    std::signal(SIGPIPE, SIG_IGN);

    httplib::Server server;
    configure_like_sbcd(server, threads);
    add_routes(server);
    int port = server.bind_to_any_port("127.0.0.1");
    if (port <= 0) {
        std::fprintf(stderr, "sbc_bare_server: cannot bind a port on 127.0.0.1\n");
        return 1;
    }
    sbc::http::widen_listen_backlog(port); // as sbcd does: the same accept queue for both
    std::thread listener([&server] { server.listen_after_bind(); });
    while (!server.is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    std::printf("port %d threads %d\n", port, threads);
    std::fflush(stdout);

    int signal = 0;
    sigwait(&stop_signals, &signal);
    server.stop();
    listener.join();
    return 0;
}
