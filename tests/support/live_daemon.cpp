#include "tests/support/live_daemon.hpp"

#include <catch2/catch.hpp>

namespace sbc::test {

Env merge_env(Env base, const Env& over) {
    for (const auto& [key, value] : over) {
        base[key] = value;
    }
    return base;
}

Env twilio_env(const FakeTwilio& twilio, const Env& extra) {
    return merge_env({{"TWILIO_ACCOUNT_SID", twilio.account_sid()},
                      {"TWILIO_AUTH_TOKEN", twilio.auth_token()},
                      {"TWILIO_API_BASE_URL", twilio.base_url()},
                      {"WEBHOOK_BASE_URL", k_public_base}},
                     extra);
}

LiveDaemon::LiveDaemon(Env extra) : LiveDaemon(Deferred{}) {
    start(std::move(extra));
}

LiveDaemon::LiveDaemon(const TempDir& dir, FakeTwilio& twilio, Env extra) : m_dir(&dir), m_twilio(&twilio) {
    start(std::move(extra));
}

LiveDaemon::LiveDaemon(Deferred)
    : m_own_dir(std::in_place), m_own_twilio(std::in_place), m_dir(&*m_own_dir), m_twilio(&*m_own_twilio) {}

void LiveDaemon::start(Env extra) {
    m_extra = std::move(extra);
    restart();
}

void LiveDaemon::restart() {
    // The old sbcd must be gone before the new one opens the same database and socket.
    m_daemon.reset();
    m_daemon.emplace(*m_dir, twilio_env(*m_twilio, m_extra));
}

void LiveDaemon::register_business(const std::string& name, const std::string& number,
                                   const std::string& owner, const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {"business", "register", "--name",  name,
                                     "--number", number,     "--owner", owner};
    args.insert(args.end(), extra.begin(), extra.end());
    auto r = ctl(args);
    INFO("sbcctl business register printed: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
}

void LiveDaemon::add_knowledge(const std::string& business, const std::string& text) const {
    auto r = ctl({"kb", "add", "--business", business, text});
    INFO("sbcctl kb add printed: " << r.out << r.err);
    REQUIRE(r.exit_code == 0);
}

HttpResult LiveDaemon::post_signed(const std::string& path, const http::FormParams& params) const {
    return post_form(m_daemon->http_port(), path, params, m_twilio->auth_token());
}

HttpResult LiveDaemon::message(const std::string& sid, const std::string& from, const std::string& to,
                               const std::string& body) const {
    return post_signed(k_inbound_path, inbound_message(sid, from, to, body));
}

std::vector<std::string> LiveDaemon::bodies_to(const std::string& to) const {
    std::vector<std::string> out;
    for (const auto& r : m_twilio->requests()) {
        if (r.form.first("To") == "whatsapp:" + to) {
            out.emplace_back(r.form.first("Body").value_or(""));
        }
    }
    return out;
}

bool LiveDaemon::wait_for_bodies(const std::string& to, std::size_t n,
                                 std::chrono::milliseconds timeout) const {
    return wait_until([&] { return bodies_to(to).size() >= n; }, timeout);
}

std::string LiveDaemon::ask_and_wait(const std::string& from, const std::string& body,
                                     const std::string& to) {
    auto before = bodies_to(from).size();
    REQUIRE(message(next_sid(), from, to, body).status == 200);
    REQUIRE(wait_for_bodies(from, before + 1));
    return bodies_to(from)[before];
}

} // namespace sbc::test
