#include "daemon/outbox/sender.hpp"

#include "common/time_format.hpp"
#include "daemon/config/live.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/metrics/counters.hpp"
#include "daemon/store/customer_repo.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/store.hpp"
#include "daemon/twilio/messages_client.hpp"

#include <algorithm>
#include <functional>
#include <optional>
#include <random>

namespace sbc::outbox {

using twilio::SendOutcome;

// One claimed row and the client to send it with (none in dry-run).
struct Delivery {
    store::Claim claim;
    twilio::MessagesClient* client;
};

// An outcome the store could not record (disk full, read-only or failing database). Twilio's answer is kept
// and written again later, so that the row is neither left 'sending' until a restart nor sent a second time.
struct Unrecorded {
    std::int64_t message_id = 0;
    std::string what; // the outcome, for the log: "accepted by Twilio as SM...", "logged as dry-run", ...
    std::function<void(store::Database&)> write;
    int failures = 0;
    std::int64_t retry_at_ms = 0;
};

// What one sender thread carries from one round to the next.
struct Backlog {
    std::vector<Unrecorded> unrecorded; // outcomes to record before anything new is posted
    int claim_failures = 0;             // in a row: the store cannot write
};

namespace {

// Rows claimed from the outbox in one transaction, put in the hand-over queue for every thread: a backlog
// left in the outbox (after a restart, or queued unclaimed while the queue was full) drains at one claim
// transaction per batch, not per few rows.
constexpr int k_claim_batch = 64;
constexpr std::int64_t k_backoff_cap_ms = 5 * 60 * 1000;
constexpr std::int64_t k_idle_wait_ms = 1000;
// While the store cannot write: the first wait before trying again, doubled each failure up to the cap.
constexpr std::int64_t k_record_retry_ms = 100;
constexpr std::int64_t k_record_retry_cap_ms = 2000;

std::int64_t store_retry_delay(int failures) {
    return std::min(k_record_retry_cap_ms, k_record_retry_ms << std::min(failures - 1, 10));
}

// Whether a thread's Messages API client must be rebuilt for a new configuration.
bool client_changed(const config::Config& a, const config::Config& b) {
    return a.twilio_api_base_url != b.twilio_api_base_url || a.twilio_account_sid != b.twilio_account_sid ||
           a.twilio_auth_token != b.twilio_auth_token || a.send_timeout_ms != b.send_timeout_ms;
}

twilio::OutboundMessage to_outbound(const store::Message& m, const config::Config& config) {
    twilio::OutboundMessage out;
    out.to = m.customer;
    out.from = m.our_number;
    out.body = m.body;
    if (m.content_sid) {
        out.content_sid = m.content_sid;
        out.content_variables = m.content_vars;
    }
    // The attachment's URL is made at send time, from the base URL in force now. Without one Twilio could not
    // fetch it: the text goes alone (sbcd warns about that at start).
    if (m.media_path && !m.content_sid && !config.media_base_url().empty()) {
        out.media_urls.push_back(config.media_base_url() + *m.media_path);
    }
    if (!config.webhook_base_url.empty()) {
        out.status_callback = config.webhook_base_url + "/webhooks/twilio/status";
    }
    // Stable per message, so that Twilio can drop a retried copy if it honours the header.
    out.idempotency_token = "sbc-" + std::to_string(m.id) + "-" + std::to_string(m.created_at);
    return out;
}

// The key of a conversation: our number and the customer's.
std::string conversation_of(const store::Message& m) {
    return m.our_number + ' ' + m.customer;
}

std::string describe(const SendOutcome& o) {
    if (o.error_code != 0) {
        return "Twilio error " + std::to_string(o.error_code) + ": " + o.error_message;
    }
    return o.error_message;
}

} // namespace

Sender::Sender(store::Store& store, const config::Live& config, metrics::Counters& counters)
    : m_store(store), m_config(config), m_counters(counters) {
    auto now = time_format::now_ms();
    auto recovered =
        m_store.write([&](store::Database& db) -> Result<int> { return store::recover_in_flight(db, now); });
    if (recovered && *recovered > 0) {
        log_warn("outbox",
                 "{} message(s) were being sent when sbcd stopped; they may or may not have reached Twilio "
                 "and will be sent again (recorded as ambiguous)",
                 *recovered);
    }
    for (int i = 0; i < m_config.get()->sender_threads; ++i) {
        m_threads.emplace_back([this] {
            log::name_this_thread("sbc-sender");
            run();
        });
    }
}

Sender::~Sender() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
    // Claims handed over but never posted go back to the queue as they were, so the next start sends them
    // without calling them ambiguous.
    if (!m_handed.empty()) {
        auto released = m_store.write([&](store::Database& db) -> Status {
            for (const auto& handed : m_handed) {
                store::release_claim(db, handed.claim);
            }
            return ok_status();
        });
        if (!released) {
            log_warn("outbox",
                     "could not return {} unsent message(s) to the queue ({}); they will be sent at "
                     "the next start, marked ambiguous",
                     m_handed.size(), released.error().message);
        }
    }
}

void Sender::hand_over(std::vector<store::Claim> claims) {
    {
        std::lock_guard lock(m_mutex);
        for (auto& claim : claims) {
            auto conversation = conversation_of(claim.message);
            m_handed.push_back({std::move(claim), std::move(conversation)});
        }
        m_handed_count.store(m_handed.size(), std::memory_order_relaxed);
    }
    m_cv.notify_all();
}

std::int64_t Sender::backoff_ms(std::int64_t attempts, std::int64_t retry_after_ms) {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    std::int64_t ceiling = k_backoff_cap_ms;
    if (attempts < 20) {
        ceiling =
            std::min(k_backoff_cap_ms, static_cast<std::int64_t>(m_config.get()->retry_base_ms) << attempts);
    }
    std::int64_t delay = std::uniform_int_distribution<std::int64_t>(0, ceiling)(rng);
    // The retry is due at a wall-clock time (it is stored, and survives a restart), in whole milliseconds
    // counted from now_ms(), which truncates: hence the extra millisecond (a fault test saw 999.92 ms against
    // Retry-After: 1). And a VM's wall clock can run fast against real time while the host corrects it (0.5%
    // measured here: 998.6 ms against Retry-After: 1), hence 2% more, so that Retry-After has passed for
    // Twilio too.
    return std::max(delay, retry_after_ms > 0 ? retry_after_ms + retry_after_ms / 50 + 1 : 0);
}

namespace {

// The MessageSid of the inbound message a reply answers: the request ID of the webhook that brought it.
std::string request_of(store::Store& store, const store::Claim& claim) {
    const auto& m = claim.message;
    if (!claim.request_id.empty()) {
        return claim.request_id;
    }
    if (!m.reply_to) {
        return "out-" + std::to_string(m.id);
    }
    auto sid = store.read([&](store::Database& db) -> Result<std::optional<std::string>> {
        return store::message_sid_of(db, *m.reply_to);
    });
    return sid && *sid ? **sid : "out-" + std::to_string(m.id);
}

} // namespace

void Sender::deliver(Delivery& d, std::vector<Unrecorded>& unrecorded) {
    const auto& m = d.claim.message;
    log::RequestScope request(request_of(m_store, d.claim));
    auto now = time_format::now_ms();
    if (d.client == nullptr) {
        log_info("outbox", "dry-run (no Twilio credentials): to {} from {}: {}", m.customer, m.our_number,
                 m.body);
        m_counters.dry_run++;
        record(unrecorded, Unrecorded{m.id, "logged as dry-run", [claim = d.claim, now](store::Database& db) {
                                          store::record_dry_run(db, claim, now);
                                      }});
        return;
    }
    auto config = m_config.get();
    SendOutcome o = d.client->send(to_outbound(m, *config));
    now = time_format::now_ms();
    m_counters.last_api_ok = (o.kind == SendOutcome::Kind::sent) ? 1 : 0;
    std::int64_t delay = 0;
    if (o.kind == SendOutcome::Kind::retry || o.kind == SendOutcome::Kind::ambiguous) {
        delay = backoff_ms(d.claim.attempts, o.retry_after_ms.value_or(0));
    }
    auto write = [claim = d.claim, o, now, delay,
                  max_attempts = config->max_send_attempts](store::Database& db) {
        const auto& m = claim.message;
        switch (o.kind) {
        case SendOutcome::Kind::sent:
            store::record_sent(db, claim, o.sid, o.status, now);
            break;
        case SendOutcome::Kind::permanent:
            store::record_failed(db, claim, "failed", o.error_code, describe(o), now);
            if (twilio::is_opt_out_code(o.error_code) && m.business_rowid) {
                store::set_opted_out(db, *m.business_rowid, m.customer, true);
            }
            break;
        case SendOutcome::Kind::retry:
        case SendOutcome::Kind::ambiguous:
            if (claim.attempts >= max_attempts) {
                store::record_failed(
                    db, claim, "dead", o.error_code,
                    "gave up after " + std::to_string(claim.attempts) + " attempts: " + describe(o), now);
            } else {
                store::record_retry(db, claim, now + delay, describe(o),
                                    o.kind == SendOutcome::Kind::ambiguous);
            }
            break;
        }
    };
    std::string what = o.kind == SendOutcome::Kind::sent        ? "accepted by Twilio as " + o.sid
                       : o.kind == SendOutcome::Kind::permanent ? "refused by Twilio: " + describe(o)
                                                                : "not delivered, to retry: " + describe(o);
    record(unrecorded, Unrecorded{m.id, std::move(what), std::move(write)});
    switch (o.kind) {
    case SendOutcome::Kind::sent:
        m_counters.sent++;
        log_debug("outbox", "message {} to {} accepted by Twilio as {}", m.id, m.customer, o.sid);
        break;
    case SendOutcome::Kind::permanent:
        m_counters.failed++;
        m_counters.set_last_error(describe(o));
        log_warn("outbox", "message {} to {} refused: {}", m.id, m.customer, describe(o));
        break;
    default:
        m_counters.retried++;
        if (o.kind == SendOutcome::Kind::ambiguous) {
            m_counters.ambiguous++;
        }
        m_counters.set_last_error(describe(o));
        log_warn("outbox", "message {} to {}: {} (attempt {}, {})", m.id, m.customer, describe(o),
                 d.claim.attempts, twilio::kind_name(o.kind));
        break;
    }
}

void Sender::record(std::vector<Unrecorded>& unrecorded, Unrecorded outcome) {
    auto result = m_store.write([&](store::Database& db) -> Status {
        outcome.write(db);
        return ok_status();
    });
    if (result) {
        return;
    }
    log_error("outbox",
              "the outcome of message {} ({}) could not be recorded: {}; the message will not be sent again, "
              "and its outcome is recorded as soon as the database can be written",
              outcome.message_id, outcome.what, result.error().message);
    outcome.failures = 1;
    outcome.retry_at_ms = time_format::now_ms() + store_retry_delay(1);
    unrecorded.push_back(std::move(outcome));
}

void Sender::record_again(std::vector<Unrecorded>& unrecorded, bool stopping) {
    auto now = time_format::now_ms();
    for (auto it = unrecorded.begin(); it != unrecorded.end();) {
        if (!stopping && it->retry_at_ms > now) {
            ++it;
            continue;
        }
        auto result = m_store.write([&](store::Database& db) -> Status {
            it->write(db);
            return ok_status();
        });
        if (result) {
            log_info("outbox", "recorded the outcome of message {} ({}) after {} failed tries",
                     it->message_id, it->what, it->failures);
            it = unrecorded.erase(it);
            continue;
        }
        if (stopping) {
            log_error("outbox",
                      "sbcd stops before the outcome of message {} ({}) could be recorded ({}): at the next "
                      "start the message is sent again, marked ambiguous",
                      it->message_id, it->what, result.error().message);
            ++it;
            continue;
        }
        // The store still fails: every kept outcome waits for the next try.
        auto retry_at = now + store_retry_delay(++it->failures);
        for (auto& u : unrecorded) {
            u.retry_at_ms = std::max(u.retry_at_ms, retry_at);
        }
        return;
    }
}

void Sender::run() {
    std::optional<twilio::MessagesClient> client;
    std::shared_ptr<const config::Config> client_config;
    Backlog backlog;
    for (;;) {
        // Between two sends, never during one: a reload takes effect at the next message.
        auto config = m_config.get();
        if (!client_config || client_changed(*client_config, *config)) {
            client.reset();
            if (config->twilio_live()) {
                client.emplace(twilio::MessagesClient::Config{
                    config->twilio_api_base_url, config->twilio_account_sid, config->twilio_auth_token,
                    config->send_timeout_ms, std::min(5000, config->send_timeout_ms)});
            }
            client_config = config;
        }
        if (!work_once(client ? &*client : nullptr, backlog)) {
            break;
        }
    }
    record_again(backlog.unrecorded, true);
}

bool Sender::work_once(twilio::MessagesClient* client, Backlog& backlog) {
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping) {
            return false;
        }
    }
    if (!backlog.unrecorded.empty()) {
        record_again(backlog.unrecorded, false);
        if (!backlog.unrecorded.empty()) {
            auto next = std::min_element(
                backlog.unrecorded.begin(), backlog.unrecorded.end(),
                [](const Unrecorded& a, const Unrecorded& b) { return a.retry_at_ms < b.retry_at_ms; });
            pause_until(next->retry_at_ms);
            return true;
        }
    }
    std::optional<store::Claim> handed;
    {
        std::lock_guard lock(m_mutex);
        handed = take_handed();
    }
    if (handed) {
        Delivery d{std::move(*handed), client};
        deliver(d, backlog.unrecorded);
        finish_conversation(d.claim.message);
        return true;
    }
    if (!has_room()) {
        // Everything handed over waits for its conversation's call in flight: claiming more would only pull
        // the outbox into memory.
        wait_for_work(std::nullopt);
        return true;
    }
    // Rows due again after a failure, the later parts of split replies, what a restart left and what the
    // pipeline queued unclaimed while the hand-over queue was full. Looked for with a reader first: claiming
    // is a write transaction, and after most hand-over sends it would find nothing, costing the single writer
    // (which every webhook waits on) one empty transaction per reply.
    auto due = m_store.read(
        [](store::Database& db) -> Result<std::optional<std::int64_t>> { return store::next_due(db); });
    auto now = time_format::now_ms();
    if (due && (!*due || **due > now)) {
        wait_for_work(*due);
        return true;
    }
    auto claims = m_store.write([&](store::Database& db) -> Result<std::vector<store::Claim>> {
        return store::claim_due(db, now, k_claim_batch, m_config.get()->send_lease_ms());
    });
    if (!claims) {
        // The store logs the failure once; claiming again at once would spin while the disk is full.
        pause_until(time_format::now_ms() + store_retry_delay(++backlog.claim_failures));
        return true;
    }
    backlog.claim_failures = 0;
    if (!claims->empty()) {
        // Through the queue, like every claim, so that a conversation with a call in flight waits for it.
        hand_over(std::move(*claims));
        return true;
    }
    // Another thread claimed them first; it comes back for more after sending them.
    wait_for_work(std::nullopt);
    return true;
}

void Sender::wait_for_work(std::optional<std::int64_t> due) {
    std::int64_t wait = k_idle_wait_ms;
    if (due) {
        wait = std::clamp<std::int64_t>(*due - time_format::now_ms(), 0, k_idle_wait_ms);
    }
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, std::chrono::milliseconds(wait), [&] { return m_stopping || can_take_handed(); });
}

std::optional<store::Claim> Sender::take_handed() {
    for (auto it = m_handed.begin(); it != m_handed.end(); ++it) {
        if (m_in_flight.insert(it->conversation).second) {
            store::Claim claim = std::move(it->claim);
            m_handed.erase(it);
            m_handed_count.store(m_handed.size(), std::memory_order_relaxed);
            return claim;
        }
    }
    return std::nullopt;
}

bool Sender::can_take_handed() const {
    return std::any_of(m_handed.begin(), m_handed.end(),
                       [&](const Handed& handed) { return !m_in_flight.contains(handed.conversation); });
}

void Sender::finish_conversation(const store::Message& m) {
    bool someone_waits = false;
    {
        std::lock_guard lock(m_mutex);
        auto conversation = conversation_of(m);
        m_in_flight.erase(conversation);
        someone_waits = std::any_of(m_handed.begin(), m_handed.end(), [&](const Handed& handed) {
            return handed.conversation == conversation;
        });
    }
    // Only then: waking every idle sender after each send would cost each of them a context switch.
    if (someone_waits) {
        m_cv.notify_all();
    }
}

void Sender::pause_until(std::int64_t at_ms) {
    auto wait = std::max<std::int64_t>(at_ms - time_format::now_ms(), 0);
    std::unique_lock lock(m_mutex);
    m_cv.wait_for(lock, std::chrono::milliseconds(wait), [&] { return m_stopping; });
}

} // namespace sbc::outbox
