#pragma once
// How stored things look in control responses (docs/control-protocol.md, "Shapes").

#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/message_repo.hpp"

#include <nlohmann/json.hpp>

namespace sbc::control {

nlohmann::json business_json(const store::Business& business, std::int64_t knowledge_count);
nlohmann::json entry_json(const store::Entry& entry, std::string_view business_id);
nlohmann::json message_json(const store::Message& message, std::string_view business_id);

} // namespace sbc::control
