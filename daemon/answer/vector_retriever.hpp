#pragma once
// retrieve by embeddings: the business's entries ranked by the cosine between their stored vectors and the
// question's. Entries without a vector of the question's model (not embedded yet) are not candidates.

#include "daemon/answer/retriever.hpp"
#include "daemon/store/database.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace sbc::answer {

// Best first, at most `limit`; each candidate's confidence is its cosine clamped to 0..1. Reads only.
std::vector<Candidate> retrieve_by_vector(store::Database& db, std::int64_t business_rowid,
                                          const QueryVector& question, std::size_t limit);

// The cosine of two vectors; 0 when their sizes differ or either is zero.
double cosine(std::span<const float> a, std::span<const float> b);

} // namespace sbc::answer
