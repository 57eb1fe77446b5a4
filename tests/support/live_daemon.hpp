#pragma once
// A live sbcd for the integration tests: the real daemon on a temporary directory, wired to a fake Twilio
// (its credentials, its base URL and the public base URL webhooks are signed for), with helpers to register
// businesses, post signed webhooks and wait for the replies sbcd sends through the fake.
//
// Usage:
//   sbc::test::LiveDaemon live({{"SBC_RETRY_BASE_MS", "10"}});   // own directory and fake, sbcd started
//   live.register_business("Pizza Palace", "+14155238886", "+15550001111");
//   auto reply = live.ask_and_wait("+15552223333", "Do you deliver?", "+14155238886");

#include "tests/support/fake_media.hpp"
#include "tests/support/fake_openai.hpp"
#include "tests/support/fake_twilio.hpp"
#include "tests/support/process.hpp"
#include "tests/support/webhook.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sbc::test {

inline constexpr const char* k_inbound_path = "/webhooks/twilio/whatsapp";

// `base` with every key of `over` set over it.
Env merge_env(Env base, const Env& over);

// The environment that points sbcd at `twilio`, with `extra` added last (it wins over the Twilio keys).
Env twilio_env(const FakeTwilio& twilio, const Env& extra = {});

class LiveDaemon {
  public:
    // Picks the constructor that starts nothing: for a fixture that prepares the directory first (a .env
    // file, say) and then calls start() itself.
    struct Deferred {};

    // sbcd on its own directory and fake Twilio, started with twilio_env(twilio(), extra); throws when sbcd
    // does not become ready.
    explicit LiveDaemon(Env extra = {});
    // The same on a directory and fake the test owns, so that they outlive a restart on the same data.
    LiveDaemon(const TempDir& dir, FakeTwilio& twilio, Env extra = {});
    // Its own directory and fake, sbcd not started yet.
    explicit LiveDaemon(Deferred);
    LiveDaemon(const LiveDaemon&) = delete;
    LiveDaemon& operator=(const LiveDaemon&) = delete;

    // Starts sbcd with twilio_env(twilio(), extra), stopping the one running first; throws when it does not
    // become ready.
    void start(Env extra);
    // Starts sbcd again on the same data with the environment of the last start().
    void restart();

    const TempDir& dir() const { return *m_dir; }
    FakeTwilio& twilio() const { return *m_twilio; }
    // The running sbcd; only valid after a start.
    Daemon& daemon() { return *m_daemon; }
    const Daemon& daemon() const { return *m_daemon; }

    RunResult ctl(const std::vector<std::string>& args) const { return m_daemon->ctl(args); }
    // One value, and one integer, from a read-only query of sbcd's database.
    std::string one(const std::string& sql) const { return query_one(m_daemon->database(), sql); }
    long long count(const std::string& sql) const { return query_int(m_daemon->database(), sql); }

    // `sbcctl business register`; fails the test, with sbcctl's output, when it does not exit 0.
    void register_business(const std::string& name, const std::string& number, const std::string& owner,
                           const std::vector<std::string>& extra = {}) const;
    // `sbcctl kb add`; fails the test when it does not exit 0.
    void add_knowledge(const std::string& business, const std::string& text) const;

    // POSTs `params` to sbcd's `path`, signed with the fake's auth token as Twilio would sign them.
    HttpResult post_signed(const std::string& path, const http::FormParams& params) const;
    // A signed inbound WhatsApp message from `from` to the business number `to`.
    HttpResult message(const std::string& sid, const std::string& from, const std::string& to,
                       const std::string& body) const;

    // The bodies sbcd asked the fake Twilio to send to `to` (E.164), in arrival order.
    std::vector<std::string> bodies_to(const std::string& to) const;
    // Waits until `to` has been sent at least `n` messages; false when `timeout` passes first.
    bool wait_for_bodies(const std::string& to, std::size_t n,
                         std::chrono::milliseconds timeout = std::chrono::seconds(20)) const;
    // Sends a message under the next MessageSid of this fixture (make_sid(1), (2), ...), waits until the
    // sender has one more message and returns the first new one; fails the test when either step fails.
    std::string ask_and_wait(const std::string& from, const std::string& body, const std::string& to);
    // The MessageSid ask_and_wait() would use next, taken: for tests that post themselves.
    std::string next_sid() { return make_sid(++m_last_sid); }

  private:
    std::optional<TempDir> m_own_dir;
    std::optional<FakeTwilio> m_own_twilio;
    const TempDir* m_dir;
    FakeTwilio* m_twilio;
    Env m_extra;
    std::optional<Daemon> m_daemon;
    int m_last_sid = 0;
};

// Other fakes for a fixture derived from LiveDaemon: listed as bases before LiveDaemon, they are up before
// sbcd starts (its environment can name them) and still up while it stops.
struct WithFakeAi {
    FakeOpenAi ai;
};
// Media served behind the fake Twilio's default credentials, the ones sbcd sends.
struct WithFakeMedia {
    FakeMedia media{k_fake_account_sid, k_fake_auth_token};
};

} // namespace sbc::test
