#include "daemon/store/usage_repo.hpp"

namespace sbc::store {

void record_call(Database& db, const ProviderCall& call) {
    auto s = db.cached("INSERT INTO llm_usage(business_id, message_id, model, kind, failed, prompt_tokens, "
                       "completion_tokens, cost_usd, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    s->bind(1, call.business_rowid).bind(2, call.message_id).bind(3, call.model);
    s->bind(4, call.kind == CallKind::embedding ? "embedding" : "chat").bind(5, call.failed ? 1 : 0);
    s->bind(6, call.prompt_tokens).bind(7, call.completion_tokens).bind(8, call.cost_usd).bind(9, call.at_ms);
    s->run();
}

ProviderUsage provider_usage(Database& db, std::int64_t business_rowid) {
    auto s =
        db.cached("SELECT kind, SUM(failed = 0), SUM(failed), SUM(prompt_tokens), SUM(completion_tokens), "
                  "SUM(cost_usd) FROM llm_usage WHERE business_id = ? GROUP BY kind");
    s->bind(1, business_rowid);
    ProviderUsage out;
    while (s->step()) {
        CallTotals& t = s->text(0) == "embedding" ? out.embedding : out.chat;
        t = CallTotals{s->int64(1), s->int64(2), s->int64(3), s->int64(4), s->real(5)};
    }
    return out;
}

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
        WHERE u.business_id = b.id AND u.kind = 'chat' AND u.created_at >= ?1 AND u.created_at < ?2),
    (SELECT COALESCE(SUM(u.prompt_tokens + u.completion_tokens), 0) FROM llm_usage u
        WHERE u.business_id = b.id AND u.kind = 'embedding' AND u.created_at >= ?1 AND u.created_at < ?2)
FROM businesses b WHERE ?3 IS NULL OR b.slug = ?3 ORDER BY b.slug)sql");
    s->bind(1, from_ms).bind(2, to_ms).bind(3, business);
    std::vector<Usage> out;
    while (s->step()) {
        out.push_back({s->text(0), s->text(1), s->int64(2), s->int64(3), s->int64(4), s->int64(5)});
    }
    return out;
}

} // namespace sbc::store
