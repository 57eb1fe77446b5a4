#pragma once
// What the owner reads when a question is handed to them: who asked what, how to answer, and the entries
// that came closest (answer::Answer::closest). Often one of them does answer it, in the owner's words rather
// than the customer's; then one "!answer 3 #7" sends it and teaches it the customer's words
// (taught_questions.hpp).

#include "daemon/store/business_repo.hpp"
#include "daemon/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sbc::pipeline {

// The notice for hand-off `number` of business `b`: `customer` asked `question`, and the entries with the
// rowids `closest` came closest, best first (those deleted since are left out). `then`, when not empty, is
// what the customer said after the answer to ask for a person (escalation.hpp).
std::string handoff_notice(store::Database& db, const store::Business& b, const std::string& customer,
                           const std::string& question, std::int64_t number,
                           const std::vector<std::int64_t>& closest, const std::string& then = {});

} // namespace sbc::pipeline
