#include "daemon/answer/answerer.hpp"

#include "daemon/answer/query_terms.hpp"
#include "daemon/answer/retriever.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <algorithm>
#include <fmt/format.h>
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

std::optional<Answer> compose(store::Database& db, const Candidate& best, double threshold) {
    if (best.confidence < threshold) {
        return std::nullopt;
    }
    auto entry = store::find_entry_by_rowid(db, best.rowid);
    if (!entry) {
        return std::nullopt;
    }
    Answer out;
    out.kind = Answer::Kind::knowledge;
    out.text = entry->text;
    out.entry_number = entry->number;
    out.confidence = best.confidence;
    return out;
}

std::optional<Answer> quick_answer(const store::Business& business, std::string_view question) {
    Answer out;
    out.confidence = 1;
    if (all_in(raw_words(question), k_greeting_words)) {
        out.kind = Answer::Kind::greeting;
        out.text = business.greeting.empty() ? default_greeting(business) : business.greeting;
        return out;
    }
    if (!business.hours.empty() && all_in(query_terms(question), k_hours_words)) {
        out.kind = Answer::Kind::hours;
        out.text = fmt::format("Our opening hours: {}", business.hours);
        return out;
    }
    return std::nullopt;
}

Answer answer_question(store::Database& db, const store::Business& business, std::string_view question,
                       double threshold, Mode mode, const QueryVector* vector) {
    if (auto quick = quick_answer(business, question)) {
        return *quick;
    }
    Answer out;
    auto candidates = retrieve(db, business.rowid, question, mode, k_closest_entries, vector);
    std::vector<std::int64_t> closest;
    for (const auto& c : candidates) {
        if (c.confidence >= k_closest_min_confidence) {
            closest.push_back(c.rowid);
        }
    }
    if (!candidates.empty()) {
        if (auto answer = compose(db, candidates.front(), threshold)) {
            answer->closest = std::move(closest);
            return *answer;
        }
        out.confidence = candidates.front().confidence;
    }
    out.closest = std::move(closest);
    out.kind = Answer::Kind::fallback;
    out.text = business.fallback;
    return out;
}

} // namespace sbc::answer
