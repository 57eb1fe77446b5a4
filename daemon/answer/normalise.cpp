#include "daemon/answer/normalise.hpp"

#include "daemon/answer/query_terms.hpp"
#include "daemon/answer/spelling.hpp"

#include <algorithm>
#include <array>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <unordered_map>
#include <utility>

namespace sbc::answer {
namespace {

bool vowel(char c) {
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

bool has_vowel(std::string_view w) {
    for (char c : w) {
        if (vowel(c) || c == 'y') {
            return true;
        }
    }
    return false;
}

// "shopping" -> "shopp" -> "shop"; but "call", "pass", "buzz" keep their pair.
void undouble(std::string& w) {
    std::size_t n = w.size();
    if (n >= 3 && w[n - 1] == w[n - 2] && !vowel(w[n - 1]) && w[n - 1] != 'l' && w[n - 1] != 's' &&
        w[n - 1] != 'z') {
        w.pop_back();
    }
}

// Strips `suffix` when what remains is a plausible stem (three letters with a vowel).
bool strip(std::string& w, std::string_view suffix, std::string_view replacement = {}) {
    if (!w.ends_with(suffix) || w.size() - suffix.size() < 3 ||
        !has_vowel(std::string_view(w).substr(0, w.size() - suffix.size()))) {
        return false;
    }
    w.resize(w.size() - suffix.size());
    w += replacement;
    return true;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 17> k_irregular = {{
    {"children", "child"},
    {"childrens", "child"},
    {"kids", "kid"},
    {"people", "person"},
    {"men", "man"},
    {"women", "woman"},
    {"mens", "man"},
    {"womens", "woman"},
    {"feet", "foot"},
    {"teeth", "tooth"},
    {"mice", "mouse"},
    {"wi", "wi"},
    {"shut", "close"},
    {"shuts", "close"},
    {"opens", "open"},
    {"ran", "run"},
    {"paid", "pay"},
}};

// Days as customers type them on a phone.
constexpr std::array<std::pair<std::string_view, std::string_view>, 7> k_texting = {{
    {"tmrw", "tomorrow"},
    {"tmr", "tomorrow"},
    {"2moro", "tomorrow"},
    {"2morrow", "tomorrow"},
    {"2day", "today"},
    {"2nite", "tonight"},
    {"tonite", "tonight"},
}};

// Word pairs (after lower-casing) that mean one thing; the second word is dropped, the first replaced.
struct Phrase {
    std::string_view first, second, joined;
};
constexpr std::array<Phrase, 38> k_phrases = {{
    {"how", "much", "price"},
    {"how", "long", "duration"},
    {"money", "back", "moneyback"},
    {"opening", "times", "hours"},
    {"gift", "card", "voucher"},
    {"gift", "cards", "voucher"},
    {"gift", "certificate", "voucher"},
    {"gift", "vouchers", "voucher"},
    {"wi", "fi", "wifi"},
    {"take", "away", "takeaway"},
    {"take", "out", "takeaway"},
    {"pick", "up", "collect"},
    {"e", "bike", "ebike"},
    {"e", "bikes", "ebike"},
    {"high", "chair", "highchair"},
    {"walk", "ins", "walkin"},
    {"walk", "in", "walkin"},
    {"dairy", "free", "vegan"},
    {"get", "to", "directions"},
    {"get", "there", "directions"},
    {"electric", "bike", "ebike"},
    {"electric", "bikes", "ebike"},
    {"sign", "up", "signup"},
    {"signed", "up", "signup"},
    {"without", "booking", "walkin"},
    {"look", "around", "lookaround"},
    {"look", "round", "lookaround"},
    {"broke", "in", "breakin"},
    {"break", "in", "breakin"},
    {"broken", "into", "breakin"},
    // what does not work is broken: the word of repair entries ("Boiler breakdowns and repairs")
    {"not", "working", "broken"},
    {"isnt", "working", "broken"},
    {"stopped", "working", "broken"},
    {"arent", "working", "broken"},
    {"doesnt", "work", "broken"},
    {"dont", "work", "broken"},
    // "what if ...", "what happens if ...": what the business does when something goes wrong (lexicon.cpp)
    {"what", "if", "whatif"},
    {"happens", "if", "whatif"},
}};

std::vector<std::string> raw_tokens(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    for (char raw : text) {
        auto c = static_cast<unsigned char>(raw);
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<unsigned char>(c - 'A' + 'a');
        }
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80) {
            word.push_back(static_cast<char>(c));
        } else if ((c == ':' || c == '.' || c == '-') && !word.empty() && word.back() >= '0' &&
                   word.back() <= '9') {
            word.push_back(c == '-' ? '-'
                                    : ':'); // "7:30", "7.30", "12-15": one time or range, not two numbers
        } else if (c == '$') {
            if (!word.empty()) {
                words.push_back(std::move(word));
                word.clear();
            }
            words.emplace_back("dollar"); // "$20"
        } else if (c == '\'' && !word.empty()) {
            continue; // "children's" -> "childrens", "what's" -> "whats"
        } else if (!word.empty()) {
            words.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) {
        words.push_back(std::move(word));
    }
    return words;
}

// Question words that the general stop list drops but that say what is asked here.
bool question_word(std::string_view w) {
    return w == "where" || w == "when";
}

// Words customers wrap their questions in, that no entry answers: without them, "can I buy a voucher for
// my sister" weighs what "voucher" weighs. With them, what customers type on a phone for words the stop list
// drops ("r u open", "pls") and negations, which say nothing of the topic ("my car won't start"). Sorted.
constexpr std::array<std::string_view, 58> k_filler = {
    "able",        "also",       "anything", "boyfriend", "brother", "buy",       "cant",        "cheers",
    "dad",         "daughter",   "didnt",    "do",        "doesnt",  "dont",      "friend",      "friends",
    "get",         "girlfriend", "go",       "gonna",     "got",     "gotta",     "grandfather", "grandma",
    "grandmother", "grandpa",    "guys",     "have",      "hiya",    "husband",   "isnt",        "ive",
    "look",        "looking",    "mom",      "mum",       "need",    "pls",       "plz",         "possible",
    "r",           "really",     "sell",     "sister",    "someone", "something", "somewhere",   "son",
    "sure",        "thing",      "thx",      "ur",        "wanna",   "wife",      "wonder",      "wondering",
    "wont",        "wot",
};

bool is_filler(std::string_view w) {
    static const auto sorted = [] {
        auto copy = k_filler;
        std::sort(copy.begin(), copy.end());
        return copy;
    }();
    return std::binary_search(sorted.begin(), sorted.end(), w);
}

bool digits(std::string_view w) {
    return !w.empty() && std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// "4.50", "29.99", "8.99" (raw_tokens writes the point as ':'): owners often write a price without its
// currency, and it is not a time of day. A time written with a point is before 25 and on a quarter hour
// ("7.30", "8.15"), a price rarely both.
bool decimal_amount(std::string_view w) {
    auto point = w.find(':');
    if (point == std::string_view::npos || point == 0 || point > 4 || w.size() - point != 3 ||
        !digits(w.substr(0, point)) || !digits(w.substr(point + 1))) {
        return false;
    }
    int whole = std::stoi(std::string(w.substr(0, point)));
    int cents = std::stoi(std::string(w.substr(point + 1)));
    return whole > 24 || cents % 15 != 0;
}

// "12-15", "7:30", "9am", "18:00": an entry (or a question) that gives clock times is about when something
// happens.
bool clock_time(std::string_view w) {
    if (w.empty() || w[0] < '0' || w[0] > '9') {
        return false;
    }
    return w.find(':') != std::string_view::npos || w.find('-') != std::string_view::npos ||
           w.ends_with("am") || w.ends_with("pm");
}

// "15 euros", "$20", "8€": an entry that gives an amount of money is about a price, whatever else it says.
bool money(std::string_view w) {
    static constexpr std::string_view k_currencies[] = {"euro",  "euros",  "eur", "dollar", "dollars", "usd",
                                                        "pound", "pounds", "gbp", "quid",   "bucks",   "chf"};
    return std::find(std::begin(k_currencies), std::end(k_currencies), w) != std::end(k_currencies) ||
           w.find("\u20ac") != std::string_view::npos || w.find("\u00a3") != std::string_view::npos;
}

bool is_number(std::string_view w) {
    return !w.empty() && w.size() <= 2 &&
           std::all_of(w.begin(), w.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool number_word(std::string_view w) {
    static constexpr std::string_view k_numbers[] = {"one",   "two",   "three", "four", "five",   "six",
                                                     "seven", "eight", "nine",  "ten",  "eleven", "twelve"};
    return is_number(w) || std::find(std::begin(k_numbers), std::end(k_numbers), w) != std::end(k_numbers);
}

// "14-15", as in "14-15 year olds"
bool age_range(std::string_view w) {
    auto dash = w.find('-');
    return dash != std::string_view::npos && is_number(w.substr(0, dash)) && is_number(w.substr(dash + 1));
}

// "6yo"
bool age_word(std::string_view w) {
    return w.size() >= 3 && w.ends_with("yo") && is_number(w.substr(0, w.size() - 2));
}

// "6 year old", "6 yr old", "6yo", "six-year-old", "14-15 year olds": a child's age.
bool child_age_at(const std::vector<std::string>& words, std::size_t i, std::size_t& length) {
    const auto& w = words[i];
    if ((number_word(w) || age_range(w)) && i + 2 < words.size() &&
        (words[i + 1] == "year" || words[i + 1] == "yr" || words[i + 1] == "years") &&
        (words[i + 2] == "old" || words[i + 2] == "olds")) {
        length = 3;
        return true;
    }
    if (age_word(w)) {
        length = 1;
        return true;
    }
    return false;
}

// "18 per hour", "95 a night", "14 a month": a number by the unit it is paid per is a price, currency or
// not (owners often leave it out).
bool rate_at(const std::vector<std::string>& words, std::size_t i) {
    static constexpr std::array<std::string_view, 21> k_units = {
        "hour",  "hr",      "night",  "day",   "week", "month", "year",  "person", "head",    "child", "kid",
        "adult", "session", "lesson", "class", "room", "stay",  "visit", "pupil",  "student", "item"};
    return digits(words[i]) && i + 2 < words.size() &&
           (words[i + 1] == "per" || words[i + 1] == "a" || words[i + 1] == "an") &&
           std::find(k_units.begin(), k_units.end(), words[i + 2]) != k_units.end();
}

// The joined phrase that words[i] and words[i + 1] make, if they make one.
const Phrase* phrase_at(const std::vector<std::string>& words, std::size_t i) {
    if (i + 1 >= words.size()) {
        return nullptr;
    }
    auto phrase = std::find_if(k_phrases.begin(), k_phrases.end(), [&](const Phrase& p) {
        return p.first == words[i] && p.second == words[i + 1];
    });
    return phrase == k_phrases.end() ? nullptr : &*phrase;
}

} // namespace

std::string stem(std::string_view word) {
    using WordMap = std::span<const std::pair<std::string_view, std::string_view>>;
    for (WordMap table : {WordMap(k_irregular), WordMap(k_texting)}) {
        for (const auto& [from, to] : table) {
            if (word == from) {
                return std::string(to);
            }
        }
    }
    std::string w = american_spelling(word);
    if (w.size() <= 3) {
        return w;
    }
    if (w.ends_with("ies") && w.size() > 4) {
        w.resize(w.size() - 3);
        w += 'y';
    } else if (w.ends_with("sses")) {
        w.resize(w.size() - 2);
    } else if (w.ends_with("s") && !w.ends_with("ss") && !w.ends_with("us") && !w.ends_with("is") &&
               w.size() > 3) {
        w.pop_back();
    }
    if (strip(w, "ing") || strip(w, "ed")) {
        undouble(w);
    }
    if (!strip(w, "ery", "er") && !strip(w, "ation") && !strip(w, "ment")) {
        strip(w, "ly");
    }
    // The noun in "-al" of a verb: "arrival" meets "arrive", "removal" "remove", "renewal" "renew",
    // "refusal" "refuse". Only these endings: "-al" alone would take "dental" to "dent".
    for (std::string_view ending : {"ival", "oval", "ewal", "usal", "osal"}) {
        if (w.ends_with(ending) && w.size() >= 6) {
            w.resize(w.size() - 2);
            break;
        }
    }
    // "cancelled"/"canceled", "travelling"/"traveling": British doubles the l that American does not; a
    // long word's final double l is made single ("install" and "installed" both become "instal").
    if (w.size() >= 6 && w.ends_with("ll")) {
        w.pop_back();
    }
    if (w.ends_with("e") && w.size() > 3) {
        w.pop_back();
    }
    if (w.ends_with("y") && w.size() > 3 && !vowel(w[w.size() - 2])) {
        w.back() = 'i'; // "delivery" already lost it; "family"/"families" -> "famili"
    }
    return w;
}

namespace {

// What one word becomes, apart from the phrases and ages it may begin with the words after it.
struct Form {
    bool may_join = false; // may begin a joined phrase or a child's age: look at the next words
    bool clock = false;    // a clock time: the term "hour" instead of the word
    bool money = false;    // an amount of money: the term "price" before the word's own
    bool kept = false;     // not a stop word or filler: `term` is its stem
    std::string term;
};

Form form_of_word(const std::string& w) {
    Form f;
    f.may_join =
        number_word(w) || age_word(w) || age_range(w) ||
        std::any_of(k_phrases.begin(), k_phrases.end(), [&](const Phrase& p) { return p.first == w; });
    f.clock = clock_time(w) && !decimal_amount(w);
    f.money = money(w) || decimal_amount(w);
    f.kept = question_word(w) || (!is_stop_word(w) && !is_filler(w));
    if (f.kept) {
        f.term = stem(w);
    }
    return f;
}

// Words repeat across entries and businesses, and normalising entries is most of a built-in answer's cost
// when its business's corpus is not cached (string comparisons against the stop list, spellings, phrases and
// suffixes: about 10 µs an entry); each distinct word is worked out once. Bounded: past k_capacity words
// (a few MB) new ones are worked out every time, never stored.
class FormMemo {
  public:
    static constexpr std::size_t k_capacity = 50'000;

    // The form of `w`; the reference stays valid (nodes are never erased).
    const Form& get(const std::string& w, Form& scratch) {
        {
            std::shared_lock lock(m_mutex);
            if (auto it = m_forms.find(w); it != m_forms.end()) {
                return it->second;
            }
        }
        scratch = form_of_word(w);
        std::unique_lock lock(m_mutex);
        if (m_forms.size() >= k_capacity) {
            return scratch;
        }
        return m_forms.try_emplace(w, scratch).first->second;
    }

  private:
    std::shared_mutex m_mutex;
    std::unordered_map<std::string, Form> m_forms;
};

FormMemo& form_memo() {
    static FormMemo memo;
    return memo;
}

} // namespace

std::vector<Word> normalised_words(std::string_view text) {
    auto words = raw_tokens(text);
    std::vector<Word> terms;
    terms.reserve(words.size());
    Form scratch;
    for (std::size_t i = 0; i < words.size(); ++i) {
        const Form& form = form_memo().get(words[i], scratch);
        if (rate_at(words, i)) {
            terms.push_back({stem("price"), {}});
        }
        if (form.may_join) {
            std::size_t length = 0;
            if (child_age_at(words, i, length)) {
                terms.push_back({"child", {}});
                i += length - 1;
                continue;
            }
            if (const Phrase* phrase = phrase_at(words, i)) {
                terms.push_back({stem(phrase->joined), {}});
                ++i;
                continue;
            }
        }
        if (form.clock) {
            terms.push_back({"hour", {}});
            continue;
        }
        if (form.money) {
            terms.push_back({stem("price"), {}});
        }
        if (form.kept) {
            terms.push_back({form.term, words[i]});
        }
    }
    return terms;
}

std::vector<std::string> normalised_terms(std::string_view text) {
    std::vector<std::string> terms;
    for (auto& w : normalised_words(text)) {
        terms.push_back(std::move(w.term));
    }
    return terms;
}

} // namespace sbc::answer
