#include "daemon/store/message_repo.hpp"

#include <fmt/format.h>

namespace sbc::store {
namespace {

constexpr const char* k_message_columns =
    "m.id, m.business_id, m.direction, m.message_sid, m.customer, m.our_number, m.body, m.kind, m.status, "
    "m.error_code, m.error_message, m.reply_to, m.entry_number, m.score, m.content_sid, m.content_vars, "
    "m.created_at, m.updated_at, m.sent_at, m.attempts, m.ambiguous, m.media_path";

template <typename T>
std::optional<T> opt(Statement& s, int c, T (Statement::*get)(int) const) {
    if (s.is_null(c)) {
        return std::nullopt;
    }
    return (s.*get)(c);
}

Message read_message(Statement& s, int f = 0) {
    Message m;
    m.id = s.int64(f + 0);
    m.business_rowid = opt(s, f + 1, &Statement::int64);
    m.direction = s.text(f + 2);
    m.message_sid = opt(s, f + 3, &Statement::text);
    m.customer = s.text(f + 4);
    m.our_number = s.text(f + 5);
    m.body = s.text(f + 6);
    m.kind = s.text(f + 7);
    m.status = s.text(f + 8);
    m.error_code = opt(s, f + 9, &Statement::integer);
    m.error_message = opt(s, f + 10, &Statement::text);
    m.reply_to = opt(s, f + 11, &Statement::int64);
    m.entry_number = opt(s, f + 12, &Statement::int64);
    m.score = opt(s, f + 13, &Statement::real);
    m.content_sid = opt(s, f + 14, &Statement::text);
    m.content_vars = opt(s, f + 15, &Statement::text);
    m.created_at = s.int64(f + 16);
    m.updated_at = s.int64(f + 17);
    m.sent_at = opt(s, f + 18, &Statement::int64);
    m.attempts = s.int64(f + 19);
    m.ambiguous = s.integer(f + 20) != 0;
    m.media_path = opt(s, f + 21, &Statement::text);
    return m;
}

std::int64_t insert_message(Database& db, Message& m) {
    m.updated_at = m.created_at;
    auto s = db.cached(
        "INSERT INTO messages (business_id, direction, message_sid, customer, our_number, body, kind, "
        "status, error_code, error_message, reply_to, entry_number, score, content_sid, content_vars, "
        "created_at, updated_at, media_path) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
        "ON CONFLICT (message_sid) DO NOTHING");
    s->bind(1, m.business_rowid).bind(2, m.direction).bind(3, m.message_sid).bind(4, m.customer);
    s->bind(5, m.our_number).bind(6, m.body).bind(7, m.kind).bind(8, m.status).bind(9, m.error_code);
    s->bind(10, m.error_message).bind(11, m.reply_to).bind(12, m.entry_number).bind(13, m.score);
    s->bind(14, m.content_sid).bind(15, m.content_vars).bind(16, m.created_at).bind(17, m.updated_at);
    s->bind(18, m.media_path);
    s->run();
    if (db.changes() == 0) {
        return 0;
    }
    m.id = db.last_insert_id();
    return m.id;
}

// The row leaves the outbox; what its attempts were stays on the message.
void finish_outbox(Database& db, const Claim& claim) {
    {
        auto s = db.cached("DELETE FROM outbox WHERE id = ?");
        s->bind(1, claim.outbox_id);
        s->run();
    }
    auto s = db.cached("UPDATE messages SET attempts = ?, ambiguous = ? WHERE id = ?");
    s->bind(1, claim.attempts).bind(2, claim.ambiguous ? 1 : 0).bind(3, claim.message.id);
    s->run();
}

void set_message_status(Database& db, std::int64_t id, std::string_view status, std::optional<int> code,
                        std::optional<std::string> error, std::int64_t now) {
    auto s = db.cached("UPDATE messages SET status = ?, error_code = COALESCE(?, error_code), "
                       "error_message = COALESCE(?, error_message), updated_at = ? WHERE id = ?");
    s->bind(1, status).bind(2, code).bind(3, error).bind(4, now).bind(5, id);
    s->run();
}

} // namespace

std::optional<std::int64_t> insert_inbound(Database& db, Message& m) {
    m.direction = "in";
    if (insert_message(db, m) == 0) {
        return std::nullopt;
    }
    return m.id;
}

namespace {

// How many of the latest messages to a person the chaining looks at: the one still in the outbox that a new
// message must wait for is the latest queued, and only messages never queued (refused, test) can come after
// it.
constexpr int k_recent_outbound = 8;

// The latest message to this person (from this business) that is still in the outbox, if any.
std::optional<std::int64_t> unfinished_before(Database& db, const Message& m) {
    // Through messages_by_customer: the outbox may hold a burst's replies, and this runs for each new one.
    auto s = db.cached("SELECT r.id FROM (SELECT id FROM messages WHERE business_id IS ?1 AND customer = ?2 "
                       "AND direction = 'out' ORDER BY created_at DESC, id DESC LIMIT ?3) r "
                       "JOIN outbox o ON o.message_id = r.id ORDER BY r.id DESC LIMIT 1");
    s->bind(1, m.business_rowid).bind(2, m.customer).bind(3, k_recent_outbound);
    if (!s->step()) {
        return std::nullopt;
    }
    return s->int64(0);
}

} // namespace

std::int64_t insert_outbound(Database& db, Message& m, bool queue,
                             std::optional<std::int64_t> after_message) {
    m.direction = "out";
    if (queue && !after_message) {
        after_message = unfinished_before(db, m);
    }
    insert_message(db, m);
    if (queue) {
        auto s = db.cached("INSERT INTO outbox (message_id, after_message, next_attempt_at, created_at) "
                           "VALUES (?, ?, ?, ?)");
        s->bind(1, m.id).bind(2, after_message).bind(3, m.created_at).bind(4, m.created_at);
        s->run();
    }
    return m.id;
}

std::vector<Claim> claim_due(Database& db, std::int64_t now_ms, int limit, std::int64_t lease_ms) {
    std::vector<Claim> claims;
    {
        auto s = db.cached(
            "UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ?1 "
            "WHERE id IN (SELECT o.id FROM outbox o WHERE o.state = 'pending' AND o.next_attempt_at <= ?2 "
            "AND (o.after_message IS NULL OR NOT EXISTS (SELECT 1 FROM outbox p "
            "WHERE p.message_id = o.after_message)) ORDER BY o.next_attempt_at, o.id LIMIT ?3) RETURNING id, "
            "attempts, ambiguous, message_id");
        s->bind(1, now_ms + lease_ms).bind(2, now_ms).bind(3, limit);
        while (s->step()) {
            Claim c;
            c.outbox_id = s->int64(0);
            c.attempts = s->int64(1);
            c.ambiguous = s->integer(2) != 0;
            c.message.id = s->int64(3);
            claims.push_back(std::move(c));
        }
    }
    for (auto& c : claims) {
        if (auto m = find_message(db, c.message.id)) {
            c.message = std::move(*m);
        }
    }
    return claims;
}

std::vector<Claim> claim_queued(Database& db, const std::vector<Message>& queued, std::int64_t now_ms,
                                std::int64_t lease_ms) {
    std::vector<Claim> claims;
    auto s = db.cached("UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = ? "
                       "WHERE message_id = ? AND state = 'pending' AND after_message IS NULL "
                       "RETURNING id, attempts, ambiguous");
    for (const auto& m : queued) {
        s->reset();
        s->bind(1, now_ms + lease_ms).bind(2, m.id);
        if (s->step()) {
            Claim c;
            c.outbox_id = s->int64(0);
            c.attempts = s->int64(1);
            c.ambiguous = s->integer(2) != 0;
            c.message = m;
            claims.push_back(std::move(c));
            while (s->step()) {
            }
        }
    }
    return claims;
}

void release_claim(Database& db, const Claim& claim) {
    auto s = db.cached("UPDATE outbox SET state = 'pending', attempts = attempts - 1, next_attempt_at = ? "
                       "WHERE id = ? AND state = 'sending'");
    s->bind(1, claim.message.created_at).bind(2, claim.outbox_id);
    s->run();
}

std::optional<std::int64_t> next_due(Database& db) {
    // Only rows that could be claimed: a later part waits for its predecessor, whatever its own due time.
    auto s = db.cached("SELECT MIN(o.next_attempt_at) FROM outbox o WHERE o.state = 'pending' AND "
                       "(o.after_message IS NULL OR NOT EXISTS (SELECT 1 FROM outbox p "
                       "WHERE p.message_id = o.after_message))");
    if (!s->step() || s->is_null(0)) {
        return std::nullopt;
    }
    return s->int64(0);
}

int recover_in_flight(Database& db, std::int64_t now_ms) {
    auto s = db.cached("UPDATE outbox SET state = 'pending', ambiguous = 1, next_attempt_at = ? "
                       "WHERE state = 'sending'");
    s->bind(1, now_ms);
    s->run();
    return db.changes();
}

std::int64_t outbox_depth(Database& db) {
    auto s = db.cached("SELECT COUNT(*) FROM outbox");
    s->step();
    return s->int64(0);
}

std::optional<std::int64_t> oldest_pending_created_at(Database& db) {
    auto s = db.cached("SELECT MIN(created_at) FROM outbox");
    if (!s->step() || s->is_null(0)) {
        return std::nullopt;
    }
    return s->int64(0);
}

void record_sent(Database& db, const Claim& claim, const std::string& sid, const std::string& status,
                 std::int64_t now_ms) {
    finish_outbox(db, claim);
    {
        auto s = db.cached(
            "UPDATE messages SET message_sid = ?, status = ?, sent_at = ?, updated_at = ? WHERE id = ?");
        s->bind(1, sid).bind(2, status.empty() ? "queued" : status).bind(3, now_ms).bind(4, now_ms);
        s->bind(5, claim.message.id);
        s->run();
    }
    // Callbacks that arrived before we knew the SID (Twilio can call back before its 201 reaches us).
    auto s = db.cached("SELECT status, error_code FROM status_events WHERE message_sid = ?");
    s->bind(1, sid);
    std::vector<std::pair<std::string, std::optional<int>>> early;
    while (s->step()) {
        early.emplace_back(s->text(0), s->is_null(1) ? std::nullopt : std::optional<int>(s->integer(1)));
    }
    for (const auto& [st, code] : early) {
        auto m = find_message(db, claim.message.id);
        if (m && status_rank(st) > status_rank(m->status)) {
            set_message_status(db, m->id, st, code, std::nullopt, now_ms);
        }
    }
}

void record_retry(Database& db, const Claim& claim, std::int64_t next_at_ms, const std::string& error,
                  bool ambiguous) {
    auto s = db.cached("UPDATE outbox SET state = 'pending', next_attempt_at = ?, last_error = ?, "
                       "ambiguous = ambiguous OR ? WHERE id = ?");
    s->bind(1, next_at_ms).bind(2, error).bind(3, ambiguous ? 1 : 0).bind(4, claim.outbox_id);
    s->run();
}

void record_failed(Database& db, const Claim& claim, const std::string& status, int error_code,
                   const std::string& error, std::int64_t now_ms) {
    finish_outbox(db, claim);
    set_message_status(db, claim.message.id, status,
                       error_code == 0 ? std::nullopt : std::optional<int>(error_code), error, now_ms);
}

void record_dry_run(Database& db, const Claim& claim, std::int64_t now_ms) {
    finish_outbox(db, claim);
    set_message_status(db, claim.message.id, "dry-run", std::nullopt, std::nullopt, now_ms);
}

int status_rank(std::string_view status) {
    if (status == "failed" || status == "undelivered" || status == "canceled") {
        return 100;
    }
    if (status == "read") {
        return 50;
    }
    if (status == "delivered" || status == "partially_delivered") {
        return 40;
    }
    if (status == "sent") {
        return 30;
    }
    if (status == "sending") {
        return 20;
    }
    if (status == "queued" || status == "accepted" || status == "scheduled") {
        return 10;
    }
    return 0; // pending and our own states: any Twilio status moves them on
}

bool apply_status(Database& db, const std::string& sid, const std::string& status,
                  std::optional<int> error_code, std::int64_t now_ms) {
    {
        auto s = db.cached("INSERT INTO status_events (message_sid, status, error_code, received_at) "
                           "VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING");
        s->bind(1, sid).bind(2, status).bind(3, error_code).bind(4, now_ms);
        s->run();
        if (db.changes() == 0) {
            return false;
        }
    }
    auto m = find_message_by_sid(db, sid);
    if (m && m->direction == "out" && status_rank(status) > status_rank(m->status)) {
        set_message_status(db, m->id, status, error_code, std::nullopt, now_ms);
    }
    return true;
}

std::optional<Message> find_message(Database& db, std::int64_t id) {
    static const std::string sql = fmt::format("SELECT {} FROM messages m WHERE m.id = ?", k_message_columns);
    auto s = db.cached(sql);
    s->bind(1, id);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_message(*s);
}

std::optional<Message> last_question(Database& db, std::int64_t business_rowid, const std::string& customer,
                                     std::int64_t before_id, std::int64_t since_ms) {
    static const std::string sql = fmt::format(
        "SELECT {} FROM messages m WHERE m.business_id = ?1 AND m.customer = ?2 AND m.direction = 'in' AND "
        "m.created_at >= ?3 AND m.kind = 'question' AND m.id < ?4 ORDER BY m.created_at DESC, m.id DESC "
        "LIMIT 1",
        k_message_columns);
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, customer).bind(3, since_ms).bind(4, before_id);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_message(*s);
}

std::optional<Message> find_message_by_sid(Database& db, std::string_view sid) {
    static const std::string sql =
        fmt::format("SELECT {} FROM messages m WHERE m.message_sid = ?", k_message_columns);
    auto s = db.cached(sql);
    s->bind(1, sid);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_message(*s);
}

bool message_sid_stored(Database& db, std::string_view sid) {
    auto s = db.cached("SELECT 1 FROM messages WHERE message_sid = ?");
    s->bind(1, sid);
    return s->step();
}

std::vector<Message> replies_to(Database& db, std::int64_t inbound_id) {
    static const std::string sql =
        fmt::format("SELECT {} FROM messages m WHERE m.reply_to = ? ORDER BY m.id", k_message_columns);
    auto s = db.cached(sql);
    s->bind(1, inbound_id);
    std::vector<Message> out;
    while (s->step()) {
        out.push_back(read_message(*s));
    }
    return out;
}

std::vector<Message> list_messages(Database& db, const LogFilter& f) {
    std::string sql = fmt::format("SELECT {} FROM messages m WHERE m.id > ?1", k_message_columns);
    if (f.business_rowid) {
        sql += " AND m.business_id = ?2";
    }
    if (f.customer) {
        sql += " AND m.customer = ?3";
    }
    if (f.since_ms) {
        sql += " AND m.created_at >= ?4";
    }
    sql += f.newest_first ? " ORDER BY m.id DESC" : " ORDER BY m.id";
    sql += " LIMIT ?5";
    auto s = db.cached(sql);
    s->bind(1, f.after_id).bind(2, f.business_rowid).bind(3, f.customer).bind(4, f.since_ms).bind(5, f.limit);
    std::vector<Message> out;
    while (s->step()) {
        out.push_back(read_message(*s));
    }
    return out;
}

std::int64_t last_message_id(Database& db) {
    auto s = db.cached("SELECT COALESCE(MAX(id), 0) FROM messages");
    s->step();
    return s->int64(0);
}

std::optional<std::string> message_sid_of(Database& db, std::int64_t message_id) {
    auto s = db.cached("SELECT message_sid FROM messages WHERE id = ?");
    s->bind(1, message_id);
    if (!s->step() || s->is_null(0)) {
        return std::nullopt;
    }
    return s->text(0);
}

} // namespace sbc::store
