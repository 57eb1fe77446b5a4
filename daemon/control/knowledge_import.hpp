#pragma once
// Checking a list of knowledge entries from a request, shared by kb-import and onboard
// (knowledge_commands.cpp defines it).

#include "daemon/store/knowledge_repo.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace sbc::control {

// Each item an object with "text" and optional "tags" and "source"; throws CommandError (invalid) naming
// the first bad item as entries[i].
std::vector<store::Entry> checked_import(const nlohmann::json& entries);

} // namespace sbc::control
