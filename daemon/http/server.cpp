#include "daemon/http/server.hpp"

#include "common/text.hpp"
#include "daemon/http/admin_api.hpp"
#include "daemon/http/json_response.hpp"
#include "daemon/http/listen_backlog.hpp"
#include "daemon/http/metrics_page.hpp"
#include "daemon/http/public_media.hpp"
#include "daemon/http/status_pages.hpp"
#include "daemon/http/webhook_handler.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/metrics/prometheus.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fmt/format.h>
#include <fstream>
#include <httplib.h>
#include <iterator>
#include <optional>
#include <stdexcept>

namespace sbc::http {
namespace {

constexpr std::size_t k_backstop_body_limit = 16 * 1024 * 1024;

// The headers a webhook needs, each its first value, in one pass over the request's headers: a lookup by name
// goes through cpp-httplib's case-insensitive map, which lowers every compared character through tolower
// (perf: several lookups a webhook were 2% of sbcd's samples).
void read_headers(const httplib::Request& req, WebhookRequest& w, std::optional<std::string_view>& length) {
    struct Wanted {
        std::string_view name;
        std::string* value;
    };
    const Wanted wanted[] = {{"Host", &w.host},
                             {"X-Forwarded-Proto", &w.forwarded_proto},
                             {"X-Forwarded-Host", &w.forwarded_host},
                             {"Content-Type", &w.content_type},
                             {"X-Twilio-Signature", &w.signature}};
    bool seen[std::size(wanted)] = {};
    for (const auto& [name, value] : req.headers) {
        if (!length && text::iequals(name, "Content-Length")) {
            length = value;
            continue;
        }
        for (std::size_t i = 0; i < std::size(wanted); ++i) {
            if (!seen[i] && text::iequals(name, wanted[i].name)) {
                *wanted[i].value = value;
                seen[i] = true;
                break;
            }
        }
    }
}

// Reads the body through the ContentReader, stopping at max_body (then too_large is set).
WebhookRequest read_webhook(const httplib::Request& req, const httplib::ContentReader& reader,
                            std::size_t max_body, bool tls) {
    WebhookRequest w;
    w.scheme = tls ? "https" : "http";
    w.target = req.target;
    std::optional<std::string_view> length;
    read_headers(req, w, length);
    // Read as cpp-httplib reads it (strtoull: no number is 0).
    std::uint64_t declared = length ? std::strtoull(std::string(*length).c_str(), nullptr, 10) : 0;
    if (declared > max_body) {
        w.too_large = true;
        return w;
    }
    w.body.reserve(static_cast<std::size_t>(declared));
    reader([&](const char* data, std::size_t size) {
        if (w.body.size() + size > max_body) {
            w.too_large = true;
            return false;
        }
        w.body.append(data, size);
        return true;
    });
    return w;
}

void send(httplib::Response& res, const HttpReply& reply) {
    res.status = reply.status;
    if (reply.status == 413) {
        res.set_header("Connection", "close"); // the rest of the body was never read
    }
    res.set_content(reply.body, reply.content_type.c_str());
}

// Fails with the file and the reason, before OpenSSL's less helpful "not valid".
void check_readable(const std::string& path, const char* key) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error(fmt::format("cannot read {} {}: {} (the file must exist and be readable by "
                                             "sbcd's user)",
                                             key, path, std::strerror(errno)));
    }
}

std::unique_ptr<httplib::Server> make_server(const std::optional<HttpServer::Tls>& tls) {
    if (!tls) {
        return std::make_unique<httplib::Server>();
    }
    check_readable(tls->cert_file, "http.tls_cert_file");
    check_readable(tls->key_file, "http.tls_key_file");
    auto server = std::make_unique<httplib::SSLServer>(tls->cert_file.c_str(), tls->key_file.c_str());
    if (!server->is_valid()) {
        throw std::runtime_error(fmt::format(
            "cannot serve HTTPS with {} and {}: they are not a PEM certificate and its matching private key "
            "(an encrypted key is not supported)",
            tls->cert_file, tls->key_file));
    }
    return server;
}

// cpp-httplib's pool, with its workers named "sbc-http" (they are the library's threads, named on their
// first task).
class NamedPool : public httplib::TaskQueue {
  public:
    explicit NamedPool(std::size_t threads) : m_pool(threads) {}
    void enqueue(std::function<void()> fn) override {
        m_pool.enqueue([fn = std::move(fn)] {
            thread_local bool named = false;
            if (!named) {
                log::name_this_thread("sbc-http");
                named = true;
            }
            fn();
        });
    }
    void shutdown() override { m_pool.shutdown(); }

  private:
    httplib::ThreadPool m_pool;
};

} // namespace

HttpServer::HttpServer(const std::string& host, int port, int threads, std::size_t max_body,
                       WebhookHandler& webhooks, StatusSources& status, const AdminApi* admin,
                       const std::optional<Tls>& tls)
    : m_server(make_server(tls)), m_tls(tls.has_value()) {
    auto& s = *m_server;
    s.new_task_queue = [threads] { return new NamedPool(static_cast<std::size_t>(threads)); };
    s.set_tcp_nodelay(true);
    s.set_keep_alive_max_count(1000);
    s.set_keep_alive_timeout(2);
    s.set_read_timeout(10);
    s.set_write_timeout(10);
    // The library's own 413 would come before our handlers and go uncounted: webhooks bound their bodies
    // themselves (read_webhook), so its limit is only a backstop for the other routes.
    s.set_payload_max_length(k_backstop_body_limit);
    s.set_exception_handler([](const httplib::Request& req, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown error";
        try {
            std::rethrow_exception(ep);
        } catch (const std::exception& e) {
            what = e.what();
        } catch (...) {
        }
        log_error("http", "{} {} failed: {}", req.method, req.path, what);
        res.status = 500;
        res.set_content("internal error (see sbcd's log)\n", "text/plain");
    });
    routes(max_body, webhooks, status, admin);
    m_port = port == 0 ? s.bind_to_any_port(host) : (s.bind_to_port(host, port) ? port : -1);
    if (m_port <= 0) {
        throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) +
                                 " (is another program using it? set SBC_LISTEN)");
    }
    if (!widen_listen_backlog(m_port)) {
        log_warn("http",
                 "cannot raise the listen backlog of port {}: connections beyond 5 arriving at once may "
                 "wait a second",
                 m_port);
    }
    m_thread = std::thread([this] {
        log::name_this_thread("sbc-http-accept");
        m_server->listen_after_bind();
    });
    // cpp-httplib 0.11.4's stop() does nothing before the listen loop runs, and the join in the destructor
    // would then wait forever (e.g. when a later start-up step fails): return only once it is running.
    while (!m_server->is_running()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
}

HttpServer::~HttpServer() {
    m_server->stop();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void HttpServer::routes(std::size_t max_body, WebhookHandler& webhooks, StatusSources& status,
                        const AdminApi* admin) {
    auto& s = *m_server;
    if (admin != nullptr) {
        admin->add_routes(s);
    }
    s.Post("/webhooks/twilio/whatsapp",
           [&webhooks, max_body, tls = m_tls](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) {
               send(res, webhooks.inbound(read_webhook(req, reader, max_body, tls)));
           });
    s.Post("/webhooks/twilio/status",
           [&webhooks, max_body, tls = m_tls](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) {
               send(res, webhooks.status(read_webhook(req, reader, max_body, tls)));
           });
    s.Post("/webhooks/test",
           [](const httplib::Request&, httplib::Response& res) { send_json(res, webhook_test()); });
    s.Get("/health", [&status](const httplib::Request&, httplib::Response& res) {
        auto [body, healthy] = health(status);
        send_json(res, body, healthy ? 200 : 503);
    });
    s.Get("/webhooks/status", [&status](const httplib::Request&, httplib::Response& res) {
        send_json(res, webhooks_status(status));
    });
    s.Get("/api/twilio/status", [&status](const httplib::Request&, httplib::Response& res) {
        send_json(res, twilio_status(status));
    });
    s.Get("/metrics", [&status](const httplib::Request&, httplib::Response& res) {
        res.set_content(prometheus_metrics(status), metrics::k_exposition_content_type);
    });
    // Knowledge attachments for Twilio (MediaUrl); cpp-httplib answers HEAD with the GET route's headers.
    s.Get(R"(/media/(.*))", [&status](const httplib::Request& req, httplib::Response& res) {
        auto file = public_media(status, req.matches[1].str());
        res.status = file.status;
        res.set_content(std::move(file.body), file.content_type.c_str());
    });
    s.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
        if (res.status == 404 && res.body.empty()) {
            send_json(res, {{"error", "not found"}, {"path", req.path}}, 404);
        }
    });
}

} // namespace sbc::http
