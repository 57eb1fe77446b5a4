#pragma once
// sbcd's configuration: one table of options (config/options.cpp), each with its TOML key, environment
// variable, default and check. Sources, weakest first: defaults, the TOML file (--config), a .env file, the
// environment.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::config {

struct Config {
    // Storage and control
    std::string data_dir = "/var/lib/sbc";
    std::string socket_path; // empty: <data_dir>/sbcd.sock
    std::string socket_group;
    // HTTP
    std::string listen_host = "127.0.0.1";
    int listen_port = 8080;
    // A keep-alive connection holds a worker for its whole life, so a burst on more connections than workers
    // waits up to the keep-alive timeout (2 s) for one. A worker also waits for its webhook's commit, so the
    // workers bound the webhooks a group commit can share an fsync between: on two cores 32 workers
    // acknowledged 4,257 webhooks/s where 8 did 2,529, and 64 a fifth more again than 32
    // (docs/benchmarks.md), for about 1.3 MB of memory.
    int http_threads = 64;
    std::int64_t max_body_bytes = 64 * 1024;
    std::string webhook_base_url;
    // HTTPS served by sbcd itself: both PEM files, or neither (then plain HTTP behind a TLS proxy)
    std::string tls_cert_file;
    std::string tls_key_file;
    bool tls_enabled() const { return !tls_cert_file.empty() && !tls_key_file.empty(); }
    bool insecure_skip_signature_check = false;
    // Twilio
    std::string twilio_account_sid;
    std::string twilio_auth_token;
    std::string twilio_whatsapp_number;
    std::string twilio_api_base_url = "https://api.twilio.com";
    int send_timeout_ms = 10000;
    // Each thread has one Messages API call open at a time, and a call to api.twilio.com takes 100-300 ms:
    // the senders keep up with at most sender_threads / (call time) replies a second (16: 50-160).
    int sender_threads = 16;
    // How long a claimed outbox row is held by the sender (the send timeout, twice).
    std::int64_t send_lease_ms() const { return static_cast<std::int64_t>(send_timeout_ms) * 2; }
    int max_send_attempts = 8;
    int retry_base_ms = 1000;        // backoff before retry n is random in [0, min(5 min, base * 2^n)]
    std::string notify_template_sid; // ContentSid used to reach an owner outside the 24-hour window
    // Answers
    int min_confidence_percent = 30; // most outcomes right on the evaluation set (docs/retrieval.md)
    std::string
        wordnet_dir; // e.g. /usr/share/wordnet (Debian's wordnet-base); general synonyms, off by default
    std::string openai_api_key;
    std::string openai_base_url = "https://api.openai.com/v1";
    std::string openai_chat_model; // empty: no LLM, the built-in answerer only
    int answer_budget_ms = 3000;   // the whole LLM answer, after which the built-in answer is sent
    int answer_threads = 2;        // threads composing LLM answers (never the HTTP workers)
    // Built-in answers are composed on the HTTP worker while fewer webhooks than this are in hand (0: never,
    // every question goes to the answer workers; -1: the number of CPU cores).
    int answer_inline_webhooks = -1;
    // While this many webhooks or more are in hand, a new one is acknowledged once stored as it came and is
    // handled right after, in arrival order (0: always; -1: the number of CPU cores).
    int http_defer_after = -1;
    // How long a deferred webhook waits for its burst to end before the inbox thread handles it anyway.
    int http_burst_wait_ms = 3000;
    int breaker_failures = 3;         // consecutive provider failures that open the circuit breaker
    int breaker_cooldown_ms = 60000;  // how long an open breaker waits before one trial call
    double price_input_per_mtok = 0;  // US dollars per million prompt tokens, for the cost estimate
    double price_output_per_mtok = 0; // US dollars per million completion tokens
    // US dollars per million embedding tokens (knowledge entries and questions), for the cost estimate
    double price_embedding_per_mtok = 0;
    // True when an LLM provider is configured, so businesses with LLM on get composed answers.
    bool llm_configured() const { return !openai_chat_model.empty(); }
    // Embeddings (same provider and key): vectors of every entry, computed in the background.
    std::string openai_embedding_model;     // empty: no embeddings
    std::string retrieval = "builtin";      // builtin | embeddings | hybrid (the last two need a model)
    int embedding_timeout_ms = 500;         // the question's embedding, inside the answer budget
    int embedding_batch = 64;               // entries per embeddings request of the background embedder
    int embedding_requests_per_minute = 60; // the background embedder's pace
    bool embeddings_configured() const { return !openai_embedding_model.empty(); }
    // True when questions are retrieved with their embedding (and so answered off the HTTP workers).
    bool vector_retrieval() const { return embeddings_configured() && retrieval != "builtin"; }
    // Rate limits (per hour), the seed deployment's figures
    int rate_global_per_hour = 500;
    int rate_customer_per_hour = 10;
    int rate_owner_per_hour = 30;
    int rate_media_per_hour = 5;
    // Customer satisfaction: a conversation this long without a message from the customer has gone quiet
    // and may be asked about (businesses with the rating question on)
    int satisfaction_quiet_seconds = 1800;
    // Media (daemon/media/): downloads of what messages carry, and what is kept
    std::int64_t media_max_bytes = 16 << 20;    // one file; WhatsApp's own limit is 16 MB
    int media_timeout_ms = 60000;               // one download, redirects included
    int media_max_attempts = 5;                 // downloads tried before a file is marked failed
    int media_retry_base_ms = 2000;             // backoff before retry n: random in [base*2^n/2, base*2^n]
    std::int64_t media_quota_bytes = 1LL << 30; // stored bytes per business (0: no limit)
    int media_retention_days = 90;              // customers' media older than this is deleted (0: kept)
    // Where Twilio fetches knowledge attachments: this + "/media/<token>.<ext>"; empty: WEBHOOK_BASE_URL
    std::string media_public_base_url;
    // The PDF-to-text converter for owners' PDF uploads (Debian's poppler-utils): a name looked up on PATH
    // when the file is imported, or an absolute path
    std::string media_pdftotext = "pdftotext";
    // The base URL attachments are published under, or empty when neither option is set.
    const std::string& media_base_url() const {
        return media_public_base_url.empty() ? webhook_base_url : media_public_base_url;
    }
    // Metrics: businesses with their own label in /metrics, the rest count as "other"
    int metrics_max_businesses = 20;
    // Admin REST API (/api/businesses...): off while empty
    std::string admin_api_token;
    // Billing estimates (sbcctl usage): prices in millionths of the currency unit, so sums stay exact
    std::string billing_currency = "USD";
    std::int64_t price_inbound_micros = 0;
    std::int64_t price_outbound_micros = 0;
    std::int64_t price_per_1k_tokens_micros = 0; // chat completions: prompt and completion tokens
    std::int64_t price_per_1k_embedding_tokens_micros = 0;
    // Logging
    std::string log_level = "info";
    std::string log_format = "text";        // text | json
    std::string log_file;                   // empty: standard error
    std::string store_synchronous = "full"; // full | normal: see store::Store::Durability
    int store_group_window_us = 1000;       // see store::Store::Options::group_window

    // The control socket path, defaulted from the data directory.
    std::string socket() const;
    // "host:port" as configured.
    std::string listen() const;
    // True when Twilio credentials are set, so replies are really sent (otherwise dry-run).
    bool twilio_live() const { return !twilio_account_sid.empty() && !twilio_auth_token.empty(); }
};

// Where the configuration comes from; unset members fall back to their defaults.
struct Sources {
    std::optional<std::string> config_file; // --config FILE; must exist when given
    std::optional<std::string> env_file;    // default ".env" in the working directory when present
    bool use_environment = true;
};

struct Loaded {
    Config config;
    std::vector<std::string> problems; // each "where: what is wrong (what to do)"
    std::vector<std::string> used;     // the files read, for the start-up log
};

// Reads every source, checks every value and collects all problems rather than stopping at the first, so that
// --check-config can report them in one go.
Loaded load(const Sources& sources);

// One "key = value" line per option with its origin hidden; secrets shown as "(set)" or "(not set)".
std::vector<std::string> describe(const Config& config);

} // namespace sbc::config
