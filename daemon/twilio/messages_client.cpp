#include "daemon/twilio/messages_client.hpp"

#include "common/text.hpp"
#include "daemon/curl/easy.hpp"
#include "daemon/curl/header_line.hpp"
#include "daemon/http/form_parser.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <curl/curl.h>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sbc::twilio {
namespace {

constexpr std::string_view k_whatsapp_prefix = "whatsapp:";
constexpr std::size_t k_max_response_bytes = 1024 * 1024;
constexpr std::size_t k_max_quoted_body = 120;
constexpr int k_too_many_requests_code = 20429;
constexpr std::string_view k_redacted = "[redacted]";

#ifdef SBC_VERSION
constexpr const char* k_user_agent = "sbcd/" SBC_VERSION;
#else
constexpr const char* k_user_agent = "sbcd";
#endif

// What one transfer collected through libcurl's callbacks.
struct Exchange {
    std::string_view upload;
    std::string response_body;
    std::string reason_phrase;
    std::string retry_after;
    std::string location;
};

std::size_t read_body(char* buffer, std::size_t size, std::size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    std::size_t n = std::min(size * count, exchange->upload.size());
    std::copy_n(exchange->upload.data(), n, buffer);
    exchange->upload.remove_prefix(n);
    return n;
}

std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    std::size_t n = size * count;
    // A runaway answer is cut rather than failed: its status line has already told us what happened.
    std::size_t room = k_max_response_bytes - std::min(k_max_response_bytes, exchange->response_body.size());
    exchange->response_body.append(data, std::min(n, room));
    return n;
}

std::size_t read_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* exchange = static_cast<Exchange*>(user);
    std::string_view line(data, size * count);
    if (line.substr(0, 5) == "HTTP/") {
        // A new response (e.g. after a 100 Continue): forget the previous one's headers.
        exchange->retry_after.clear();
        exchange->location.clear();
        std::size_t first_space = line.find(' ');
        std::size_t second_space =
            first_space == std::string_view::npos ? first_space : line.find(' ', first_space + 1);
        exchange->reason_phrase = second_space == std::string_view::npos
                                      ? std::string()
                                      : std::string(text::trim(line.substr(second_space + 1)));
    } else if (curl::header_is(line, "Retry-After")) {
        exchange->retry_after = std::string(text::trim(line.substr(line.find(':') + 1)));
    } else if (curl::header_is(line, "Location")) {
        exchange->location = std::string(text::trim(line.substr(line.find(':') + 1)));
    }
    return size * count;
}

// Retry-After is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3).
std::optional<std::int64_t> parse_retry_after(std::string_view value) {
    if (value.empty()) {
        return std::nullopt;
    }
    if (value.find_first_not_of("0123456789") == std::string_view::npos) {
        if (value.size() > 9) {
            return std::nullopt; // over 30 years: nonsense, not worth an overflow
        }
        return std::stoll(std::string(value)) * 1000;
    }
    std::time_t when = curl_getdate(std::string(value).c_str(), nullptr);
    if (when == -1) {
        return std::nullopt;
    }
    auto now = std::chrono::system_clock::now();
    auto delay = std::chrono::system_clock::from_time_t(when) - now;
    return std::max<std::int64_t>(0, std::chrono::duration_cast<std::chrono::milliseconds>(delay).count());
}

// Control bytes are replaced so that a quoted body cannot forge log lines.
std::string quote_body(std::string_view body) {
    std::string out;
    for (char c : body.substr(0, k_max_quoted_body)) {
        out.push_back(static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? ' ' : c);
    }
    if (body.size() > k_max_quoted_body) {
        out += "...";
    }
    return out;
}

int json_int(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end()) {
        return 0;
    }
    if (it->is_number_integer()) {
        return it->get<int>();
    }
    if (it->is_string()) {
        try {
            return std::stoi(it->get<std::string>());
        } catch (const std::exception&) {
            return 0;
        }
    }
    return 0;
}

std::string json_string(const nlohmann::json& object, const char* key) {
    auto it = object.find(key);
    return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string status_text(int http_status, const std::string& reason) {
    return reason.empty() ? fmt::format("HTTP {}", http_status)
                          : fmt::format("HTTP {} {}", http_status, reason);
}

// Decides from a complete HTTP answer. Twilio's errors come as {code, message, more_info, status} or, in
// newer APIs, as RFC 9457 {type, title, status, code, detail}; anything else falls back to the status line.
SendOutcome classify_answer(int http_status, const Exchange& exchange) {
    SendOutcome outcome;
    outcome.http_status = http_status;
    outcome.retry_after_ms = parse_retry_after(exchange.retry_after);
    nlohmann::json json = nlohmann::json::parse(exchange.response_body, nullptr, false);
    bool is_object = json.is_object();

    if (http_status >= 200 && http_status < 300) {
        outcome.sid = is_object ? json_string(json, "sid") : std::string();
        if (outcome.sid.empty()) {
            // Twilio said yes but we cannot tell which message it created: sending again might double it.
            outcome.kind = SendOutcome::Kind::ambiguous;
            outcome.error_message = fmt::format(
                "the Twilio API answered {} without a message sid (body: '{}')",
                status_text(http_status, exchange.reason_phrase), quote_body(exchange.response_body));
            return outcome;
        }
        outcome.kind = SendOutcome::Kind::sent;
        outcome.status = json_string(json, "status");
        return outcome;
    }

    if (is_object) {
        outcome.error_code = json_int(json, "code");
        outcome.error_message = json_string(json, "message");
        if (outcome.error_message.empty()) {
            outcome.error_message = json_string(json, "detail");
        }
        if (outcome.error_message.empty()) {
            outcome.error_message = json_string(json, "title");
        }
    }
    if (outcome.error_message.empty()) {
        outcome.error_message = fmt::format(
            "the Twilio API answered {}{}", status_text(http_status, exchange.reason_phrase),
            exchange.response_body.empty() ? std::string(" with an empty body")
                                           : fmt::format(" with a body that is not Twilio's JSON: '{}'",
                                                         quote_body(exchange.response_body)));
    }

    if (http_status == 429 || outcome.error_code == k_too_many_requests_code || http_status >= 500) {
        outcome.kind = SendOutcome::Kind::retry;
    } else if (http_status >= 300 && http_status < 400) {
        outcome.kind = SendOutcome::Kind::permanent;
        outcome.error_message =
            fmt::format("the Twilio API redirected ({}) to '{}'; redirects are not followed, "
                        "check TWILIO_API_BASE_URL",
                        status_text(http_status, exchange.reason_phrase), exchange.location);
    } else if (http_status >= 400) {
        outcome.kind = SendOutcome::Kind::permanent;
    } else {
        outcome.kind = SendOutcome::Kind::retry;
    }
    return outcome;
}

void redact(std::string& text, std::string_view secret) {
    if (secret.empty()) {
        return;
    }
    for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
        text.replace(pos, secret.size(), k_redacted);
        pos += k_redacted.size();
    }
}

std::string whatsapp_address(std::string_view number) {
    if (number.substr(0, k_whatsapp_prefix.size()) == k_whatsapp_prefix) {
        return std::string(number);
    }
    return std::string(k_whatsapp_prefix) + std::string(number);
}

bool has_control_bytes(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            return true;
        }
    }
    return false;
}

SendOutcome refused_locally(std::string message) {
    SendOutcome outcome;
    outcome.kind = SendOutcome::Kind::permanent;
    outcome.error_message = std::move(message);
    return outcome;
}

std::optional<SendOutcome> check_message(const OutboundMessage& message) {
    if (message.to.empty() || message.from.empty()) {
        return refused_locally("the message has no To or From number; nothing was sent to Twilio");
    }
    if (message.content_sid) {
        if (message.content_sid->empty()) {
            return refused_locally("the message has an empty ContentSid; nothing was sent to Twilio");
        }
    } else if (message.content_variables) {
        return refused_locally(
            "content variables were given without a ContentSid; nothing was sent to Twilio");
    } else if (message.body.empty() && message.media_urls.empty()) {
        return refused_locally("the message has no body, media or template; nothing was sent to Twilio");
    }
    if (message.idempotency_token && has_control_bytes(*message.idempotency_token)) {
        return refused_locally(
            "the idempotency token contains control characters and cannot be sent as a header");
    }
    return std::nullopt;
}

std::vector<http::FormPair> form_fields(const OutboundMessage& message) {
    std::vector<http::FormPair> fields{{"To", whatsapp_address(message.to)},
                                       {"From", whatsapp_address(message.from)}};
    if (message.content_sid) {
        // Twilio refuses Body or MediaUrl next to a template.
        fields.emplace_back("ContentSid", *message.content_sid);
        if (message.content_variables) {
            fields.emplace_back("ContentVariables", *message.content_variables);
        }
    } else {
        if (!message.body.empty()) {
            fields.emplace_back("Body", message.body);
        }
        for (const auto& url : message.media_urls) {
            fields.emplace_back("MediaUrl", url);
        }
    }
    if (message.status_callback) {
        fields.emplace_back("StatusCallback", *message.status_callback);
    }
    return fields;
}

std::string trim_trailing_slashes(std::string url) {
    while (!url.empty() && url.back() == '/') {
        url.pop_back();
    }
    return url;
}

} // namespace

const char* kind_name(SendOutcome::Kind kind) {
    switch (kind) {
    case SendOutcome::Kind::sent:
        return "sent";
    case SendOutcome::Kind::retry:
        return "retry";
    case SendOutcome::Kind::permanent:
        return "permanent";
    case SendOutcome::Kind::ambiguous:
        return "ambiguous";
    }
    return "unknown";
}

bool is_opt_out_code(int twilio_code) {
    return twilio_code == 21610 || twilio_code == 63014;
}

struct MessagesClient::Impl {
    Config config;
    std::string url;
    curl::Easy handle;
    char error_buffer[CURL_ERROR_SIZE] = {};

    SendOutcome perform(const std::string& body, const OutboundMessage& message);
};

MessagesClient::MessagesClient(Config config) : m_impl(std::make_unique<Impl>()) {
    m_impl->handle = curl::new_easy();
    if (!m_impl->handle) {
        throw std::runtime_error("libcurl could not create a handle for the Twilio API client");
    }
    m_impl->url =
        fmt::format("{}/2010-04-01/Accounts/{}/Messages.json", trim_trailing_slashes(config.api_base_url),
                    http::percent_encode_form(config.account_sid));
    m_impl->config = std::move(config);
}

MessagesClient::~MessagesClient() = default;
MessagesClient::MessagesClient(MessagesClient&&) noexcept = default;
MessagesClient& MessagesClient::operator=(MessagesClient&&) noexcept = default;

const std::string& MessagesClient::messages_url() const {
    return m_impl->url;
}

SendOutcome MessagesClient::send(const OutboundMessage& message) {
    if (auto refused = check_message(message)) {
        return *refused;
    }
    std::string body = http::encode_form(form_fields(message));
    SendOutcome outcome = m_impl->perform(body, message);
    redact(outcome.error_message, m_impl->config.auth_token);
    return outcome;
}

SendOutcome MessagesClient::Impl::perform(const std::string& body, const OutboundMessage& message) {
    CURL* curl = handle.get();
    // A reset keeps the connection cache, so keep-alive and TLS sessions survive between sends.
    curl_easy_reset(curl);
    error_buffer[0] = '\0';
    Exchange exchange;
    exchange.upload = body;

    curl::HeaderList headers;
    auto append = [&headers](const std::string& line) {
        curl_slist* grown = curl_slist_append(headers.get(), line.c_str());
        if (grown != nullptr) {
            static_cast<void>(headers.release());
            headers.reset(grown);
        }
    };
    append("Accept: application/json");
    append("Content-Type: application/x-www-form-urlencoded");
    append("Expect:"); // no 100-continue round trip
    if (message.idempotency_token) {
        append("I-Twilio-Idempotency-Token: " + *message.idempotency_token);
    }

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(curl, CURLOPT_POST, 1L);
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    // A read callback without a seek callback, rather than POSTFIELDS: libcurl then cannot silently resend
    // the body when a reused connection dies after the request went out (it fails with
    // CURLE_SEND_FAIL_REWIND), and a message Twilio may already have is reported as ambiguous instead of
    // being sent twice.
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_body);
    curl_easy_setopt(curl, CURLOPT_READDATA, &exchange);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, config.account_sid.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, config.auth_token.c_str());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, k_user_agent);
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L); // no SIGALRM in a multi-threaded daemon
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, config.timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, config.connect_timeout_ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &exchange);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &exchange);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

    CURLcode rc = curl_easy_perform(curl);

    long http_status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &http_status);
    if (rc == CURLE_OK) {
        return classify_answer(static_cast<int>(http_status), exchange);
    }
    if (http_status >= 400) {
        // The answer was cut short, but its status line already says Twilio refused the request.
        return classify_answer(static_cast<int>(http_status), exchange);
    }

    curl_off_t uploaded = 0;
    long request_size = 0;
    curl_easy_getinfo(curl, CURLINFO_SIZE_UPLOAD_T, &uploaded);
    curl_easy_getinfo(curl, CURLINFO_REQUEST_SIZE, &request_size);
    // Twilio acts only on a complete request: until the last body byte is out, nothing can have been created.
    // A failed rewind means libcurl wanted to resend a body it had already sent on a connection that died
    // without answering (its counters are reset by then), so that request may have arrived whole.
    bool request_sent = rc == CURLE_SEND_FAIL_REWIND || (request_size > 0 && exchange.upload.empty() &&
                                                         uploaded == static_cast<curl_off_t>(body.size()));
    std::string detail =
        error_buffer[0] != '\0' ? std::string(error_buffer) : std::string(curl_easy_strerror(rc));

    SendOutcome outcome;
    outcome.http_status = static_cast<int>(http_status);
    if (request_sent) {
        outcome.kind = SendOutcome::Kind::ambiguous;
        outcome.error_message =
            fmt::format("no complete answer from the Twilio API at {} after the message was sent "
                        "({}); Twilio may have accepted it, so sending again could deliver it "
                        "twice",
                        url, detail);
    } else {
        outcome.kind = SendOutcome::Kind::retry;
        outcome.error_message =
            fmt::format("could not send the message to the Twilio API at {} ({}); Twilio did "
                        "not receive it, so it is safe to try again",
                        url, detail);
    }
    return outcome;
}

} // namespace sbc::twilio
