#include "daemon/store/stats_repo.hpp"

#include "daemon/store/knowledge_repo.hpp"

#include <algorithm>
#include <numeric>

namespace sbc::store {
namespace {

std::int64_t count(Database& db, const char* sql, std::int64_t business_rowid) {
    auto s = db.prepare(sql);
    s.bind(1, business_rowid);
    s.step();
    return s.int64(0);
}

} // namespace

BusinessStats business_stats(Database& db, std::int64_t b) {
    BusinessStats st;
    st.queries = count(db,
                       "SELECT COUNT(*) FROM messages WHERE business_id = ? AND direction = 'in' "
                       "AND kind = 'question'",
                       b);
    st.answered = count(db,
                        "SELECT COUNT(*) FROM messages WHERE business_id = ? AND direction = 'out' "
                        "AND kind IN ('answer', 'llm-answer', 'greeting', 'hours')",
                        b);
    st.unanswered = count(db, "SELECT COUNT(*) FROM unanswered WHERE business_id = ?", b);
    st.knowledge = count_entries(db, b);
    st.sent = count(db,
                    "SELECT COUNT(*) FROM messages WHERE business_id = ? AND direction = 'out' "
                    "AND status IN ('queued', 'accepted', 'sending', 'sent', 'delivered', 'read', "
                    "'partially_delivered')",
                    b);
    st.failed = count(db,
                      "SELECT COUNT(*) FROM messages WHERE business_id = ? AND direction = 'out' "
                      "AND status IN ('failed', 'undelivered', 'dead', 'refused')",
                      b);
    st.pending = count(db,
                       "SELECT COUNT(*) FROM messages WHERE business_id = ? AND direction = 'out' "
                       "AND status = 'pending'",
                       b);
    auto s =
        db.prepare("SELECT o.sent_at - i.created_at FROM messages o JOIN messages i ON i.id = o.reply_to "
                   "WHERE o.business_id = ? AND o.direction = 'out' AND o.sent_at IS NOT NULL "
                   "ORDER BY o.id DESC LIMIT 1000");
    s.bind(1, b);
    std::vector<double> times;
    while (s.step()) {
        times.push_back(static_cast<double>(s.int64(0)));
    }
    if (!times.empty()) {
        st.avg_response_ms =
            std::accumulate(times.begin(), times.end(), 0.0) / static_cast<double>(times.size());
        std::sort(times.begin(), times.end());
        st.p95_response_ms = times[std::min(times.size() - 1, (times.size() * 95) / 100)];
    }
    auto q = db.prepare("SELECT question FROM unanswered WHERE business_id = ? ORDER BY id DESC LIMIT 5");
    q.bind(1, b);
    while (q.step()) {
        st.recent_unanswered.push_back(q.text(0));
    }
    return st;
}

void record_unanswered(Database& db, std::int64_t business_rowid, std::string_view customer,
                       std::string_view question, std::int64_t message_id, std::int64_t now_ms) {
    auto s = db.cached("INSERT INTO unanswered (business_id, customer, question, message_id, created_at) "
                       "VALUES (?, ?, ?, ?, ?)");
    s->bind(1, business_rowid).bind(2, customer).bind(3, question).bind(4, message_id).bind(5, now_ms);
    s->run();
}

} // namespace sbc::store
