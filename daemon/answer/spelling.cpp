#include "daemon/answer/spelling.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sbc::answer {
namespace {

// British stems whose "our" is American "or", matched as a word's beginning ("colours", "favourite").
// Listed rather than ruled: "hour", "four", "your", "tour", "flour" and "pour" keep theirs.
constexpr std::array<std::string_view, 17> k_our = {
    "armour", "behaviour", "colour", "endeavour", "favour", "flavour", "harbour", "honour", "humour",
    "labour", "neighbour", "odour",  "parlour",   "rumour", "saviour", "savour",  "vapour",
};

// British stems in "re" that are American "er" ("centres", "theatre"); "acre", "genre", "more" keep theirs.
constexpr std::array<std::string_view, 12> k_re = {
    "calibre", "centimetre", "centre",     "fibre",  "kilometre", "litre",
    "lustre",  "metre",      "millimetre", "sombre", "spectre",   "theatre",
};

// Single words (and their beginnings: "tyres", "jewellery's") spelt apart; "enrol" goes the other way, since
// the American "enroll" begins with it.
constexpr std::array<std::pair<std::string_view, std::string_view>, 22> k_words = {{
    {"aeroplane", "airplane"}, {"aluminium", "aluminum"},
    {"catalogue", "catalog"},  {"cosy", "cozy"},
    {"defence", "defense"},    {"doughnut", "donut"},
    {"enquir", "inquir"},      {"enroll", "enrol"},
    {"grey", "gray"},          {"jewellery", "jewelry"},
    {"kerb", "curb"},          {"licence", "license"},
    {"manoeuvre", "maneuver"}, {"mould", "mold"},
    {"offence", "offense"},    {"paediatric", "pediatric"},
    {"practise", "practice"},  {"programme", "program"},
    {"pyjama", "pajama"},      {"tyre", "tire"},
    {"yoghurt", "yogurt"},     {"ageing", "aging"},
}};

// The "-ise" family: organise(s|d), organising, organisation(s), organiser(s).
constexpr std::array<std::string_view, 8> k_ise_endings = {"isations", "isation", "ising", "ises",
                                                           "ised",     "ise",     "iser",  "isers"};

} // namespace

std::string american_spelling(std::string_view word) {
    std::string w(word);
    for (const auto& [british, american] : k_words) {
        if (w.starts_with(british)) {
            return std::string(american) + w.substr(british.size());
        }
    }
    for (auto stem : k_our) {
        if (w.starts_with(stem)) {
            return std::string(stem.substr(0, stem.size() - 2)) + "r" + w.substr(stem.size());
        }
    }
    for (auto stem : k_re) {
        if (w.starts_with(stem)) {
            return std::string(stem.substr(0, stem.size() - 2)) + "er" + w.substr(stem.size());
        }
    }
    // "organise" -> "organize": five letters or more before the ending, so that "rise", "wise", "raise",
    // "noise" and "promise" are left alone. The longer words it changes that have no "-ize" form
    // ("exercise", "advertise") are changed the same way in questions and entries, so they still meet.
    for (auto ending : k_ise_endings) {
        if (w.ends_with(ending)) {
            std::size_t stem_size = w.size() - ending.size();
            if (stem_size >= 5) {
                w[stem_size + 1] = 'z';
            }
            return w;
        }
    }
    // "traveller" -> "traveler": British doubles the final l of an unstressed syllable, American does not
    // ("cancelled", "travelling" meet their American forms in stem(), which drops the l of a long "-ll").
    for (std::string_view ending : {"ller", "llers"}) {
        if (w.ends_with(ending) && w.size() - ending.size() >= 4) {
            char before = w[w.size() - ending.size() - 1];
            bool single_vowel = before == 'e' || before == 'a' || before == 'o' || before == 'i';
            if (single_vowel) {
                w.erase(w.size() - ending.size(), 1);
            }
            return w;
        }
    }
    return w;
}

} // namespace sbc::answer
