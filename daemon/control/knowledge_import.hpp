#pragma once
// Checking a list of knowledge entries from a request, shared by kb-import and onboard
// (knowledge_commands.cpp defines it); kb-add's document variant and the attachment helpers kb-list and
// kb-remove use (knowledge_file_commands.cpp).

#include "daemon/control/arguments.hpp"
#include "daemon/control/command.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <nlohmann/json.hpp>
#include <vector>

namespace sbc::control {

// Each item an object with "text" and optional "tags" and "source"; throws CommandError (invalid) naming
// the first bad item as entries[i].
std::vector<store::Entry> checked_import(const nlohmann::json& entries);

// kb-add with "document" (base64) and "name" (whose extension gives the kind: .txt, .md, .csv, .pdf): the
// document's passages become entries, as an owner's upload does. The response lists the entries added.
Response kb_add_document(Context& ctx, Arguments& args, const std::string& business,
                         const std::string& document);

// Adds "attachment" (content type, bytes, public path) to each of `json`, the views of `entries` in the same
// order, whose entry has one.
void add_attachments(store::Database& db, const store::Business& business,
                     const std::vector<store::Entry>& entries, nlohmann::json& json);

} // namespace sbc::control
