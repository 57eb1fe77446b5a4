#pragma once
// retrieve: the entries of one business that may answer a question, ranked, each with a confidence. The
// seam between finding and phrasing: compose (answerer.hpp) turns the best candidate into the reply, and
// other retrievers (embeddings, hybrid) return the same Candidate list.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

enum class Mode {
    fts,        // FTS5 (porter) per question word, weighted by rarity: the answerer before the lexicon
    builtin,    // normalised words, curated lexicon, the owner's synonyms and typo tolerance (the default)
    embeddings, // cosine between the question's embedding and the entries' (vector_retriever.hpp)
    hybrid,     // builtin and embeddings fused by reciprocal rank (rank_fusion.hpp)
};

const char* mode_name(Mode mode);
// "fts", "builtin", "embeddings", "hybrid"; nullopt for anything else.
std::optional<Mode> parse_mode(std::string_view name);

// The question's embedding, for the modes that use one; which model made it selects the entries' vectors.
struct QueryVector {
    std::string model;
    std::vector<float> values;
};

struct Candidate {
    std::int64_t rowid = 0; // knowledge.id
    double confidence = 0;  // 0..1: the share of the question's weight the entry covers
};

// Best first, at most `limit`; empty when nothing of the question matches any entry. Reads only; SQLite
// errors throw DbError. The embeddings and hybrid modes use `vector`; without one they are builtin.
std::vector<Candidate> retrieve(store::Database& db, std::int64_t business_rowid, std::string_view question,
                                Mode mode = Mode::builtin, std::size_t limit = 5,
                                const QueryVector* vector = nullptr);

// A business with more entries than this is searched through its first k_max_scanned (by number) in builtin
// mode: the scan stays bounded whatever an import brings.
inline constexpr std::int64_t k_max_scanned = 5000;

} // namespace sbc::answer
