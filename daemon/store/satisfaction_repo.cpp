#include "daemon/store/satisfaction_repo.hpp"

namespace sbc::store {

bool survey_enabled(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT enabled FROM business_surveys WHERE business_id = ?");
    s->bind(1, business_rowid);
    return s->step() && s->integer(0) != 0;
}

void set_survey_enabled(Database& db, std::int64_t business_rowid, bool enabled) {
    auto s = db.cached("INSERT INTO business_surveys(business_id, enabled) VALUES (?, ?) "
                       "ON CONFLICT(business_id) DO UPDATE SET enabled = excluded.enabled");
    s->bind(1, business_rowid).bind(2, enabled ? 1 : 0);
    s->run();
}

void note_question(Database& db, std::int64_t business_rowid, std::string_view phone, std::int64_t now_ms) {
    auto s = db.cached("UPDATE customers SET last_question_at = ?, survey_pending = 0 "
                       "WHERE business_id = ? AND phone = ?");
    s->bind(1, now_ms).bind(2, business_rowid).bind(3, phone);
    s->run();
}

std::vector<DueSurvey> due_surveys(Database& db, std::int64_t now_ms, std::int64_t quiet_ms,
                                   std::int64_t window_ms, std::int64_t margin_ms, int limit) {
    // The range on last_question_at (an index) keeps this to the last day's conversations.
    auto s = db.cached(
        "SELECT c.business_id, c.phone, b.whatsapp_number FROM customers c "
        "JOIN business_surveys v ON v.business_id = c.business_id AND v.enabled = 1 "
        "JOIN businesses b ON b.id = c.business_id AND b.paused = 0 "
        "WHERE c.last_question_at IS NOT NULL AND c.last_question_at > ?1 AND c.last_question_at <= ?2 "
        "AND c.last_inbound_at <= ?2 AND c.last_inbound_at > ?1 AND c.opted_out = 0 "
        "AND c.survey_pending = 0 AND (c.survey_asked_at IS NULL OR c.survey_asked_at < c.last_question_at) "
        "AND c.phone <> b.owner_phone "
        "AND NOT EXISTS (SELECT 1 FROM handoffs h WHERE h.business_id = c.business_id "
        "AND h.customer = c.phone AND h.state = 'open') "
        "ORDER BY c.last_question_at LIMIT ?3");
    s->bind(1, now_ms - window_ms + margin_ms).bind(2, now_ms - quiet_ms).bind(3, limit);
    std::vector<DueSurvey> out;
    while (s->step()) {
        out.push_back({s->int64(0), s->text(1), s->text(2)});
    }
    return out;
}

void mark_survey_asked(Database& db, std::int64_t business_rowid, std::string_view phone,
                       std::int64_t now_ms) {
    auto s = db.cached("UPDATE customers SET survey_asked_at = ?, survey_pending = 1 "
                       "WHERE business_id = ? AND phone = ?");
    s->bind(1, now_ms).bind(2, business_rowid).bind(3, phone);
    s->run();
}

std::optional<std::int64_t> pending_survey(Database& db, std::int64_t business_rowid,
                                           std::string_view phone) {
    auto s = db.cached("SELECT survey_asked_at FROM customers WHERE business_id = ? AND phone = ? "
                       "AND survey_pending = 1 AND survey_asked_at IS NOT NULL");
    s->bind(1, business_rowid).bind(2, phone);
    if (!s->step()) {
        return std::nullopt;
    }
    return s->int64(0);
}

void record_rating(Database& db, std::int64_t business_rowid, std::string_view phone, int rating,
                   std::optional<std::int64_t> message_id, std::int64_t asked_at_ms, std::int64_t now_ms) {
    auto s = db.cached("INSERT INTO ratings(business_id, customer, rating, message_id, asked_at, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?)");
    s->bind(1, business_rowid).bind(2, phone).bind(3, rating).bind(4, message_id).bind(5, asked_at_ms);
    s->bind(6, now_ms);
    s->run();
    auto close = db.cached("UPDATE customers SET survey_pending = 0 WHERE business_id = ? AND phone = ?");
    close->bind(1, business_rowid).bind(2, phone);
    close->run();
}

Satisfaction satisfaction(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT COUNT(*), AVG(rating) FROM ratings WHERE business_id = ?");
    s->bind(1, business_rowid);
    s->step();
    Satisfaction out;
    out.ratings = s->int64(0);
    if (!s->is_null(1)) {
        out.average = s->real(1);
    }
    return out;
}

} // namespace sbc::store
