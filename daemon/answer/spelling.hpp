#pragma once
// One spelling for words British and American English spell differently ("colour"/"color",
// "organise"/"organize", "centre"/"center", "tyre"/"tire", "cancelled"/"canceled"), so that an owner in one
// and a customer in the other meet. Applied to each lower-case word before stemming (normalise.cpp).

#include <string>
#include <string_view>

namespace sbc::answer {

// The American spelling of a lower-case word when it has a British one this knows (for "enrol" the British),
// else the word as given.
// Rules for the regular families (-ise/-ize, -yse/-yze, -our/-or, -re/-er, -ll-/-l-, -ogue/-og) and a short
// list of single words; words the rules would break ("size", "four", "acre", "fill") are left alone.
std::string american_spelling(std::string_view word);

} // namespace sbc::answer
