#pragma once
// What an owner may teach as a synonym pair (!synonym, sbcctl kb synonym add): two single words, checked
// and lower-cased the same way from WhatsApp and from sbcctl.

#include "common/result.hpp"

#include <string>
#include <string_view>

namespace sbc::answer {

struct SynonymPair {
    std::string word;
    std::string synonym;
};

inline constexpr std::size_t k_max_synonym_chars = 40;

// The pair lower-cased; an error that says what to send instead when either is not one word of letters or
// digits (hyphens allowed, at most 40 characters), is a word like "the" that the answerer ignores, or both
// are the same.
Result<SynonymPair> check_synonym_pair(std::string_view word, std::string_view synonym);

} // namespace sbc::answer
