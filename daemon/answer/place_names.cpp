#include "daemon/answer/place_names.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <array>

namespace sbc::answer {
namespace {

bool upper(char c) {
    return c >= 'A' && c <= 'Z';
}

bool letter(char c) {
    return upper(c) || (c >= 'a' && c <= 'z');
}

// Lower case, without apostrophes, as the normaliser writes a word ("Hove's" -> "hoves").
std::string lower(std::string_view word) {
    auto out = text::ascii_lower(word);
    std::erase(out, '\'');
    return out;
}

bool locative(std::string_view word) {
    static constexpr std::array<std::string_view, 5> k_words = {"in", "to", "near", "around", "from"};
    return std::find(k_words.begin(), k_words.end(), lower(word)) != k_words.end();
}

// Written like a place after "in" or "to", but a date: "in June", "to March", "in Easter week".
bool calendar(std::string_view word) {
    static constexpr std::array<std::string_view, 24> k_words = {
        "january",   "february", "march",    "april",    "may",  "june", "july", "august",
        "september", "october",  "november", "december", "jan",  "feb",  "mar",  "apr",
        "jun",       "jul",      "aug",      "sep",      "sept", "oct",  "nov",  "dec"};
    static constexpr std::array<std::string_view, 5> k_holidays = {"christmas", "easter", "xmas", "halloween",
                                                                   "ramadan"};
    auto w = lower(word);
    return std::find(k_words.begin(), k_words.end(), w) != k_words.end() ||
           std::find(k_holidays.begin(), k_holidays.end(), w) != k_holidays.end();
}

struct Token {
    std::string_view text;
    bool starts_sentence = false;
};

std::vector<Token> tokens(std::string_view text) {
    std::vector<Token> out;
    bool sentence_start = true;
    std::size_t i = 0;
    while (i < text.size()) {
        if (!letter(text[i])) {
            if (text[i] == '.' || text[i] == '!' || text[i] == '?') {
                sentence_start = true;
            }
            ++i;
            continue;
        }
        std::size_t start = i;
        while (i < text.size() && (letter(text[i]) || text[i] == '\'')) {
            ++i;
        }
        out.push_back({text.substr(start, i - start), sentence_start});
        sentence_start = false;
    }
    return out;
}

} // namespace

std::vector<std::string> place_words(std::string_view question) {
    std::vector<std::string> out;
    auto words = tokens(question);
    for (std::size_t i = 1; i < words.size(); ++i) {
        const auto& w = words[i];
        bool capitalised = upper(w.text[0]) && w.text.size() > 1 &&
                           std::any_of(w.text.begin() + 1, w.text.end(), [](char c) { return !upper(c); });
        if (capitalised && !w.starts_sentence && locative(words[i - 1].text) && !calendar(w.text)) {
            out.push_back(lower(w.text));
        }
    }
    return out;
}

} // namespace sbc::answer
