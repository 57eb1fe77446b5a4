#include "daemon/pipeline/escalation.hpp"

#include <array>
#include <string>

namespace sbc::pipeline {
namespace {

// Longer than this, the message is a question of its own ("can I speak to someone about a cake for 40
// people on Saturday"), answered as one.
constexpr std::size_t k_max_chars = 60;

// The whole message, once lower-cased with punctuation dropped and apostrophes removed ("that's" ->
// "thats"). "a real person" is one of the phrases below.
constexpr std::array<std::string_view, 8> k_words = {"human",    "a human", "agent",    "an agent",
                                                     "operator", "person",  "a person", "staff"};

// Anywhere in the message, between word boundaries.
constexpr std::array<std::string_view, 15> k_phrases = {"talk to a human",
                                                        "speak to a human",
                                                        "talk to a person",
                                                        "speak to a person",
                                                        "talk to someone",
                                                        "speak to someone",
                                                        "talk to somebody",
                                                        "speak to somebody",
                                                        "talk to the owner",
                                                        "speak to the owner",
                                                        "real person",
                                                        "not what i asked",
                                                        "wrong answer",
                                                        "didnt answer my question",
                                                        "doesnt answer my question"};

// Lower case, letters, digits and single spaces; apostrophes (' ` and a phone's ’) dropped, other
// punctuation a space.
std::string simplified(std::string_view body) {
    constexpr std::string_view k_right_quote = "\xE2\x80\x99";
    std::string out;
    for (std::size_t i = 0; i < body.size(); ++i) {
        auto c = static_cast<unsigned char>(body[i]);
        if (c == '\'' || c == '`') {
            continue;
        }
        if (body.substr(i, k_right_quote.size()) == k_right_quote) {
            i += k_right_quote.size() - 1;
            continue;
        }
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<unsigned char>(c - 'A' + 'a');
        }
        bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
        if (word) {
            out.push_back(static_cast<char>(c));
        } else if (!out.empty() && out.back() != ' ') {
            out.push_back(' ');
        }
    }
    if (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    return out;
}

bool holds_phrase(const std::string& text, std::string_view phrase) {
    for (auto at = text.find(phrase); at != std::string::npos; at = text.find(phrase, at + 1)) {
        bool starts = at == 0 || text[at - 1] == ' ';
        bool ends = at + phrase.size() == text.size() || text[at + phrase.size()] == ' ';
        if (starts && ends) {
            return true;
        }
    }
    return false;
}

} // namespace

bool asks_for_a_person(std::string_view body) {
    if (body.size() > k_max_chars * 4) {
        return false;
    }
    auto text = simplified(body);
    if (text.empty() || text.size() > k_max_chars) {
        return false;
    }
    for (auto w : k_words) {
        if (text == w) {
            return true;
        }
    }
    for (auto p : k_phrases) {
        if (holds_phrase(text, p)) {
            return true;
        }
    }
    return false;
}

} // namespace sbc::pipeline
