#include "daemon/answer/query_terms.hpp"

#include <algorithm>
#include <array>

namespace sbc::answer {
namespace {

// Sorted for binary search. Kept short on purpose: words like "open", "close" or "near" carry meaning here.
constexpr std::array<std::string_view, 96> k_stop_words = {
    "a",     "about", "am",    "an",     "and",   "any",  "are",    "as",   "at",   "be",     "been",
    "but",   "by",    "can",   "could",  "did",   "do",   "does",   "for",  "from", "had",    "has",
    "have",  "he",    "hello", "her",    "hey",   "hi",   "his",    "how",  "i",    "if",     "im",
    "in",    "into",  "is",    "it",     "its",   "just", "know",   "let",  "like", "may",    "me",
    "might", "my",    "of",    "on",     "or",    "our",  "please", "s",    "she",  "should", "so",
    "some",  "tell",  "thank", "thanks", "that",  "the",  "their",  "them", "then", "there",  "these",
    "they",  "this",  "those", "to",     "u",     "up",   "us",     "want", "was",  "we",     "were",
    "what",  "whats", "when",  "where",  "which", "who",  "why",    "will", "with", "would",  "ya",
    "yes",   "you",   "your",  "yours",  "youre", "hm",   "ok",     "okay",
};

bool word_byte(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

} // namespace

bool is_stop_word(std::string_view word) {
    static const auto sorted = [] {
        auto copy = k_stop_words;
        std::sort(copy.begin(), copy.end());
        return copy;
    }();
    return std::binary_search(sorted.begin(), sorted.end(), word);
}

std::vector<std::string> query_terms(std::string_view text) {
    std::vector<std::string> terms;
    std::string word;
    auto flush = [&] {
        if (!word.empty() && !is_stop_word(word) &&
            std::find(terms.begin(), terms.end(), word) == terms.end()) {
            terms.push_back(word);
        }
        word.clear();
    };
    for (char raw : text) {
        auto c = static_cast<unsigned char>(raw);
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<unsigned char>(c - 'A' + 'a');
        }
        if (word_byte(c)) {
            word.push_back(static_cast<char>(c));
        } else if (c != '\'') {
            flush();
        }
    }
    flush();
    return terms;
}

} // namespace sbc::answer
