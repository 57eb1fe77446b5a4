#pragma once
// Per-business figures for `sbcctl business stats` and the owner's `!stats`.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sbc::store {

struct BusinessStats {
    std::int64_t queries = 0;    // customer questions received
    std::int64_t answered = 0;   // answered from the knowledge base or settings
    std::int64_t unanswered = 0; // got the fallback text (knowledge gaps)
    std::int64_t knowledge = 0;
    std::int64_t sent = 0;   // outbound messages Twilio accepted
    std::int64_t failed = 0; // refused by Twilio or given up
    std::int64_t pending = 0;
    double avg_response_ms = 0; // webhook received -> reply accepted by Twilio, last 1,000 replies
    double p95_response_ms = 0;
    std::vector<std::string> recent_unanswered; // newest first, at most 5
};

BusinessStats business_stats(Database& db, std::int64_t business_rowid);

// Records a question that got the fallback, for the owner to see.
void record_unanswered(Database& db, std::int64_t business_rowid, std::string_view customer,
                       std::string_view question, std::int64_t message_id, std::int64_t now_ms);

} // namespace sbc::store
