#pragma once
// Reciprocal rank fusion: several rankings of the same entries made one, each entry scoring the sum of
// 1 / (k + rank) over the rankings that hold it. Ranks, not scores, are combined, so lexical confidences and
// cosines need no common scale.

#include "daemon/answer/retriever.hpp"

#include <vector>

namespace sbc::answer {

// The usual constant (Cormack et al., 2009): it damps the weight of the very first ranks.
inline constexpr double k_rrf_k = 60;
// How deep each ranking is read before fusing.
inline constexpr std::size_t k_fusion_depth = 20;

// Best first, at most `limit`. A fused candidate's confidence is the highest any ranking gave it; ties of the
// fused score go to the higher confidence, then to the older entry (smaller rowid).
std::vector<Candidate> fuse_by_rank(const std::vector<std::vector<Candidate>>& rankings, std::size_t limit);

} // namespace sbc::answer
