#pragma once
// Tolerance to small typos: "delivry", "resevation", "vouchr" still find their word.

#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

// Edits (insert, delete, substitute, swap two neighbours) that a word of this length may carry and still
// be taken for another: none under 4 letters ("cat" vs "car" are different words), 1 up to 6, 2 beyond.
int typo_budget(std::size_t length);

// The optimal-string-alignment distance between a and b, or max + 1 when it exceeds max (computed no
// further than needed).
int edit_distance(std::string_view a, std::string_view b, int max);

// The candidates nearest to `word` within its typo budget (all those at the smallest distance); empty when
// none is close enough or `word` is itself a candidate.
std::vector<std::string> nearest_words(std::string_view word, const std::vector<std::string>& candidates);

} // namespace sbc::answer
