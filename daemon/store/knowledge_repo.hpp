#pragma once
// Knowledge entries of a business, and full-text search over them (FTS5, BM25).

#include "daemon/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

// The most characters (UTF-8 code points) an entry's text holds, however it comes: sbcctl kb add, an
// owner's !add, an imported passage.
inline constexpr std::size_t k_max_entry_chars = 4000;

struct Entry {
    std::int64_t rowid = 0;
    std::int64_t business_rowid = 0;
    std::int64_t number = 0; // per business, what owners and sbcctl see
    std::string text;
    std::string tags;
    std::string source;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

struct Hit {
    Entry entry;
    double score = 0; // BM25, higher is better
};

// Inserts with the next free number of the business; fills rowid, number and timestamps.
void insert_entry(Database& db, Entry& entry);
std::optional<Entry> find_entry(Database& db, std::int64_t business_rowid, std::int64_t number);
std::optional<Entry> find_entry_by_rowid(Database& db, std::int64_t rowid);
// True when the business already has an entry with exactly this text (import skips it).
bool has_entry_text(Database& db, std::int64_t business_rowid, std::string_view text);
// The business's entry with exactly this text, if any.
std::optional<Entry> find_entry_by_text(Database& db, std::int64_t business_rowid, std::string_view text);
// Entries ordered by number.
std::vector<Entry> list_entries(Database& db, std::int64_t business_rowid, std::int64_t limit,
                                std::int64_t offset);
std::vector<Entry> entries_after(Database& db, std::int64_t business_rowid, std::int64_t after,
                                 std::int64_t limit);
std::int64_t count_entries(Database& db, std::int64_t business_rowid);
std::int64_t count_all_entries(Database& db);
void update_entry_text(Database& db, Entry& entry);
void delete_entry(Database& db, std::int64_t rowid);

// The best `limit` entries of a business for the terms (any term may match; BM25 ranks), best first.
// Terms are plain words; they are quoted here, so no FTS5 syntax from a user reaches MATCH.
// Rowids of up to `limit` entries of the business whose text or tags contain the term (after stemming).
std::vector<std::int64_t> entries_matching(Database& db, std::int64_t business_rowid, std::string_view term,
                                           int limit);

std::vector<Hit> search_entries(Database& db, std::int64_t business_rowid,
                                const std::vector<std::string>& terms, int limit);

} // namespace sbc::store
