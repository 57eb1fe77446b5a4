#include "daemon/store/event_repo.hpp"

#include "common/time_format.hpp"

namespace sbc::store {

void record_event(Database& db, std::string_view actor, std::string_view action, std::string_view business,
                  const nlohmann::json& details) {
    auto s = db.cached("INSERT INTO events (at, actor, action, business, details) VALUES (?, ?, ?, ?, ?)");
    s->bind(1, time_format::now_ms()).bind(2, actor).bind(3, action);
    if (business.empty()) {
        s->bind_null(4);
    } else {
        s->bind(4, business);
    }
    s->bind(5, details.dump());
    s->run();
}

std::int64_t count_events(Database& db) {
    auto s = db.cached("SELECT COUNT(*) FROM events");
    s->step();
    return s->int64(0);
}

} // namespace sbc::store
