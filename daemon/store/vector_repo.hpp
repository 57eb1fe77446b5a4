#pragma once
// The embeddings of knowledge entries (table knowledge_vectors): what the embedder still has to compute for a
// model, writing a vector only while the entry still reads as it did when it was embedded, and the vectors a
// retrieval compares a question with.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::store {

// The text an entry is embedded from (its text and tags) and its hash, which a stored vector keeps so that a
// vector computed from an older text is recognisable.
std::string embedding_input(std::string_view text, std::string_view tags);
std::int64_t content_hash(std::string_view input);

struct PendingEmbedding {
    std::int64_t entry_rowid = 0;
    std::int64_t business_rowid = 0;
    std::string input; // embedding_input() of the entry as it stands
};

// Entries with no vector of `model` (never embedded, edited since, or embedded with another model), oldest
// first, at most `limit`.
std::vector<PendingEmbedding> pending_embeddings(Database& db, const std::string& model, int limit);

// Stores the vector of `entry_rowid` computed from an input whose hash is `hash`. False (nothing written)
// when the entry is gone or its text changed meanwhile: the next pass embeds the new text.
bool store_embedding(Database& db, std::int64_t entry_rowid, const std::string& model, std::int64_t hash,
                     const std::vector<float>& vector, std::int64_t now_ms);

struct StoredVector {
    std::int64_t entry_rowid = 0;
    std::vector<float> values;
};

// The business's vectors of `model` (at most `limit`, by entry number).
std::vector<StoredVector> business_vectors(Database& db, std::int64_t business_rowid,
                                           const std::string& model, std::int64_t limit);

// Vectors of `model` stored, and entries, across all businesses (status and tests).
struct EmbeddingCounts {
    std::int64_t embedded = 0;
    std::int64_t entries = 0;
};
EmbeddingCounts embedding_counts(Database& db, const std::string& model);

// Changes whenever any business's knowledge changes (the kb_versions the triggers bump): cheap to read, so
// the embedder looks for pending work only after it moved.
std::int64_t knowledge_generation(Database& db);

} // namespace sbc::store
