#pragma once
// A fake of Twilio's REST Messages API on 127.0.0.1 for tests: real wire format, Basic auth, a record of
// every request, and programmable faults (5xx, 429, Twilio error codes, answers slower than the client's
// timeout, dropped connections, a seeded random mix).
//
// Usage:
//   sbc::test::FakeTwilio fake;                              // listening once constructed; stops when
//   destroyed client config: api_base_url = fake.base_url(), account_sid = fake.account_sid(), auth_token =
//   fake.auth_token() fake.push_fault(sbc::test::FakeFault::server_error(), 2); // the next two requests get
//   500 fake.wait_for_requests(3, std::chrono::seconds(5));       // false if fewer than 3 arrive by then
//   auto seen = fake.requests();                              // snapshot, in arrival order
//
// Dropped connections: cpp-httplib 0.11.4 gives handlers no access to the socket, so the handler finds its
// own connection among the process's descriptors (the accepted socket whose local port is ours and whose peer
// port is the request's remote port) and shuts it down; the client then sees the connection close with no
// answer. Writing the answer afterwards fails harmlessly: the fake ignores SIGPIPE process-wide (test
// processes only).

#include "daemon/http/form_parser.hpp"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbc::test {

inline constexpr const char* k_fake_account_sid = "AC0123456789abcdef0123456789abcdef";
inline constexpr const char* k_fake_auth_token = "5eb0a7c4e1d2f3a4b5c6d7e8f9a0b1c2";

// What the fake does to one request instead of its normal 201.
struct FakeFault {
    enum class Kind {
        server_error, // HTTP 5xx with Twilio's JSON error (code 20500)
        rate_limited, // HTTP 429, code 20429, optional Retry-After
        twilio_error, // a given HTTP status and Twilio error code, classic or RFC 9457 body
        slow,         // wait `delay`, then answer 201 anyway (the message is created: the ambiguous case)
        held,         // wait until the test calls release_held(), then answer 201 (the message is created)
        drop,         // read the request, then close the connection without answering
        raw,          // a given status and body as is (e.g. a proxy's HTML 502 page)
    };
    Kind kind = Kind::server_error;
    int http_status = 500;
    int twilio_code = 0;
    std::string message;
    bool rfc9457 = false;
    std::optional<std::string> retry_after;
    std::chrono::milliseconds delay{0};
    std::string raw_body;
    std::string raw_content_type;

    // HTTP 500 (or another 5xx) with {"code":20500,...}.
    static FakeFault server_error(int http_status = 500);
    // HTTP 429 with code 20429 and, unless nullopt, this Retry-After header value.
    static FakeFault rate_limited(std::optional<std::string> retry_after = "1");
    // HTTP status + Twilio code, e.g. (400, 21211); an empty message takes Twilio's usual text for the code.
    static FakeFault twilio_error(int http_status, int code, std::string message = "", bool rfc9457 = false);
    // Answers 201 after `delay` (the message counts as created).
    static FakeFault slow(std::chrono::milliseconds delay);
    // Answers 201 once FakeTwilio::release_held() has been called (the message counts as created): lets a
    // test act while sbcd waits for Twilio's answer.
    static FakeFault held();
    // Closes the connection after reading the request; nothing is created.
    static FakeFault drop();
    // Any status with this body verbatim.
    static FakeFault raw(int http_status, std::string body, std::string content_type = "text/html");
};

// One request as the fake received it, and what it did with it.
struct FakeRequest {
    std::string method;
    std::string path;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;
    http::FormParams form; // the decoded body; empty if it was not a valid form
    std::chrono::steady_clock::time_point arrived;
    int remote_port = 0; // tells connections apart (keep-alive reuse)

    std::string authorization;                    // the Authorization header, "" if absent
    std::optional<std::string> idempotency_token; // I-Twilio-Idempotency-Token, if sent

    std::optional<FakeFault::Kind> fault; // the fault applied, if any
    int answered_status = 0; // the status answered (or to be answered by a slow fault); 0 if dropped
    std::string sid;         // the created message's sid when answered 201

    // The first header with this name, compared case-insensitively; nullopt when absent.
    std::optional<std::string> header(std::string_view name) const;
    // True when the fake created a message for this request (answered or will answer 201).
    bool created() const { return !sid.empty(); }
};

class FakeTwilio {
  public:
    struct Options {
        std::string account_sid = k_fake_account_sid;
        std::string auth_token = k_fake_auth_token;
        std::string initial_status = "queued"; // "accepted" with a Messaging Service
        // More than sbcd's sender threads (16 by default): a cpp-httplib worker serves one keep-alive
        // connection until it idles out, so a sender whose connection found no free worker waited for the
        // keep-alive timeout, a second, as the real Twilio never makes it wait.
        int threads = 32;
    };

    // Starts listening on 127.0.0.1 at a port the OS chooses and returns once requests are served. Throws
    // std::runtime_error if the server cannot start.
    FakeTwilio();
    explicit FakeTwilio(Options options);
    // Wakes slow handlers, stops the server and joins its thread.
    ~FakeTwilio();
    FakeTwilio(const FakeTwilio&) = delete;
    FakeTwilio& operator=(const FakeTwilio&) = delete;

    // "http://127.0.0.1:<port>", for TWILIO_API_BASE_URL.
    std::string base_url() const;
    // The port the OS chose.
    int port() const;
    // The credentials the fake accepts (Basic auth and the account in the path).
    const std::string& account_sid() const;
    const std::string& auth_token() const;

    // A copy of every request received so far, in arrival order.
    std::vector<FakeRequest> requests() const;
    // The requests for which a message was created (answered 201), in arrival order.
    std::vector<FakeRequest> created_messages() const;
    // How many requests have arrived so far.
    std::size_t request_count() const;

    // Waits until at least n requests have arrived; false if the deadline passes first.
    bool wait_for_requests(std::size_t n, std::chrono::steady_clock::time_point deadline) const;
    bool wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const;

    // Queues a fault for the next `times` requests (after those already queued); queued faults come first.
    void push_fault(FakeFault fault, std::size_t times = 1);
    // From now on, each request without a queued fault fails with probability percent/100, with a fault
    // picked from `choices` (default: 500, 429 with Retry-After 1, drop), reproducibly for a given seed.
    void set_random_faults(unsigned percent, std::uint64_t seed, std::vector<FakeFault> choices = {});
    // Lets every held request (FakeFault::held) be answered, now and from now on.
    void release_held();
    // Removes queued faults and turns random faults off.
    void clear_faults();

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sbc::test
