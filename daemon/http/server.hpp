#pragma once
// sbcd's HTTP side (cpp-httplib): Twilio's webhooks and the seed deployment's status endpoints. Configured
// for what engineering-notes.md found: TCP_NODELAY on, short keep-alive, our own body limit through a
// ContentReader (the library's compiled-in 8 KiB form limit would drop long non-Latin messages), an exception
// handler.

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace httplib {
class Server;
}

namespace sbc::http {

class WebhookHandler;
struct StatusSources;
class AdminApi;

class HttpServer {
  public:
    // Binds host:port (port 0: any free port) and starts serving. Throws std::runtime_error when the address
    // cannot be bound, saying which and why.
    // `admin` adds the admin REST API's routes when given (and a token is configured).
    // With `tls` (certificate and key PEM files) it serves HTTPS instead; unreadable or invalid files throw,
    // naming the file and what to do.
    struct Tls {
        std::string cert_file;
        std::string key_file;
    };
    HttpServer(const std::string& host, int port, int threads, std::size_t max_body, WebhookHandler& webhooks,
               StatusSources& status, const AdminApi* admin = nullptr, const std::optional<Tls>& tls = {});
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;
    // Stops accepting, lets requests in flight finish.
    ~HttpServer();

    int port() const { return m_port; }

  private:
    void routes(std::size_t max_body, WebhookHandler& webhooks, StatusSources& status, const AdminApi* admin);

    std::unique_ptr<httplib::Server> m_server;
    bool m_tls = false; // serving HTTPS: webhooks without WEBHOOK_BASE_URL are checked against https://<Host>
    int m_port = 0;
    std::thread m_thread;
};

} // namespace sbc::http
