#pragma once
// Writing a document's passages as knowledge entries of a business, inside the caller's transaction: what
// the owner's upload and `sbcctl kb add --file` both end with, so both skip the same duplicates and leave
// the same audit event.

#include "daemon/store/database.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sbc::import {

struct Added {
    std::vector<store::Entry> entries; // the new ones, in document order
    std::int64_t unchanged = 0;        // passages the business already had word for word
};

// Inserts each passage the business does not already have, with `source` (cut to 100 characters) and `tags`,
// and records one "kb-import" event naming the document. SQLite failures throw DbError.
Added add_passages(store::Database& db, std::int64_t business_rowid, const std::string& business_id,
                   const std::vector<std::string>& passages, const std::string& source,
                   const std::string& actor, const std::string& tags = "");

} // namespace sbc::import
