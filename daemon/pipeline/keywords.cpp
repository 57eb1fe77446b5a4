#include "daemon/pipeline/keywords.hpp"

#include "common/text.hpp"

#include <array>
#include <string>

namespace sbc::pipeline {

std::optional<Keyword> detect_keyword(std::string_view body) {
    static constexpr std::array<std::string_view, 7> k_stop = {"stop", "stopall", "unsubscribe", "cancel",
                                                               "end",  "quit",    "optout"};
    static constexpr std::array<std::string_view, 4> k_start = {"start", "unstop", "subscribe", "optin"};
    std::string_view trimmed = text::trim(body);
    while (!trimmed.empty() && (trimmed.back() == '.' || trimmed.back() == '!')) {
        trimmed.remove_suffix(1);
    }
    if (trimmed.size() > 16) {
        return std::nullopt;
    }
    std::string word;
    for (char c : trimmed) {
        word.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    for (auto k : k_stop) {
        if (word == k) {
            return Keyword::stop;
        }
    }
    for (auto k : k_start) {
        if (word == k) {
            return Keyword::start;
        }
    }
    return std::nullopt;
}

} // namespace sbc::pipeline
