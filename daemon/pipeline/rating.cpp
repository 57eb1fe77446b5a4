#include "daemon/pipeline/rating.hpp"

#include "common/text.hpp"

#include <array>
#include <string>

namespace sbc::pipeline {
namespace {

constexpr std::string_view k_star = "\xE2\xAD\x90";      // U+2B50 WHITE MEDIUM STAR
constexpr std::string_view k_variation = "\xEF\xB8\x8F"; // U+FE0F, often after an emoji
constexpr std::string_view k_keycap = "\xE2\x83\xA3";    // U+20E3 COMBINING ENCLOSING KEYCAP

bool consume(std::string_view& s, std::string_view prefix) {
    if (s.substr(0, prefix.size()) != prefix) {
        return false;
    }
    s.remove_prefix(prefix.size());
    return true;
}

// "⭐⭐⭐" (each star possibly followed by U+FE0F, spaces between allowed): the number of stars.
std::optional<int> count_stars(std::string_view s) {
    int stars = 0;
    while (!s.empty()) {
        if (consume(s, k_star)) {
            ++stars;
            consume(s, k_variation);
        } else if (s.front() == ' ') {
            s.remove_prefix(1);
        } else {
            return std::nullopt;
        }
    }
    return stars >= 1 && stars <= 5 ? std::optional(stars) : std::nullopt;
}

} // namespace

std::optional<int> parse_rating(std::string_view body) {
    std::string s = text::ascii_lower(text::trim(body));
    while (!s.empty() && (s.back() == '.' || s.back() == '!')) {
        s.pop_back();
    }
    if (s.empty()) {
        return std::nullopt;
    }
    if (auto stars = count_stars(s)) {
        return stars;
    }
    std::string_view rest(s);
    if (rest.front() < '1' || rest.front() > '5') {
        return std::nullopt;
    }
    int rating = rest.front() - '0';
    rest.remove_prefix(1);
    consume(rest, k_variation);
    consume(rest, k_keycap);
    rest = text::trim(rest);
    // What may follow the digit: nothing, or one of the ways people write "out of five".
    constexpr std::array<std::string_view, 8> k_suffixes = {"",    "star",     "stars", "/5",
                                                            "/ 5", "out of 5", "of 5",  "out of five"};
    for (auto suffix : k_suffixes) {
        if (rest == suffix) {
            return rating;
        }
    }
    return std::nullopt;
}

} // namespace sbc::pipeline
