#include "daemon/answer/answerer.hpp"

#include "daemon/answer/query_terms.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <map>
#include <set>
#include <span>

namespace sbc::answer {
namespace {

constexpr std::string_view k_greeting_words[] = {"hi",        "hello",   "hey",  "hiya", "morning",
                                                 "afternoon", "evening", "good", "hola", "ciao",
                                                 "bonjour",   "hallo",   "yo",   "there"};
constexpr std::string_view k_hours_words[] = {
    "hours",  "hour",     "open",   "opening", "opened",   "close",   "closing",   "closed",
    "time",   "times",    "today",  "tonight", "tomorrow", "now",     "still",     "late",
    "early",  "until",    "till",   "weekend", "monday",   "tuesday", "wednesday", "thursday",
    "friday", "saturday", "sunday", "holiday", "holidays", "schedule"};

bool all_in(const std::vector<std::string>& words, std::span<const std::string_view> set) {
    return !words.empty() && std::all_of(words.begin(), words.end(), [&](const std::string& w) {
        return std::find(set.begin(), set.end(), w) != set.end();
    });
}

// All words including stop words: "hi there" is a greeting, "hi, do you deliver?" is not.
std::vector<std::string> raw_words(std::string_view text) {
    std::vector<std::string> words;
    std::string word;
    for (char raw : text) {
        char c = (raw >= 'A' && raw <= 'Z') ? static_cast<char>(raw - 'A' + 'a') : raw;
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || static_cast<unsigned char>(c) >= 0x80) {
            word.push_back(c);
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

struct Scored {
    std::int64_t rowid = 0;
    double covered = 0;
};

// Which entries contain each term (through the index, so stemming applies), weighted by how rare the term is
// in this business's knowledge. A term no entry has weighs most: a question about something we know nothing
// of should not be answered from an entry that shares only its common words.
std::optional<std::pair<Scored, double>> best_entry(store::Database& db, std::int64_t business_rowid,
                                                    const std::vector<std::string>& terms) {
    const double n = static_cast<double>(store::count_entries(db, business_rowid));
    if (n == 0 || terms.empty()) {
        return std::nullopt;
    }
    std::map<std::int64_t, double> covered;
    double total = 0;
    for (const auto& term : terms) {
        auto rows = store::entries_matching(db, business_rowid, term, 1000);
        double df = static_cast<double>(rows.size());
        double weight = std::log(1.0 + (n - df + 0.5) / (df + 0.5));
        total += weight;
        for (auto rowid : rows) {
            covered[rowid] += weight;
        }
    }
    if (covered.empty() || total <= 0) {
        return std::nullopt;
    }
    auto best = std::max_element(covered.begin(), covered.end(), [](const auto& a, const auto& b) {
        return a.second < b.second || (a.second == b.second && a.first > b.first);
    });
    return std::make_pair(Scored{best->first, best->second}, total);
}

std::string default_greeting(const store::Business& b) {
    return fmt::format("Hello! This is {}. Ask me anything, for example about our opening hours.", b.name);
}

} // namespace

const char* kind_name(Answer::Kind kind) {
    switch (kind) {
    case Answer::Kind::greeting:
        return "greeting";
    case Answer::Kind::hours:
        return "hours";
    case Answer::Kind::knowledge:
        return "answer";
    case Answer::Kind::fallback:
        return "fallback";
    }
    return "fallback";
}

Answer answer_question(store::Database& db, const store::Business& business, std::string_view question,
                       double threshold) {
    Answer out;
    auto words = raw_words(question);
    if (all_in(words, k_greeting_words)) {
        out.kind = Answer::Kind::greeting;
        out.text = business.greeting.empty() ? default_greeting(business) : business.greeting;
        out.confidence = 1;
        return out;
    }
    auto terms = query_terms(question);
    if (!business.hours.empty() && all_in(terms, k_hours_words)) {
        out.kind = Answer::Kind::hours;
        out.text = fmt::format("Our opening hours: {}", business.hours);
        out.confidence = 1;
        return out;
    }
    if (auto best = best_entry(db, business.rowid, terms)) {
        auto [scored, total] = *best;
        out.confidence = scored.covered / total;
        if (out.confidence >= threshold) {
            if (auto entry = store::find_entry_by_rowid(db, scored.rowid)) {
                out.kind = Answer::Kind::knowledge;
                out.text = entry->text;
                out.entry_number = entry->number;
                return out;
            }
        }
    }
    out.kind = Answer::Kind::fallback;
    out.text = business.fallback;
    return out;
}

} // namespace sbc::answer
