#pragma once
// A small curated customer-care lexicon: groups of words customers and owners use for the same thing
// ("voucher" / "gift card", "close" / "hours" / "tonight"). General to small businesses, not to one trade.

#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

// The stems (see normalise.hpp) that share a group with the stem `term`, without `term` itself; empty when
// the lexicon does not know it.
const std::vector<std::string>& lexicon_related(std::string_view term);

// Every stem the lexicon knows, sorted (what a typo may be corrected to).
const std::vector<std::string>& lexicon_terms();

} // namespace sbc::answer
