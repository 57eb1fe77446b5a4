#pragma once
// Per-business synonyms taught by the owner: pairs of words the answerer treats as the same.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sbc::store {

struct Synonym {
    std::string word;
    std::string synonym;
    std::int64_t created_at = 0;
};

// Adds the pair; false when the business already has it (in either order).
bool add_synonym(Database& db, std::int64_t business_rowid, const std::string& word,
                 const std::string& synonym);
// Removes the pair (in either order); false when the business did not have it.
bool remove_synonym(Database& db, std::int64_t business_rowid, const std::string& word,
                    const std::string& synonym);
// The business's pairs in the order they were taught.
std::vector<Synonym> list_synonyms(Database& db, std::int64_t business_rowid);

} // namespace sbc::store
