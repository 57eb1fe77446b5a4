#include "daemon/store/ai_repo.hpp"

#include <algorithm>

namespace sbc::store {

AiSettings ai_settings(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT llm, tone FROM business_ai WHERE business_id = ?");
    s->bind(1, business_rowid);
    AiSettings out;
    if (s->step()) {
        out.llm = s->integer(0) != 0;
        out.tone = s->text(1);
    }
    return out;
}

void set_ai_settings(Database& db, std::int64_t business_rowid, const AiSettings& settings) {
    auto s = db.cached("INSERT INTO business_ai(business_id, llm, tone) VALUES (?, ?, ?) "
                       "ON CONFLICT(business_id) DO UPDATE SET llm = excluded.llm, tone = excluded.tone");
    s->bind(1, business_rowid).bind(2, settings.llm ? 1 : 0).bind(3, settings.tone);
    s->run();
}

std::int64_t insert_answer_job(Database& db, std::int64_t message_id, std::int64_t business_rowid,
                               std::int64_t now_ms) {
    auto s = db.cached("INSERT INTO answer_jobs(message_id, business_id, created_at) VALUES (?, ?, ?)");
    s->bind(1, message_id).bind(2, business_rowid).bind(3, now_ms);
    s->run();
    return db.last_insert_id();
}

namespace {
AnswerJob read_job(Statement& s) {
    return AnswerJob{s.int64(0), s.int64(1), s.int64(2), s.int64(3), s.text(4)};
}

constexpr const char* k_select_job = "SELECT j.id, j.message_id, j.business_id, j.created_at, m.customer "
                                     "FROM answer_jobs j JOIN messages m ON m.id = j.message_id ";

// How many of a customer's latest inbound messages answer_job_waiting looks at. A question of theirs waiting
// for its answer is among them: each later question was queued behind it, and other messages (owner
// commands, ratings, media) are few in between.
constexpr int k_recent_questions = 8;
} // namespace

std::optional<AnswerJob> find_answer_job(Database& db, std::int64_t id) {
    auto s = db.cached(std::string(k_select_job) + "WHERE j.id = ?");
    s->bind(1, id);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_job(*s);
}

std::vector<AnswerJob> list_answer_jobs(Database& db) {
    auto s = db.cached(std::string(k_select_job) + "ORDER BY j.id");
    std::vector<AnswerJob> out;
    while (s->step()) {
        out.push_back(read_job(*s));
    }
    return out;
}

bool answer_job_waiting(Database& db, std::int64_t business_rowid, const std::string& customer) {
    // Through messages_by_customer, so that the cost does not grow with the jobs a burst left.
    auto s =
        db.cached("SELECT EXISTS (SELECT 1 FROM answer_jobs WHERE message_id IN (SELECT id FROM messages "
                  "WHERE business_id = ? AND customer = ? AND direction = 'in' "
                  "ORDER BY created_at DESC LIMIT ?))");
    s->bind(1, business_rowid).bind(2, customer).bind(3, k_recent_questions);
    return s->step() && s->integer(0) != 0;
}

bool delete_answer_job(Database& db, std::int64_t id) {
    auto s = db.cached("DELETE FROM answer_jobs WHERE id = ?");
    s->bind(1, id);
    s->run();
    return db.changes() > 0;
}

std::int64_t kb_version(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT version FROM kb_versions WHERE business_id = ?");
    s->bind(1, business_rowid);
    return s->step() ? s->int64(0) : 0;
}

std::vector<Turn> recent_turns(Database& db, std::int64_t business_rowid, const std::string& customer,
                               std::int64_t before_id, int limit) {
    // Only what was said: questions and the answers sent, not menus, notices or owner traffic.
    auto s =
        db.cached("SELECT direction, body FROM messages WHERE business_id = ?1 AND customer = ?2 AND "
                  "(id < ?3 OR (direction = 'out' AND reply_to < ?3)) AND kind IN ('question', 'answer', "
                  "'llm-answer', 'fallback', 'greeting', 'hours', 'manual') ORDER BY id DESC LIMIT ?4");
    s->bind(1, business_rowid).bind(2, customer).bind(3, before_id).bind(4, limit);
    std::vector<Turn> out;
    while (s->step()) {
        out.push_back(Turn{s->text(0) == "in", s->text(1)});
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::int64_t open_handoff(Database& db, std::int64_t business_rowid, const std::string& customer,
                          const std::string& question, std::optional<std::int64_t> message_id,
                          std::int64_t now_ms) {
    // The lowest number no open hand-off of this business holds, so the owner types small numbers.
    auto free =
        db.cached("SELECT COALESCE((SELECT MIN(h.number + 1) FROM handoffs h WHERE h.business_id = ?1 "
                  "AND h.state = 'open' AND NOT EXISTS (SELECT 1 FROM handoffs o WHERE o.business_id "
                  "= ?1 AND o.state = 'open' AND o.number = h.number + 1)), 1), "
                  "EXISTS (SELECT 1 FROM handoffs WHERE business_id = ?1 AND state = 'open' AND "
                  "number = 1)");
    free->bind(1, business_rowid);
    free->step();
    std::int64_t number = free->integer(1) != 0 ? free->int64(0) : 1;
    auto s =
        db.cached("INSERT INTO handoffs(business_id, number, customer, question, message_id, created_at) "
                  "VALUES (?, ?, ?, ?, ?, ?)");
    s->bind(1, business_rowid).bind(2, number).bind(3, customer).bind(4, question).bind(5, message_id);
    s->bind(6, now_ms);
    s->run();
    return number;
}

namespace {
constexpr const char* k_handoff_select =
    "SELECT h.id, h.business_id, b.slug, h.number, h.customer, h.question, h.created_at FROM handoffs h "
    "JOIN businesses b ON b.id = h.business_id WHERE h.state = 'open' ";

Handoff read_handoff(Statement& s) {
    return Handoff{s.int64(0), s.int64(1), s.text(2), s.int64(3), s.text(4), s.text(5), s.int64(6)};
}
} // namespace

std::optional<Handoff> find_open_handoff(Database& db, std::int64_t business_rowid, std::int64_t number) {
    static const std::string sql = std::string(k_handoff_select) + "AND h.business_id = ? AND h.number = ?";
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, number);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_handoff(*s);
}

void close_handoff(Database& db, std::int64_t id, std::int64_t now_ms) {
    auto s = db.cached("UPDATE handoffs SET state = 'closed', closed_at = ? WHERE id = ?");
    s->bind(1, now_ms).bind(2, id);
    s->run();
}

std::vector<Handoff> list_open_handoffs(Database& db, std::optional<std::int64_t> business_rowid) {
    static const std::string sql =
        std::string(k_handoff_select) + "AND (?1 IS NULL OR h.business_id = ?1) ORDER BY h.id";
    auto s = db.cached(sql);
    s->bind(1, business_rowid);
    std::vector<Handoff> out;
    while (s->step()) {
        out.push_back(read_handoff(*s));
    }
    return out;
}

} // namespace sbc::store
