#pragma once
// One normal form for the words of questions and of entries, so that they meet: lower-cased, a few
// irregular forms mapped ("children" -> "child"), fixed phrases joined ("gift card" -> "giftcard",
// "6 year old" -> "child") and a light suffix stripping that, unlike FTS5's porter, joins the noun to the
// verb ("delivery", "deliveries", "delivered" -> "deliver"; "reservation", "reserve" -> "reserv").

#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

// The stem of one lower-case word. Not idempotent (stem("closing") is "clos", stem("clos") "clo"): apply it
// to words as written, once.
std::string stem(std::string_view word);

struct Word {
    std::string term;    // the normal form
    std::string surface; // the word as written, lower case; empty for a joined phrase, a time or an age
};

// The normalised words of a text, in order, stop words dropped, duplicates kept.
std::vector<Word> normalised_words(std::string_view text);

// The normalised terms of a text, in order, stop words dropped, duplicates kept.
std::vector<std::string> normalised_terms(std::string_view text);

} // namespace sbc::answer
