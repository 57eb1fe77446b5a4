#pragma once
// What the owner reads when a question is handed to them: who asked what, how to answer, and the entries
// that came closest. Often one of them does answer it, in the owner's words rather than the customer's;
// then one "!answer 3 #7" sends it and teaches it the customer's words (taught_questions.hpp).

#include "daemon/store/business_repo.hpp"
#include "daemon/store/database.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sbc::pipeline {

// Up to this many entries are named: the right entry is the closest one for about a quarter of the
// hand-offs that name any, and among the three closest for about half (sbc_eval, docs/retrieval.md).
inline constexpr std::size_t k_closest_entries = 3;
// An entry is named only when it covers at least this share of the question: below it, it shares little
// more than a word with it.
inline constexpr double k_closest_min_confidence = 0.15;

// The entries of business `b` closest to `question`, closest first (the built-in retriever's ranking).
std::vector<store::Entry> closest_entries(store::Database& db, const store::Business& b,
                                          const std::string& question);

// The notice for hand-off `number` of business `b`: `customer` asked `question`.
std::string handoff_notice(store::Database& db, const store::Business& b, const std::string& customer,
                           const std::string& question, std::int64_t number);

} // namespace sbc::pipeline
