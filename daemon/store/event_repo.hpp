#pragma once
// The audit log: who changed what, when. Written in the same transaction as the change it describes.

#include "daemon/store/database.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sbc::store {

// Records one change. `actor` is "sbcctl:uid=1000", "owner:+1555..." or "sbcd"; `details` holds before/after.
void record_event(Database& db, std::string_view actor, std::string_view action, std::string_view business,
                  const nlohmann::json& details);

std::int64_t count_events(Database& db);

} // namespace sbc::store
