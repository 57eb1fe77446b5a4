#pragma once
// The built-in answerer: greetings and opening hours from the business's settings, everything else from its
// knowledge base, with a confidence score so that a weak match becomes a hand-off instead of a wrong answer.

#include "daemon/answer/retriever.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/database.hpp"

#include <optional>
#include <string>
#include <string_view>

namespace sbc::answer {

struct Answer {
    enum class Kind { greeting, hours, knowledge, fallback };
    Kind kind = Kind::fallback;
    std::string text;
    std::optional<std::int64_t> entry_number; // the knowledge entry that answered
    double confidence = 0;                    // 0..1: the share of the question's weight the entry covers
};

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
