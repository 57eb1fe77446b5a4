#include "daemon/config/options.hpp"

#include "common/phone.hpp"
#include "daemon/log/log.hpp"

#include <charconv>
#include <cstdlib>
#include <fmt/format.h>
#include <vector>

namespace sbc::config {
namespace {

using Setter = std::function<std::string(Config&, std::string_view)>;
using Shower = std::function<std::string(const Config&)>;
using Same = std::function<bool(const Config&, const Config&)>;

template <typename T>
Same same_member(T Config::*member) {
    return [=](const Config& a, const Config& b) { return a.*member == b.*member; };
}

// Each row says what SIGHUP does with it: applied at once (reload), or only noted until a restart (restart):
// sockets, threads and the database are set up once at start-up.
Option reload(Option option) {
    option.reloadable = true;
    return option;
}
Option restart(Option option) {
    option.reloadable = false;
    return option;
}

std::string parse_int(std::string_view text, long long min, long long max, long long& out) {
    long long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc() || end != text.data() + text.size()) {
        return fmt::format("'{}' is not a whole number", text);
    }
    if (value < min || value > max) {
        return fmt::format("{} is outside {}..{}", value, min, max);
    }
    out = value;
    return {};
}

template <typename T>
Option integer(std::string_view key, std::string_view env, T Config::*member, long long min, long long max,
               std::string_view help) {
    Setter set = [=](Config& c, std::string_view v) {
        long long out = 0;
        std::string error = parse_int(v, min, max, out);
        if (error.empty()) {
            c.*member = static_cast<T>(out);
        }
        return error;
    };
    Shower show = [=](const Config& c) { return std::to_string(c.*member); };
    return Option{key, env, help, false, set, show, same_member(member)};
}

Option boolean(std::string_view key, std::string_view env, bool Config::*member, std::string_view help) {
    Setter set = [=](Config& c, std::string_view v) -> std::string {
        if (v == "1" || v == "true" || v == "yes" || v == "on") {
            c.*member = true;
        } else if (v == "0" || v == "false" || v == "no" || v == "off") {
            c.*member = false;
        } else {
            return fmt::format("'{}' is not a boolean (use true or false)", v);
        }
        return {};
    };
    Shower show = [=](const Config& c) { return std::string(c.*member ? "true" : "false"); };
    return Option{key, env, help, false, set, show, same_member(member)};
}

using Check = std::function<std::string(std::string_view)>;

// A non-negative decimal such as a price ("0.15"), at most `max`.
Option decimal(std::string_view key, std::string_view env, double Config::*member, double max,
               std::string_view help) {
    Setter set = [=](Config& c, std::string_view v) -> std::string {
        std::string text(v);
        char* end = nullptr;
        double value = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size() || !(value >= 0) || value > max) {
            return fmt::format("'{}' is not a number between 0 and {}", v, max);
        }
        c.*member = value;
        return {};
    };
    Shower show = [=](const Config& c) { return fmt::format("{}", c.*member); };
    return Option{key, env, help, false, set, show, same_member(member)};
}

Option string(std::string_view key, std::string_view env, std::string Config::*member, std::string_view help,
              Check check = {}, bool secret = false) {
    Setter set = [=](Config& c, std::string_view v) -> std::string {
        if (check) {
            if (std::string error = check(v); !error.empty()) {
                return error;
            }
        }
        c.*member = std::string(v);
        return {};
    };
    Shower show = [=](const Config& c) {
        if (secret) {
            return std::string((c.*member).empty() ? "(not set)" : "(set)");
        }
        return c.*member;
    };
    return Option{key, env, help, secret, set, show, same_member(member)};
}

std::string check_url(std::string_view v) {
    if (v.empty()) {
        return {};
    }
    if (v.rfind("http://", 0) != 0 && v.rfind("https://", 0) != 0) {
        return fmt::format("'{}' is not an http:// or https:// URL", v);
    }
    if (v.back() == '/') {
        return fmt::format("'{}' ends with '/': give the base without a trailing slash", v);
    }
    return {};
}

// A program name (looked up on PATH) or an absolute path; never empty, never relative with a '/', which would
// depend on sbcd's working directory.
std::string check_program(std::string_view v) {
    if (v.empty()) {
        return "the program must not be empty (the default is pdftotext)";
    }
    if (v.find('/') != std::string_view::npos && v.front() != '/') {
        return fmt::format("'{}' is a relative path: give a name found on PATH or an absolute path", v);
    }
    return {};
}

std::string check_account_sid(std::string_view v) {
    if (v.empty() || (v.size() == 34 && v.substr(0, 2) == "AC")) {
        return {};
    }
    return "an account SID is 'AC' followed by 32 characters (see the Twilio console)";
}

std::string check_phone(std::string_view v) {
    if (v.empty()) {
        return {};
    }
    auto normalized = phone::normalize(v);
    return normalized ? std::string() : normalized.error().message;
}

std::string check_level(std::string_view v) {
    return log::parse_level(v) ? std::string()
                               : fmt::format("'{}' is not one of debug, info, warn, error, off", v);
}

std::string check_log_format(std::string_view v) {
    return log::parse_format(v) ? std::string() : fmt::format("'{}' is not text or json", v);
}

std::string check_synchronous(std::string_view v) {
    return v == "full" || v == "normal" ? std::string() : fmt::format("'{}' is not full or normal", v);
}

// Guessable tokens would make the admin API an open door: at least 24 characters when set.
std::string check_admin_token(std::string_view v) {
    return v.empty() || v.size() >= 24 ? std::string()
                                       : "must be at least 24 characters (e.g. openssl rand -hex 24)";
}

std::string check_retrieval(std::string_view v) {
    return v == "builtin" || v == "embeddings" || v == "hybrid"
               ? std::string()
               : fmt::format("'{}' is not builtin, embeddings or hybrid", v);
}

std::string check_not_empty(std::string_view v) {
    return v.empty() ? "must not be empty" : "";
}

Option listen_option() {
    Setter set = [](Config& c, std::string_view v) -> std::string {
        auto colon = v.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            return fmt::format("'{}' is not host:port (e.g. 127.0.0.1:8080)", v);
        }
        long long port = 0;
        if (std::string error = parse_int(v.substr(colon + 1), 0, 65535, port); !error.empty()) {
            return fmt::format("port in '{}': {}", v, error);
        }
        c.listen_host = std::string(v.substr(0, colon));
        c.listen_port = static_cast<int>(port);
        return {};
    };
    Shower show = [](const Config& c) { return c.listen(); };
    Same same = [](const Config& a, const Config& b) { return a.listen() == b.listen(); };
    return Option{"http.listen", "SBC_LISTEN", "HTTP listen address host:port (port 0: any free port)",
                  false,         set,          show,
                  same};
}

// A price such as "0.0050" (at most six decimals), kept as millionths so that sums of many messages are
// exact.
Option price(std::string_view key, std::string_view env, std::int64_t Config::*member,
             std::string_view help) {
    Setter set = [=](Config& c, std::string_view v) -> std::string {
        auto dot = v.find('.');
        std::string_view whole = v.substr(0, dot);
        std::string fraction(dot == std::string_view::npos ? "" : v.substr(dot + 1));
        long long units = 0;
        long long millionths = 0;
        if (whole.empty() || fraction.size() > 6 || !parse_int(whole, 0, 1000000, units).empty() ||
            (!fraction.empty() && !parse_int(fraction, 0, 999999, millionths).empty())) {
            return fmt::format("'{}' is not a price such as 0.005 (at most 6 decimals, up to 1000000)", v);
        }
        for (std::size_t i = fraction.size(); i < 6; ++i) {
            millionths *= 10;
        }
        c.*member = units * 1000000 + millionths;
        return {};
    };
    Shower show = [=](const Config& c) {
        return fmt::format("{}.{:06d}", c.*member / 1000000, c.*member % 1000000);
    };
    return Option{key, env, help, false, set, show, same_member(member)};
}

std::vector<Option> make_options() {
    std::vector<Option> rows = {
        reload(string("admin.api_token", "SBC_ADMIN_TOKEN", &Config::admin_api_token,
                      "bearer token of the admin REST API (/api/businesses); the API is off while empty",
                      check_admin_token, true)),
        reload(integer("answer.budget_ms", "SBC_ANSWER_BUDGET_MS", &Config::answer_budget_ms, 100, 120000,
                       "time an LLM answer may take; after it the built-in answer is sent instead")),
        restart(integer(
            "answer.breaker_cooldown_ms", "SBC_BREAKER_COOLDOWN_MS", &Config::breaker_cooldown_ms, 10,
            86400000, "how long the LLM provider is not called after the breaker opened, before one trial")),
        restart(integer("answer.breaker_failures", "SBC_BREAKER_FAILURES", &Config::breaker_failures, 1, 1000,
                        "consecutive LLM provider failures that open the circuit breaker")),
        reload(integer("answer.embedding_batch", "SBC_EMBEDDING_BATCH", &Config::embedding_batch, 1, 2048,
                       "knowledge entries sent in one embeddings request by the background embedder")),
        reload(integer("answer.embedding_requests_per_minute", "SBC_EMBEDDING_REQUESTS_PER_MINUTE",
                       &Config::embedding_requests_per_minute, 1, 100000,
                       "at most this many embeddings requests per minute from the background embedder")),
        reload(integer("answer.embedding_timeout_ms", "SBC_EMBEDDING_TIMEOUT_MS",
                       &Config::embedding_timeout_ms, 10, 60000,
                       "time the question's embedding may take (within answer.budget_ms); after it the "
                       "question is answered by the built-in retrieval alone")),
        restart(integer("answer.llm_threads", "SBC_ANSWER_THREADS", &Config::answer_threads, 1, 64,
                        "threads composing LLM answers")),
        reload(integer(
            "answer.inline_webhooks", "SBC_ANSWER_INLINE_WEBHOOKS", &Config::answer_inline_webhooks, -1, 4096,
            "built-in answers are composed before the webhook's write while fewer webhooks than this "
            "are in hand (0: never, the answer workers compose every answer; -1: the number of CPU "
            "cores)")),
        reload(integer("answer.min_confidence_percent", "SBC_MIN_CONFIDENCE_PERCENT",
                       &Config::min_confidence_percent, 0, 100,
                       "below this confidence a question gets the fallback text and goes to the owner")),
        restart(string(
            "answer.wordnet_dir", "SBC_WORDNET_DIR", &Config::wordnet_dir,
            "folder of the WordNet database (Debian's wordnet-base) the built-in answerer takes "
            "general synonyms from, e.g. /usr/share/wordnet; empty: none (the default, docs/retrieval.md)")),
        reload(string("answer.retrieval", "SBC_RETRIEVAL", &Config::retrieval,
                      "how entries are found: builtin (words, lexicon, typos), embeddings (cosine over "
                      "stored vectors) or hybrid (both, by reciprocal rank fusion); the last two need "
                      "openai.embedding_model and fall back to builtin without it",
                      check_retrieval)),
        reload(string("billing.currency", "SBC_BILLING_CURRENCY", &Config::billing_currency,
                      "currency the prices are in, shown by sbcctl usage", check_not_empty)),
        reload(price("billing.price_inbound_message", "SBC_PRICE_INBOUND_MESSAGE",
                     &Config::price_inbound_micros,
                     "estimated cost of one customer message received, e.g. 0.005 (sbcctl usage)")),
        reload(price("billing.price_outbound_message", "SBC_PRICE_OUTBOUND_MESSAGE",
                     &Config::price_outbound_micros,
                     "estimated cost of one message sent through Twilio, e.g. 0.005 (sbcctl usage)")),
        reload(
            price("billing.price_per_1k_embedding_tokens", "SBC_PRICE_PER_1K_EMBEDDING_TOKENS",
                  &Config::price_per_1k_embedding_tokens_micros,
                  "estimated cost of 1000 embedding tokens, knowledge entries and questions (sbcctl usage)")),
        reload(price("billing.price_per_1k_llm_tokens", "SBC_PRICE_PER_1K_LLM_TOKENS",
                     &Config::price_per_1k_tokens_micros,
                     "estimated cost of 1000 chat-completion tokens, prompt and completion (sbcctl usage)")),
        restart(string("data_dir", "SBC_DATA_DIR", &Config::data_dir, "directory of the database and files",
                       check_not_empty)),
        reload(string("log_level", "LOG_LEVEL", &Config::log_level, "debug, info, warn, error or off",
                      check_level)),
        reload(
            string("log.file", "SBC_LOG_FILE", &Config::log_file,
                   "append log lines to this file instead of standard error; SIGHUP reopens it (logrotate)")),
        reload(string("log.format", "SBC_LOG_FORMAT", &Config::log_format,
                      "text (one readable line per event) or json (one JSON object per line)",
                      check_log_format)),
        restart(listen_option()),
        restart(string(
            "store.synchronous", "SBC_SYNCHRONOUS", &Config::store_synchronous,
            "full: each group commit is fsynced, an acknowledged message survives power loss; normal: it "
            "survives an sbcd crash or SIGKILL, but the last commits before a power loss can be lost "
            "(several times the webhook throughput)",
            check_synchronous)),
        restart(integer(
            "store.group_window_us", "SBC_GROUP_WINDOW_US", &Config::store_group_window_us, 0, 100000,
            "under a burst of webhooks, how long (microseconds) a commit may wait for the webhooks expected "
            "meanwhile, so that they share its fsync: fewer commits leave more CPU to the acknowledgements "
            "(0: commit what is queued at once)")),
        restart(string("http.tls_cert_file", "SBC_TLS_CERT_FILE", &Config::tls_cert_file,
                       "PEM certificate (chain) for serving HTTPS; with http.tls_key_file, sbcd speaks HTTPS "
                       "instead of HTTP")),
        restart(string("http.tls_key_file", "SBC_TLS_KEY_FILE", &Config::tls_key_file,
                       "PEM private key of http.tls_cert_file (readable by sbcd's user only)")),
        restart(integer("http.max_body_bytes", "SBC_MAX_BODY_BYTES", &Config::max_body_bytes, 1024, 16 << 20,
                        "largest webhook body accepted; larger gets 413")),
        reload(integer(
            "http.defer_after", "SBC_HTTP_DEFER_AFTER", &Config::http_defer_after, -1, 4096,
            "while this many webhooks or more are in hand, a new one is acknowledged once stored as it came "
            "and handled (classified, answered) right after, in arrival order: bursts are acknowledged at "
            "the speed of one insert (0: always; -1: the number of CPU cores)")),
        reload(integer(
            "http.burst_wait_ms", "SBC_HTTP_BURST_WAIT_MS", &Config::http_burst_wait_ms, 0, 60000,
            "how long a webhook deferred by http.defer_after waits for its burst to end before it is handled "
            "anyway: for this long the acknowledgements have the CPU and the writer to themselves; under a "
            "longer overload replies keep pace and acknowledgements slow down")),
        restart(integer("http.threads", "SBC_HTTP_THREADS", &Config::http_threads, 1, 256,
                        "HTTP worker threads")),
        reload(boolean("http.insecure_skip_signature_check", "SBC_INSECURE_SKIP_SIGNATURE_CHECK",
                       &Config::insecure_skip_signature_check,
                       "accept unsigned webhooks (local development only; logs a warning)")),
        reload(string(
            "http.webhook_base_url", "WEBHOOK_BASE_URL", &Config::webhook_base_url,
            "public base URL Twilio calls, e.g. https://sbc.example.com (signatures are checked against it)",
            check_url)),
        restart(integer("metrics.max_businesses", "SBC_METRICS_MAX_BUSINESSES",
                        &Config::metrics_max_businesses, 0, 10000,
                        "businesses with their own label in /metrics; the others are counted under "
                        "business=\"other\" (keeps the number of series bounded)")),
        reload(integer("media.max_attempts", "SBC_MEDIA_MAX_ATTEMPTS", &Config::media_max_attempts, 1, 100,
                       "download attempts of one media file before it is marked failed")),
        reload(integer(
            "media.max_bytes", "SBC_MEDIA_MAX_BYTES", &Config::media_max_bytes, 1024, std::int64_t{100} << 20,
            "largest media file downloaded (enforced while it streams in; WhatsApp allows 16 MB)")),
        reload(
            string("media.pdftotext", "SBC_PDFTOTEXT", &Config::media_pdftotext,
                   "the pdftotext program (poppler-utils) that reads owners' PDF uploads: a name looked up "
                   "on PATH, or an absolute path",
                   check_program)),
        reload(string("media.public_base_url", "SBC_MEDIA_PUBLIC_BASE_URL", &Config::media_public_base_url,
                      "base URL Twilio fetches knowledge attachments from (+ /media/<token>.<ext>); empty: "
                      "WEBHOOK_BASE_URL",
                      check_url)),
        reload(integer("media.quota_bytes", "SBC_MEDIA_QUOTA_BYTES", &Config::media_quota_bytes, 0,
                       std::int64_t{1} << 40, "media bytes stored per business (0: no limit)")),
        reload(integer("media.retention_days", "SBC_MEDIA_RETENTION_DAYS", &Config::media_retention_days, 0,
                       36500, "days customers' media files are kept (0: forever)")),
        reload(integer("media.retry_base_ms", "SBC_MEDIA_RETRY_BASE_MS", &Config::media_retry_base_ms, 1,
                       600000, "base of the exponential backoff between media download attempts")),
        reload(integer("media.timeout_ms", "SBC_MEDIA_TIMEOUT_MS", &Config::media_timeout_ms, 100, 600000,
                       "timeout of one media download, redirects included")),
        reload(string("openai.api_key", "OPENAI_API_KEY", &Config::openai_api_key,
                      "API key of the LLM provider", {}, true)),
        reload(string("openai.base_url", "OPENAI_BASE_URL", &Config::openai_base_url,
                      "OpenAI-compatible API base URL", check_url)),
        reload(string("openai.chat_model", "OPENAI_CHAT_MODEL", &Config::openai_chat_model,
                      "chat model for composed answers, e.g. gpt-4o-mini (empty: built-in answers only)")),
        reload(string("openai.embedding_model", "OPENAI_EMBEDDING_MODEL", &Config::openai_embedding_model,
                      "embedding model for knowledge entries and questions, e.g. text-embedding-3-small "
                      "(empty: no embeddings); a change re-embeds every entry in the background")),
        reload(decimal("openai.price_embedding_per_mtok", "OPENAI_PRICE_EMBEDDING_PER_MTOK",
                       &Config::price_embedding_per_mtok, 10000,
                       "US dollars per million embedding tokens (knowledge entries and questions), for the "
                       "cost estimate")),
        reload(decimal("openai.price_input_per_mtok", "OPENAI_PRICE_INPUT_PER_MTOK",
                       &Config::price_input_per_mtok, 10000,
                       "US dollars per million prompt tokens, for the cost estimate")),
        reload(decimal("openai.price_output_per_mtok", "OPENAI_PRICE_OUTPUT_PER_MTOK",
                       &Config::price_output_per_mtok, 10000,
                       "US dollars per million completion tokens, for the cost estimate")),
        reload(integer("rate.customer_per_hour", "SBC_RATE_CUSTOMER_PER_HOUR",
                       &Config::rate_customer_per_hour, 0, 1000000,
                       "questions a customer may ask per hour (0: no limit)")),
        reload(integer("rate.global_per_hour", "SBC_RATE_GLOBAL_PER_HOUR", &Config::rate_global_per_hour, 0,
                       100000000, "inbound messages answered per hour for the whole daemon (0: no limit)")),
        reload(integer("rate.media_per_hour", "SBC_RATE_MEDIA_PER_HOUR", &Config::rate_media_per_hour, 0,
                       1000000, "media files a sender may send per hour (0: no limit)")),
        reload(integer("rate.owner_per_hour", "SBC_RATE_OWNER_PER_HOUR", &Config::rate_owner_per_hour, 0,
                       1000000, "owner commands per hour (0: no limit)")),
        reload(integer("satisfaction.quiet_seconds", "SBC_SATISFACTION_QUIET_SECONDS",
                       &Config::satisfaction_quiet_seconds, 1, 82800,
                       "seconds without a message from the customer after which a conversation has gone "
                       "quiet and, for businesses with the rating question on, the customer is asked to "
                       "rate it 1-5 (inside the 24-hour window only)")),
        restart(string("socket.group", "SBC_SOCKET_GROUP", &Config::socket_group,
                       "group given access to the control socket")),
        restart(string("socket.path", "SBC_SOCKET", &Config::socket_path,
                       "control socket path (default <data_dir>/sbcd.sock)")),
        reload(string("twilio.account_sid", "TWILIO_ACCOUNT_SID", &Config::twilio_account_sid,
                      "Twilio account SID (AC...); without it replies are dry-run", check_account_sid)),
        reload(string("twilio.api_base_url", "TWILIO_API_BASE_URL", &Config::twilio_api_base_url,
                      "Twilio REST API base URL", check_url)),
        reload(string("twilio.auth_token", "TWILIO_AUTH_TOKEN", &Config::twilio_auth_token,
                      "Twilio auth token: signs webhooks and authenticates sends", {}, true)),
        reload(integer("twilio.max_send_attempts", "SBC_MAX_SEND_ATTEMPTS", &Config::max_send_attempts, 1,
                       100, "attempts before a reply is marked dead")),
        reload(string(
            "twilio.notify_template_sid", "TWILIO_NOTIFY_TEMPLATE_SID", &Config::notify_template_sid,
            "template (ContentSid HX...) with one variable, used to notify an owner outside the 24-hour "
            "window")),
        reload(integer("twilio.retry_base_ms", "SBC_RETRY_BASE_MS", &Config::retry_base_ms, 1, 600000,
                       "base of the exponential backoff between send attempts")),
        reload(integer("twilio.send_timeout_ms", "SBC_SEND_TIMEOUT_MS", &Config::send_timeout_ms, 100, 120000,
                       "timeout of one Messages API call")),
        restart(integer("twilio.sender_threads", "SBC_SENDER_THREADS", &Config::sender_threads, 1, 64,
                        "threads posting replies to Twilio, each with one API call open at a time: with "
                        "calls of 100-300 ms they keep up with threads / call time replies a second")),
        reload(string("twilio.whatsapp_number", "TWILIO_WHATSAPP_NUMBER", &Config::twilio_whatsapp_number,
                      "default sender number, e.g. whatsapp:+14155238886", check_phone)),
    };
    return rows;
}

} // namespace

std::span<const Option> options() {
    static const std::vector<Option> k_rows = make_options();
    return k_rows;
}

} // namespace sbc::config
