#include "daemon/answer/synonym_words.hpp"

#include "common/text.hpp"
#include "daemon/answer/normalise.hpp"
#include "daemon/answer/query_terms.hpp"

#include <fmt/format.h>
#include <optional>

namespace sbc::answer {
namespace {

std::optional<std::string> one_word(std::string_view raw, std::string& out) {
    std::string_view w = text::trim(raw);
    if (w.empty()) {
        return std::string("a word is missing");
    }
    if (text::utf8_length(w) > k_max_synonym_chars) {
        return fmt::format("\"{}\" is longer than {} characters", w.substr(0, 20), k_max_synonym_chars);
    }
    out.clear();
    for (char raw_c : w) {
        auto c = static_cast<unsigned char>(raw_c);
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<unsigned char>(c - 'A' + 'a');
        }
        bool letter = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80 || c == '-';
        if (!letter) {
            return fmt::format("\"{}\" is not a single word (letters, digits or '-')", w);
        }
        out.push_back(static_cast<char>(c));
    }
    if (normalised_terms(out).empty()) {
        return fmt::format("\"{}\" is a word the answerer ignores", out);
    }
    return std::nullopt;
}

} // namespace

Result<SynonymPair> check_synonym_pair(std::string_view word, std::string_view synonym) {
    SynonymPair pair;
    if (auto problem = one_word(word, pair.word)) {
        return Error{2, *problem};
    }
    if (auto problem = one_word(synonym, pair.synonym)) {
        return Error{2, *problem};
    }
    if (pair.word == pair.synonym) {
        return Error{2, fmt::format("both words are \"{}\"", pair.word)};
    }
    return pair;
}

} // namespace sbc::answer
