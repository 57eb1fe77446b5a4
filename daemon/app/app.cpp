#include "daemon/app/app.hpp"

#include "common/protocol.hpp"
#include "daemon/answer/wordnet.hpp"
#include "daemon/app/reload.hpp"
#include "daemon/app/systemd_notify.hpp"
#include "daemon/app/watchdog.hpp"
#include "daemon/config/live.hpp"
#include "daemon/control/dispatch.hpp"
#include "daemon/control/socket_server.hpp"
#include "daemon/http/admin_api.hpp"
#include "daemon/http/server.hpp"
#include "daemon/http/status_pages.hpp"
#include "daemon/http/webhook_handler.hpp"
#include "daemon/log/log.hpp"
#include "daemon/media/downloader.hpp"
#include "daemon/metrics/counters.hpp"
#include "daemon/outbox/sender.hpp"
#include "daemon/pipeline/answer_worker.hpp"
#include "daemon/pipeline/embedder.hpp"
#include "daemon/pipeline/inbox_drain.hpp"
#include "daemon/pipeline/owner_uploads.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/pipeline/survey_timer.hpp"
#include "daemon/store/store.hpp"

#include <csignal>
#include <filesystem>
#include <fmt/format.h>
#include <memory>

namespace sbc::app {
namespace {

// Blocks the shutdown signals in every thread (threads inherit the mask), so that only sigwait() sees them.
sigset_t block_signals() {
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGHUP);
    pthread_sigmask(SIG_BLOCK, &set, nullptr);
    std::signal(SIGPIPE, SIG_IGN);
    return set;
}

void prepare_data_dir(const std::string& dir) {
    std::error_code ec;
    std::filesystem::create_directories(dir, ec);
    if (ec) {
        throw std::runtime_error(
            fmt::format("cannot create data directory {}: {} (set SBC_DATA_DIR to a writable "
                        "place)",
                        dir, ec.message()));
    }
}

std::string actor_of(const control::Peer& peer) {
    return fmt::format("sbcctl:uid={}", peer.uid);
}

void warn_about(const config::Config& config) {
    if (config.insecure_skip_signature_check) {
        log_warn("http",
                 "SIGNATURE CHECK IS OFF (http.insecure_skip_signature_check): anyone who can reach this "
                 "port can post messages; use this only for local development");
    } else if (config.twilio_auth_token.empty()) {
        log_warn("http", "TWILIO_AUTH_TOKEN is not set: webhooks cannot be verified and will get 403");
    } else if (config.webhook_base_url.empty()) {
        log_warn("http",
                 "WEBHOOK_BASE_URL is not set: signatures are checked against http://<Host header>, which "
                 "fails behind a TLS proxy; set it to the public URL Twilio calls");
    }
    if (config.media_base_url().empty()) {
        log_warn("media",
                 "neither media.public_base_url nor WEBHOOK_BASE_URL is set: answers go out without their "
                 "knowledge attachments, as Twilio could not fetch them");
    }
    if (!config.twilio_live()) {
        log_info("outbox", "no Twilio credentials: dry-run, replies are logged and not sent");
    }
}

// Points the log at the configured file again: logrotate has moved the old one away (or the name changed).
void reopen_log(const config::Config& config) {
    if (config.log_file.empty()) {
        log::set_file("");
        return;
    }
    if (std::string error = log::set_file(config.log_file); !error.empty()) {
        log_error("sbcd", "{}: still writing to the previous log file", error);
        return;
    }
    log_info("sbcd", "log file {} reopened", config.log_file);
}

// Reads the configuration again and puts what can change at runtime in force (SIGHUP).
void reload(const config::Sources& sources, config::Live& live, const SystemdNotifier& systemd) {
    log_info("sbcd", "SIGHUP received: reloading the configuration");
    systemd.notify("RELOADING=1\nSTATUS=reloading the configuration");
    auto result = apply_reload(live, config::load(sources));
    auto config = live.get();
    if (result.applied) {
        log::add_secret(config->twilio_auth_token);
        log::add_secret(config->openai_api_key);
        log::set_level(log::parse_level(config->log_level).value_or(log::Level::info));
        log::set_format(log::parse_format(config->log_format).value_or(log::Format::text));
    }
    reopen_log(*config); // first, so that what the reload says lands in the new file
    log_reload(result);
    if (!result.changed.empty()) {
        warn_about(*config);
    }
    systemd.notify(result.applied ? "READY=1\nSTATUS=serving (configuration reloaded)"
                                  : "READY=1\nSTATUS=serving (reload refused: see the log)");
}

int wait_for_stop(const sigset_t& set, const config::Sources& sources, config::Live& live,
                  const SystemdNotifier& systemd) {
    for (;;) {
        int signal = 0;
        if (sigwait(&set, &signal) != 0) {
            continue;
        }
        if (signal == SIGHUP) {
            reload(sources, live, systemd);
            continue;
        }
        return signal;
    }
}

// For the watchdog: the database still answers a read.
bool store_answers(store::Store& store) {
    return store
        .read([](store::Database& d) -> Result<bool> {
            d.prepare("SELECT 1").step();
            return true;
        })
        .ok();
}

// Without WordNet the built-in answerer still works, on its curated lexicon alone: it understands fewer
// paraphrases, so say so and how to fix it.
void load_wordnet(const std::string& dir) {
    if (dir.empty()) {
        log_debug("answer", "answer.wordnet_dir is empty: built-in answers use no general synonyms");
        return;
    }
    std::string problem;
    if (auto wordnet = answer::WordNet::open(dir, problem)) {
        answer::use_wordnet(std::move(wordnet));
        log_info("answer", "general synonyms from WordNet in {}", dir);
        return;
    }
    log_warn("answer",
             "WordNet not loaded ({}): built-in answers understand fewer paraphrases; install Debian's "
             "wordnet-base or set answer.wordnet_dir",
             problem);
}

} // namespace

int run(const config::Config& initial, const config::Sources& sources) {
    sigset_t signals = block_signals();
    auto started_at = std::chrono::system_clock::now();
    auto systemd = SystemdNotifier::from_environment();
    config::Live live(initial);
    // Start-up only: what is set here needs a restart to change (see the rows of config/options.cpp).
    const config::Config& config = initial;
    try {
        systemd.notify("STATUS=opening the database");
        prepare_data_dir(config.data_dir);
        auto db_path = (std::filesystem::path(config.data_dir) / "sbc.db").string();
        store::Store::Options store_options;
        store_options.durability = config.store_synchronous == "normal" ? store::Store::Durability::normal
                                                                        : store::Store::Durability::full;
        store_options.group_window = std::chrono::microseconds(config.store_group_window_us);
        auto store = std::make_unique<store::Store>(db_path, store_options);
        log_info("store", "database {} at schema version {}, synchronous={}, group window {} us", db_path,
                 store->schema_version(), config.store_synchronous, config.store_group_window_us);

        warn_about(config);
        load_wordnet(config.wordnet_dir);
        metrics::Counters counters;
        counters.set_business_label_cap(config.metrics_max_businesses);
        auto sender = std::make_unique<outbox::Sender>(*store, live, counters);
        pipeline::Pipeline pipeline(
            *store, live,
            [&sender](std::vector<store::Claim> claims) { sender->hand_over(std::move(claims)); },
            [&sender](std::size_t pending) { return sender->has_room(pending); });
        // Sweeps the media folder against the rows before anything can write either.
        // Owners' uploads become knowledge on the downloader thread, once their file is stored.
        pipeline::OwnerUploads uploads(*store, live, pipeline, config.data_dir);
        auto downloader = std::make_unique<media::Downloader>(
            *store, live, config.data_dir,
            [&uploads](const store::Media& media, const std::string& path) { uploads.stored(media, path); },
            [&uploads](const store::Media& media, const std::string& error) {
                uploads.failed(media, error);
            });
        pipeline.on_media_queued([&downloader] { downloader->wake(); });
        http::WebhookHandler webhooks(live, pipeline, *store, counters);
        http::StatusSources status{live, *store, counters, std::chrono::steady_clock::now()};
        int http_port = 0; // known once the server is bound; read by `status` only
        // The admin API runs the same control commands as sbcctl, as actor "admin-api".
        http::AdminApi admin([&live] { return live.get()->admin_api_token; },
                             [&](std::string_view command, nlohmann::json arguments) {
                                 auto now_in_force = live.get();
                                 control::Context ctx{*store,    *now_in_force, started_at, "admin-api",
                                                      http_port, &pipeline,     &counters};
                                 return control::dispatch(
                                     protocol::make_request(command, std::move(arguments)).dump(), ctx);
                             });
        auto embedder = std::make_unique<pipeline::Embedder>(*store, live);
        auto answer_worker =
            std::make_unique<pipeline::AnswerWorker>(*store, live, pipeline, embedder->breaker());
        pipeline.on_answer_job(
            [&answer_worker](std::int64_t job, pipeline::AnswerLane lane, const std::string& customer) {
                answer_worker->submit(job, lane, customer);
            });
        // Set before the drain's thread starts, which reads it; no webhook arrives before the server starts.
        std::unique_ptr<pipeline::InboxDrain> inbox;
        pipeline.on_inbox_queued([&inbox] { inbox->wake(); });
        inbox = std::make_unique<pipeline::InboxDrain>(*store, pipeline, [&counters](const auto& outcome) {
            if (outcome.kind == pipeline::Outcome::Kind::processed) {
                counters.business_message(outcome.business_id, outcome.classification);
            }
        });
        if (config.embeddings_configured()) {
            log_info("answer", "embeddings with model {} at {}; retrieval {}", config.openai_embedding_model,
                     config.openai_base_url, config.retrieval);
        }
        if (config.llm_configured()) {
            log_info("answer", "LLM answers with model {} at {} (budget {} ms) for businesses with LLM on",
                     config.openai_chat_model, config.openai_base_url, config.answer_budget_ms);
        }
        auto survey_timer = std::make_unique<pipeline::SurveyTimer>(live, pipeline);
        auto http_server = std::make_unique<http::HttpServer>(
            config.listen_host, config.listen_port, config.http_threads,
            static_cast<std::size_t>(config.max_body_bytes), webhooks, status, &admin,
            config.tls_enabled()
                ? std::optional(http::HttpServer::Tls{config.tls_cert_file, config.tls_key_file})
                : std::nullopt);
        log_info("http", "listening on {}:{} ({}){}", config.listen_host, http_server->port(),
                 config.tls_enabled() ? "HTTPS" : "HTTP",
                 config.admin_api_token.empty() ? "" : " (admin API on)");
        http_port = http_server->port();

        auto handle_line = [&](std::string_view line, const control::Peer& peer) {
            auto now_in_force = live.get();
            control::Context ctx{*store,    *now_in_force, started_at, actor_of(peer),
                                 http_port, &pipeline,     &counters};
            return control::dispatch(line, ctx).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace);
        };
        auto control_server =
            std::make_unique<control::SocketServer>(config.socket(), config.socket_group, handle_line);
        log_info("control", "control socket {}", config.socket());
        log_info("sbcd", "sbcd {} ready", SBC_VERSION);
        // Only now: systemd starts units ordered after us, and a webhook or sbcctl call would be answered.
        systemd.notify(fmt::format("READY=1\nSTATUS=serving webhooks on {}:{}, control socket {}",
                                   config.listen_host, http_port, config.socket()));
        auto watchdog = std::make_unique<Watchdog>(systemd, [&store] { return store_answers(*store); });

        int signal = wait_for_stop(signals, sources, live, systemd);
        log_info("sbcd", "{} received, shutting down", signal == SIGTERM ? "SIGTERM" : "SIGINT");
        systemd.notify("STOPPING=1\nSTATUS=draining: finishing requests in flight");
        http_server.reset();    // no new webhooks; those in flight finish and are committed
        store->stop_waiting();  // long polls (sbcctl logs --follow) answer now
        control_server.reset(); // no new requests; requests in flight finish first
        survey_timer.reset();   // no new rating questions; the one being written is committed first
        inbox.reset();         // the batch in hand is handled; the rest of the inbox waits for the next start
        downloader.reset();    // the download in progress finishes; pending ones resume at start
        answer_worker.reset(); // answers being composed finish (within the budget); the rest resume at start
        embedder.reset();      // a batch in flight finishes; entries without a vector wait for the next start
        sender.reset();        // calls to Twilio in progress finish; unsent rows stay for the next start
        watchdog.reset();      // pings until here: a drain stuck in a Twilio call is still seen by systemd
        store.reset();         // the writer commits everything queued, then the database closes
        log_info("sbcd", "stopped cleanly");
        return 0;
    } catch (const std::exception& e) {
        log_error("sbcd", "cannot start: {}", e.what());
        return 1;
    }
}

} // namespace sbc::app
