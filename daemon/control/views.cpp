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

} // namespace sbc::control
