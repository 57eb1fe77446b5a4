#include "daemon/store/usage_repo.hpp"

namespace sbc::store {

std::vector<Usage> usage_by_business(Database& db, std::int64_t from_ms, std::int64_t to_ms,
                                     const std::optional<std::string>& business) {
    auto s = db.cached(R"sql(
SELECT b.slug, b.name,
    (SELECT COUNT(*) FROM messages m WHERE m.business_id = b.id AND m.direction = 'in'
        AND m.message_sid NOT LIKE 'SMtest%'
        AND m.created_at >= ?1 AND m.created_at < ?2),
    (SELECT COUNT(*) FROM messages m WHERE m.business_id = b.id AND m.direction = 'out'
        AND m.message_sid IS NOT NULL AND m.created_at >= ?1 AND m.created_at < ?2),
    (SELECT COALESCE(SUM(u.prompt_tokens + u.completion_tokens), 0) FROM llm_usage u
        WHERE u.business_id = b.id AND u.created_at >= ?1 AND u.created_at < ?2)
FROM businesses b WHERE ?3 IS NULL OR b.slug = ?3 ORDER BY b.slug)sql");
    s->bind(1, from_ms).bind(2, to_ms).bind(3, business);
    std::vector<Usage> out;
    while (s->step()) {
        out.push_back({s->text(0), s->text(1), s->int64(2), s->int64(3), s->int64(4)});
    }
    return out;
}

void record_llm_usage(Database& db, std::int64_t business_rowid, std::int64_t message_id,
                      const std::string& model, std::int64_t prompt_tokens, std::int64_t completion_tokens,
                      std::int64_t at_ms) {
    auto s =
        db.cached("INSERT INTO llm_usage(business_id, message_id, model, prompt_tokens, completion_tokens, "
                  "created_at) VALUES (?, ?, ?, ?, ?, ?)");
    s->bind(1, business_rowid).bind(2, message_id).bind(3, model).bind(4, prompt_tokens);
    s->bind(5, completion_tokens).bind(6, at_ms);
    s->run();
}

} // namespace sbc::store
