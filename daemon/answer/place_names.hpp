#pragma once
// Place names in a question: "do you come to Shoreham", "do you work in Bradford". A customer asks whether
// the business serves their town, and the owner's entry names the towns it covers ("We cover Brighton and
// Hove, within 5 miles"), rarely the customer's. A word the business does not know, written where a place
// is, is taken for "area" (retriever.cpp).

#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

// The words of `question`, lower case, that are written as a place's name where a place is asked about:
// capitalised, not at the start of a sentence, right after "in", "to", "near", "around" or "from", and not
// a month or a holiday ("in June", "over Christmas"). Brands and people's names are capitalised too, but
// rarely after those words.
std::vector<std::string> place_words(std::string_view question);

} // namespace sbc::answer
