#pragma once
// What each business used in a time range, for billing: messages in and out, LLM tokens.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

struct Usage {
    std::string business; // slug
    std::string name;
    std::int64_t messages_in =
        0; // customer and owner messages received (send-test ones, SMtest..., left out)
    std::int64_t messages_out = 0; // messages Twilio accepted (those with a MessageSid)
    std::int64_t llm_tokens = 0;   // prompt + completion tokens recorded in llm_usage
};

// One row per business (or only `business` when given), ordered by slug, for created_at in [from_ms, to_ms).
std::vector<Usage> usage_by_business(Database& db, std::int64_t from_ms, std::int64_t to_ms,
                                     const std::optional<std::string>& business);

// One LLM call's tokens, for the month's usage.
void record_llm_usage(Database& db, std::int64_t business_rowid, std::int64_t message_id,
                      const std::string& model, std::int64_t prompt_tokens, std::int64_t completion_tokens,
                      std::int64_t at_ms);

} // namespace sbc::store
