#include "tests/support/fake_twilio.hpp"

#include "tests/support/basic_auth.hpp"

#include <arpa/inet.h>
#include <condition_variable>
#include <csignal>
#include <ctime>
#include <deque>
#include <dirent.h>
#include <fmt/format.h>
#include <httplib.h>
#include <mutex>
#include <netinet/in.h>
#include <nlohmann/json.hpp>
#include <random>
#include <stdexcept>
#include <sys/socket.h>
#include <thread>

namespace sbc::test {
namespace {

constexpr std::size_t k_max_body_bytes = 1024 * 1024;
constexpr std::size_t k_max_body_chars = 1600;
constexpr const char* k_twilio_ready_path = "/__fake_twilio/ready";
constexpr std::string_view k_accounts_prefix = "/2010-04-01/Accounts/";
constexpr std::string_view k_messages_suffix = "/Messages.json";

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) {
        return false;
    }
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) !=
            std::tolower(static_cast<unsigned char>(b[i]))) {
            return false;
        }
    }
    return true;
}

std::size_t utf8_length(std::string_view s) {
    std::size_t n = 0;
    for (char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

std::string rfc2822_now() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buffer[64];
    std::strftime(buffer, sizeof buffer, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    return buffer;
}

std::string default_message(int code) {
    switch (code) {
    case 20003:
        return "Authenticate";
    case 20404:
        return "The requested resource was not found";
    case 20429:
        return "Too Many Requests";
    case 20500:
        return "An internal server error has occurred";
    case 21211:
        return "Invalid 'To' Phone Number";
    case 21602:
        return "Message body is required.";
    case 21603:
        return "A 'From' phone number is required.";
    case 21604:
        return "A 'To' phone number is required.";
    case 21610:
        return "Attempt to send to unsubscribed recipient";
    case 21617:
        return "The concatenated message body exceeds the 1600 character limit.";
    case 63007:
        return "Twilio could not find a Channel with the specified From address";
    case 63016:
        return "Failed to send freeform message because you are outside the allowed window. If you want to "
               "send "
               "messages outside this window, please use a Template.";
    default:
        return fmt::format("Twilio error {}", code);
    }
}

std::string error_json(int http_status, int code, const std::string& message, bool rfc9457,
                       const std::string& instance) {
    std::string text = message.empty() ? default_message(code) : message;
    std::string more_info = fmt::format("https://www.twilio.com/docs/errors/{}", code);
    nlohmann::json body;
    if (rfc9457) {
        body = {{"type", more_info}, {"title", text},  {"status", http_status},
                {"code", code},      {"detail", text}, {"instance", instance}};
    } else {
        body = {{"code", code}, {"message", text}, {"more_info", more_info}, {"status", http_status}};
    }
    return body.dump();
}

// The accepted socket of this request: ours on the local side, the client's port on the remote side. The
// handler has no other way to reach it in cpp-httplib 0.11.4.
int find_connection_socket(int local_port, int remote_port) {
    DIR* dir = opendir("/proc/self/fd");
    if (dir == nullptr) {
        return -1;
    }
    int found = -1;
    while (dirent* entry = readdir(dir)) {
        char* end = nullptr;
        long fd = std::strtol(entry->d_name, &end, 10);
        if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) {
            continue;
        }
        sockaddr_storage local{};
        sockaddr_storage peer{};
        socklen_t local_size = sizeof local;
        socklen_t peer_size = sizeof peer;
        if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&local), &local_size) != 0 ||
            getpeername(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&peer), &peer_size) != 0 ||
            local.ss_family != AF_INET || peer.ss_family != AF_INET) {
            continue;
        }
        auto* local_in = reinterpret_cast<sockaddr_in*>(&local);
        auto* peer_in = reinterpret_cast<sockaddr_in*>(&peer);
        if (ntohs(local_in->sin_port) == local_port && ntohs(peer_in->sin_port) == remote_port) {
            found = static_cast<int>(fd);
            break;
        }
    }
    closedir(dir);
    return found;
}

// The account sid in "/2010-04-01/Accounts/{sid}/Messages.json", or "" for any other path. (No std::regex:
// GCC 12 warns inside it under the sanitizers, and -Werror turns that into a failed build.)
std::string messages_path_account(std::string_view path) {
    if (path.size() <= k_accounts_prefix.size() + k_messages_suffix.size() ||
        path.substr(0, k_accounts_prefix.size()) != k_accounts_prefix ||
        path.substr(path.size() - k_messages_suffix.size()) != k_messages_suffix) {
        return {};
    }
    std::string_view account = path.substr(k_accounts_prefix.size(),
                                           path.size() - k_accounts_prefix.size() - k_messages_suffix.size());
    return account.find('/') == std::string_view::npos ? std::string(account) : std::string();
}

// True for "/2010-04-01/Accounts/{sid}.json", the account resource (sbcctl doctor checks credentials with
// it).
bool is_account_path(std::string_view path, std::string_view account_sid) {
    return path == std::string(k_accounts_prefix) + std::string(account_sid) + ".json";
}

void ignore_sigpipe_once() {
    static std::once_flag once;
    std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });
}

} // namespace

FakeFault FakeFault::server_error(int http_status) {
    FakeFault fault;
    fault.kind = Kind::server_error;
    fault.http_status = http_status;
    fault.twilio_code = 20500;
    return fault;
}

FakeFault FakeFault::rate_limited(std::optional<std::string> retry_after) {
    FakeFault fault;
    fault.kind = Kind::rate_limited;
    fault.http_status = 429;
    fault.twilio_code = 20429;
    fault.retry_after = std::move(retry_after);
    return fault;
}

FakeFault FakeFault::twilio_error(int http_status, int code, std::string message, bool rfc9457) {
    FakeFault fault;
    fault.kind = Kind::twilio_error;
    fault.http_status = http_status;
    fault.twilio_code = code;
    fault.message = std::move(message);
    fault.rfc9457 = rfc9457;
    return fault;
}

FakeFault FakeFault::slow(std::chrono::milliseconds delay) {
    FakeFault fault;
    fault.kind = Kind::slow;
    fault.http_status = 201;
    fault.delay = delay;
    return fault;
}

FakeFault FakeFault::held() {
    FakeFault fault;
    fault.kind = Kind::held;
    fault.http_status = 201;
    return fault;
}

FakeFault FakeFault::drop() {
    FakeFault fault;
    fault.kind = Kind::drop;
    fault.http_status = 0;
    return fault;
}

FakeFault FakeFault::raw(int http_status, std::string body, std::string content_type) {
    FakeFault fault;
    fault.kind = Kind::raw;
    fault.http_status = http_status;
    fault.raw_body = std::move(body);
    fault.raw_content_type = std::move(content_type);
    return fault;
}

std::optional<std::string> FakeRequest::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (iequals(key, name)) {
            return value;
        }
    }
    return std::nullopt;
}

struct FakeTwilio::Impl {
    Options options;
    std::string expected_authorization;
    httplib::Server server;
    std::thread thread;
    int port = 0;
    std::uint64_t instance_id = 0;

    mutable std::mutex mutex;
    mutable std::condition_variable arrived;
    std::condition_variable stopping_cv;
    bool stopping = false;
    bool released = false; // held requests may be answered
    std::vector<FakeRequest> requests;
    std::deque<FakeFault> queued_faults;
    unsigned random_percent = 0;
    std::vector<FakeFault> random_choices;
    std::mt19937_64 rng;
    std::uint64_t next_sid = 0;

    void handle(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader* reader);
    std::optional<FakeFault> next_fault();
    void answer_created(const FakeRequest& record, const std::string& account_sid, httplib::Response& res);
};

// Under the lock: the queue first, then the random mode.
std::optional<FakeFault> FakeTwilio::Impl::next_fault() {
    if (!queued_faults.empty()) {
        FakeFault fault = std::move(queued_faults.front());
        queued_faults.pop_front();
        return fault;
    }
    if (random_percent > 0 && !random_choices.empty()) {
        std::uniform_int_distribution<unsigned> percent(0, 99);
        if (percent(rng) < random_percent) {
            std::uniform_int_distribution<std::size_t> pick(0, random_choices.size() - 1);
            return random_choices[pick(rng)];
        }
    }
    return std::nullopt;
}

void FakeTwilio::Impl::answer_created(const FakeRequest& record, const std::string& account_sid,
                                      httplib::Response& res) {
    std::string date = rfc2822_now();
    std::string uri = fmt::format("/2010-04-01/Accounts/{}/Messages/{}.json", account_sid, record.sid);
    auto optional_field = [&record](const char* name) -> nlohmann::json {
        auto value = record.form.first(name);
        return value ? nlohmann::json(std::string(*value)) : nlohmann::json(nullptr);
    };
    auto media = record.form.all("MediaUrl");
    nlohmann::json body = {
        {"account_sid", account_sid},
        {"api_version", "2010-04-01"},
        {"body", std::string(record.form.first("Body").value_or(""))},
        {"date_created", date},
        {"date_sent", nullptr},
        {"date_updated", date},
        {"direction", "outbound-api"},
        {"error_code", nullptr},
        {"error_message", nullptr},
        {"from", optional_field("From")},
        {"messaging_service_sid", optional_field("MessagingServiceSid")},
        {"num_media", std::to_string(media.size())},
        {"num_segments", "1"},
        {"price", nullptr},
        {"price_unit", "USD"},
        {"sid", record.sid},
        {"status", options.initial_status},
        {"subresource_uris",
         {{"media", fmt::format("/2010-04-01/Accounts/{}/Messages/{}/Media.json", account_sid, record.sid)}}},
        {"to", optional_field("To")},
        {"uri", uri},
    };
    res.status = 201;
    res.set_content(body.dump(), "application/json; charset=utf-8");
}

void FakeTwilio::Impl::handle(const httplib::Request& req, httplib::Response& res,
                              const httplib::ContentReader* reader) {
    FakeRequest record;
    record.arrived = std::chrono::steady_clock::now();
    record.method = req.method;
    record.path = req.path;
    record.remote_port = req.remote_port;
    if (reader != nullptr) {
        (*reader)([&record](const char* data, std::size_t size) {
            record.body.append(data, size);
            return record.body.size() <= k_max_body_bytes;
        });
    } else {
        record.body = req.body;
    }
    for (const auto& [name, value] : req.headers) {
        record.headers.emplace_back(name, value);
    }
    record.authorization = record.header("Authorization").value_or("");
    record.idempotency_token = record.header("I-Twilio-Idempotency-Token");
    if (auto form = http::parse_form(record.body)) {
        record.form = std::move(*form);
    }

    std::string path_account = messages_path_account(req.path);
    bool is_messages = req.method == "POST" && !path_account.empty();
    std::optional<FakeFault> fault;
    int status = 0;
    std::string error_body;

    std::unique_lock lock(mutex);
    if (record.authorization != expected_authorization ||
        (is_messages && path_account != options.account_sid)) {
        status = 401;
        error_body = error_json(401, 20003, "", false, req.path);
        res.set_header("WWW-Authenticate", "Basic realm=\"Twilio API\"");
    } else if (req.method == "GET" && is_account_path(req.path, options.account_sid)) {
        record.answered_status = 200;
        requests.push_back(record);
        arrived.notify_all();
        lock.unlock();
        res.status = 200;
        res.set_content(nlohmann::json{{"sid", options.account_sid},
                                       {"friendly_name", "Fake Twilio account"},
                                       {"status", "active"},
                                       {"type", "Full"}}
                            .dump(),
                        "application/json; charset=utf-8");
        return;
    } else if (!is_messages) {
        status = 404;
        error_body = error_json(404, 20404, "", false, req.path);
    } else if ((fault = next_fault())) {
        record.fault = fault->kind;
        status = fault->http_status;
    } else if (!record.form.first("To")) {
        status = 400;
        error_body = error_json(400, 21604, "", false, req.path);
    } else if (!record.form.first("From") && !record.form.first("MessagingServiceSid")) {
        status = 400;
        error_body = error_json(400, 21603, "", false, req.path);
    } else if (record.form.first("Body").value_or("").empty() && !record.form.first("MediaUrl") &&
               !record.form.first("ContentSid")) {
        status = 400;
        error_body = error_json(400, 21602, "", false, req.path);
    } else if (utf8_length(record.form.first("Body").value_or("")) > k_max_body_chars) {
        status = 400;
        error_body = error_json(400, 21617, "", false, req.path);
    } else {
        status = 201;
    }
    if (status == 201) {
        record.sid = fmt::format("SM{:016x}{:016x}", instance_id, ++next_sid);
    }
    record.answered_status = status;
    requests.push_back(record);
    arrived.notify_all();

    if (fault && fault->kind == FakeFault::Kind::slow) {
        // Interruptible, so that destroying the fake never waits for a long delay.
        stopping_cv.wait_for(lock, fault->delay, [this] { return stopping; });
    }
    if (fault && fault->kind == FakeFault::Kind::held) {
        stopping_cv.wait(lock, [this] { return stopping || released; });
    }
    lock.unlock();

    if (fault) {
        switch (fault->kind) {
        case FakeFault::Kind::drop: {
            int fd = find_connection_socket(req.local_port, req.remote_port);
            if (fd >= 0) {
                ::shutdown(fd, SHUT_RDWR);
            }
            res.status = 500; // never reaches the client: the socket is already shut down
            return;
        }
        case FakeFault::Kind::slow:
        case FakeFault::Kind::held:
            answer_created(record, path_account, res);
            return;
        case FakeFault::Kind::raw:
            res.status = fault->http_status;
            res.set_content(fault->raw_body, fault->raw_content_type.c_str());
            return;
        case FakeFault::Kind::rate_limited:
            if (fault->retry_after) {
                res.set_header("Retry-After", *fault->retry_after);
            }
            [[fallthrough]];
        case FakeFault::Kind::server_error:
        case FakeFault::Kind::twilio_error:
            res.status = fault->http_status;
            res.set_content(
                error_json(fault->http_status, fault->twilio_code, fault->message, fault->rfc9457, req.path),
                "application/json; charset=utf-8");
            return;
        }
    }
    if (status == 201) {
        answer_created(record, path_account, res);
        return;
    }
    res.status = status;
    res.set_content(error_body, "application/json; charset=utf-8");
}

FakeTwilio::FakeTwilio() : FakeTwilio(Options{}) {}

FakeTwilio::FakeTwilio(Options options) : m_impl(std::make_unique<Impl>()) {
    ignore_sigpipe_once();
    Impl& impl = *m_impl;
    impl.options = std::move(options);
    impl.expected_authorization = basic_authorization(impl.options.account_sid, impl.options.auth_token);
    impl.instance_id = std::random_device{}();
    impl.instance_id = (impl.instance_id << 32) ^ std::random_device{}();

    httplib::Server& server = impl.server;
    int threads = impl.options.threads;
    server.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<std::size_t>(threads)); };
    server.set_tcp_nodelay(true);
    // Short, so that a client's idle keep-alive connection does not hold up the destructor for long.
    server.set_keep_alive_timeout(1);
    server.set_read_timeout(5);
    server.set_write_timeout(5);
    server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
        res.status = 500;
        res.set_content(error_json(500, 20500, "fake Twilio handler threw", false, ""), "application/json");
    });
    server.Get(k_twilio_ready_path,
               [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    // The ContentReader overloads skip cpp-httplib's 8 KiB limit on form bodies: long messages must get
    // through.
    auto with_reader = [&impl](const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) { impl.handle(req, res, &reader); };
    auto without_body = [&impl](const httplib::Request& req, httplib::Response& res) {
        impl.handle(req, res, nullptr);
    };
    server.Post(".*", with_reader);
    server.Put(".*", with_reader);
    server.Get(".*", without_body);
    server.Delete(".*", without_body);

    impl.port = server.bind_to_any_port("127.0.0.1");
    if (impl.port <= 0) {
        throw std::runtime_error("fake Twilio could not bind a port on 127.0.0.1");
    }
    impl.thread = std::thread([&server] { server.listen_after_bind(); });

    // stop() is a no-op until the accept loop runs, so wait for it to serve one request before returning.
    httplib::Client probe("127.0.0.1", impl.port);
    probe.set_connection_timeout(5);
    probe.set_read_timeout(5);
    auto ready = probe.Get(k_twilio_ready_path);
    if (!ready || ready->status != 200) {
        server.stop();
        impl.thread.join();
        throw std::runtime_error("fake Twilio did not start serving on 127.0.0.1");
    }
}

FakeTwilio::~FakeTwilio() {
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->stopping = true;
    }
    m_impl->stopping_cv.notify_all();
    m_impl->server.stop();
    if (m_impl->thread.joinable()) {
        m_impl->thread.join();
    }
}

std::string FakeTwilio::base_url() const {
    return fmt::format("http://127.0.0.1:{}", m_impl->port);
}

int FakeTwilio::port() const {
    return m_impl->port;
}

const std::string& FakeTwilio::account_sid() const {
    return m_impl->options.account_sid;
}

const std::string& FakeTwilio::auth_token() const {
    return m_impl->options.auth_token;
}

std::vector<FakeRequest> FakeTwilio::requests() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->requests;
}

std::vector<FakeRequest> FakeTwilio::created_messages() const {
    std::lock_guard lock(m_impl->mutex);
    std::vector<FakeRequest> created;
    for (const auto& request : m_impl->requests) {
        if (request.created()) {
            created.push_back(request);
        }
    }
    return created;
}

std::size_t FakeTwilio::request_count() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->requests.size();
}

bool FakeTwilio::wait_for_requests(std::size_t n, std::chrono::steady_clock::time_point deadline) const {
    std::unique_lock lock(m_impl->mutex);
    return m_impl->arrived.wait_until(lock, deadline, [&] { return m_impl->requests.size() >= n; });
}

bool FakeTwilio::wait_for_requests(std::size_t n, std::chrono::milliseconds timeout) const {
    return wait_for_requests(n, std::chrono::steady_clock::now() + timeout);
}

void FakeTwilio::push_fault(FakeFault fault, std::size_t times) {
    std::lock_guard lock(m_impl->mutex);
    for (std::size_t i = 0; i < times; ++i) {
        m_impl->queued_faults.push_back(fault);
    }
}

void FakeTwilio::set_random_faults(unsigned percent, std::uint64_t seed, std::vector<FakeFault> choices) {
    if (choices.empty()) {
        choices = {FakeFault::server_error(), FakeFault::rate_limited("1"), FakeFault::drop()};
    }
    std::lock_guard lock(m_impl->mutex);
    m_impl->random_percent = std::min(percent, 100U);
    m_impl->random_choices = std::move(choices);
    m_impl->rng.seed(seed);
}

void FakeTwilio::release_held() {
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->released = true;
    }
    m_impl->stopping_cv.notify_all();
}

void FakeTwilio::clear_faults() {
    std::lock_guard lock(m_impl->mutex);
    m_impl->queued_faults.clear();
    m_impl->random_percent = 0;
    m_impl->random_choices.clear();
}

} // namespace sbc::test
