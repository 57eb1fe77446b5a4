#include "daemon/control/views.hpp"

#include "common/time_format.hpp"

namespace sbc::control {

nlohmann::json business_json(const store::Business& b, std::int64_t knowledge_count) {
    return {
        {"id", b.id},
        {"name", b.name},
        {"number", b.number},
        {"owner", b.owner},
        {"shared", b.shared},
        {"paused", b.paused},
        {"greeting", b.greeting},
        {"hours", b.hours},
        {"timezone", b.timezone},
        {"fallback", b.fallback},
        {"knowledge_count", knowledge_count},
        {"created_at", time_format::iso8601(b.created_at)},
        {"updated_at", time_format::iso8601(b.updated_at)},
    };
}

nlohmann::json entry_json(const store::Entry& e, std::string_view business_id) {
    return {
        {"number", e.number},
        {"business", business_id},
        {"text", e.text},
        {"tags", e.tags},
        {"source", e.source},
        {"created_at", time_format::iso8601(e.created_at)},
        {"updated_at", time_format::iso8601(e.updated_at)},
    };
}

namespace {
template <typename T>
nlohmann::json or_null(const std::optional<T>& value) {
    return value ? nlohmann::json(*value) : nlohmann::json(nullptr);
}
} // namespace

nlohmann::json message_json(const store::Message& m, std::string_view business_id) {
    return {
        {"id", m.id},
        {"business", business_id.empty() ? nlohmann::json(nullptr) : nlohmann::json(business_id)},
        {"direction", m.direction},
        {"sid", or_null(m.message_sid)},
        {"customer", m.customer},
        {"our_number", m.our_number},
        {"body", m.body},
        {"kind", m.kind},
        {"status", m.status},
        {"error_code", or_null(m.error_code)},
        {"error_message", or_null(m.error_message)},
        {"reply_to", or_null(m.reply_to)},
        {"entry", or_null(m.entry_number)},
        {"score", or_null(m.score)},
        {"attempts", m.attempts},
        {"ambiguous", m.ambiguous},
        {"created_at", time_format::iso8601_ms(m.created_at)},
        {"sent_at",
         m.sent_at ? nlohmann::json(time_format::iso8601_ms(*m.sent_at)) : nlohmann::json(nullptr)},
    };
}

} // namespace sbc::control
