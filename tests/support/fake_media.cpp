#include "tests/support/fake_media.hpp"

#include "tests/support/basic_auth.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <map>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sbc::test {
namespace {

constexpr const char* k_media_ready_path = "/__fake_media/ready";

} // namespace

struct FakeMedia::Impl {
    std::string expected_authorization;
    httplib::Server server;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    std::map<std::string, MediaFile> files;
    std::vector<MediaRequest> requests;

    void handle(const httplib::Request& req, httplib::Response& res) {
        std::lock_guard lock(mutex);
        MediaRequest record{req.path, req.get_header_value("Authorization"), 0};
        auto it = files.find(req.path);
        if (it == files.end()) {
            res.status = 404;
        } else if (it->second.fail_first > 0) {
            --it->second.fail_first;
            res.status = 503;
        } else if (it->second.require_auth && record.authorization != expected_authorization) {
            res.status = 401;
            res.set_header("WWW-Authenticate", "Basic realm=\"Twilio API\"");
        } else if (it->second.redirect_to) {
            res.status = 307;
            res.set_header("Location", *it->second.redirect_to);
        } else {
            res.status = 200;
            res.set_content(it->second.body, it->second.content_type.c_str());
        }
        record.status = res.status;
        requests.push_back(std::move(record));
    }
};

FakeMedia::FakeMedia(std::string account_sid, std::string auth_token) : m_impl(std::make_unique<Impl>()) {
    Impl& impl = *m_impl;
    impl.expected_authorization = basic_authorization(account_sid, auth_token);
    impl.server.set_keep_alive_timeout(1);
    impl.server.Get(k_media_ready_path, [](const httplib::Request&, httplib::Response& res) {
        res.set_content("ok", "text/plain");
    });
    impl.server.Get(".*",
                    [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
    impl.port = impl.server.bind_to_any_port("127.0.0.1");
    if (impl.port <= 0) {
        throw std::runtime_error("fake media server could not bind a port on 127.0.0.1");
    }
    impl.thread = std::thread([&impl] { impl.server.listen_after_bind(); });
    // stop() is a no-op until the accept loop runs, so wait for it to serve one request before returning.
    httplib::Client probe("127.0.0.1", impl.port);
    probe.set_connection_timeout(5);
    auto ready = probe.Get(k_media_ready_path);
    if (!ready || ready->status != 200) {
        impl.server.stop();
        impl.thread.join();
        throw std::runtime_error("fake media server did not start serving on 127.0.0.1");
    }
}

FakeMedia::~FakeMedia() {
    m_impl->server.stop();
    if (m_impl->thread.joinable()) {
        m_impl->thread.join();
    }
}

void FakeMedia::serve(const std::string& path, MediaFile file) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->files[path] = std::move(file);
}

std::string FakeMedia::url(const std::string& path) const {
    return fmt::format("http://127.0.0.1:{}{}", m_impl->port, path);
}

std::vector<MediaRequest> FakeMedia::requests() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->requests;
}

const std::string& FakeMedia::expected_authorization() const {
    return m_impl->expected_authorization;
}

} // namespace sbc::test
