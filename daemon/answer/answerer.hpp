#pragma once
// The built-in answerer: greetings and opening hours from the business's settings, everything else from its
// knowledge base, with a confidence score so that a weak match becomes a hand-off instead of a wrong answer.

#include "daemon/answer/retriever.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/database.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

struct Answer {
    enum class Kind { greeting, hours, knowledge, fallback };
    Kind kind = Kind::fallback;
    std::string text;
    std::optional<std::int64_t> entry_number; // the knowledge entry that answered
    double confidence = 0;                    // 0..1: the share of the question's weight the entry covers
    // The entries (rowids) that came closest, best first, for the owner's notice when the question is handed
    // off (pipeline/handoff_notice.hpp): found with the answer, so that the notice costs no second search.
    std::vector<std::int64_t> closest;
};

// The closest entries named: up to this many, each covering at least this share of the question (below it an
// entry shares little more than a word with it). The right entry is the closest one for about a quarter of
// the hand-offs that name any, and among the three closest for about half (sbc_eval, docs/retrieval.md).
inline constexpr std::size_t k_closest_entries = 3;
inline constexpr double k_closest_min_confidence = 0.15;

const char* kind_name(Answer::Kind kind);

// Below this confidence the customer gets the fallback text and the owner is told. The best threshold for
// the builtin mode on the evaluation set (docs/retrieval.md); sbcd takes answer.min_confidence_percent.
inline constexpr double k_default_threshold = 0.3;

// compose, built in: the best candidate's entry as it stands, when its confidence reaches the threshold;
// nullopt when it does not (or the entry went away meanwhile), which makes the question a hand-off.
std::optional<Answer> compose(store::Database& db, const Candidate& best, double threshold);

// Greetings and the opening hours, from the business's settings alone: no database, a few microseconds, so
// the webhook's transaction can answer them at once. nullopt for every other question.
std::optional<Answer> quick_answer(const store::Business& business, std::string_view question);

// Answers a customer's question for one business: greeting, opening hours, or retrieve + compose. Reads
// only; SQLite errors throw DbError. `vector` is the question's embedding for the modes that use one.
Answer answer_question(store::Database& db, const store::Business& business, std::string_view question,
                       double threshold = k_default_threshold, Mode mode = Mode::builtin,
                       const QueryVector* vector = nullptr);

} // namespace sbc::answer
