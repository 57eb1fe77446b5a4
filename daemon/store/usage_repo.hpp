#pragma once
// The provider ledger (table llm_usage): one row per call to the OpenAI-compatible provider — a chat
// completion, or one business's share of an embeddings request — with its tokens and estimated cost; and what
// each business used, all time (`business stats`) or in a time range for billing (`usage`).

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

enum class CallKind { chat, embedding };

// One provider call, or the share of one embeddings request that was for one business.
struct ProviderCall {
    std::int64_t business_rowid = 0;
    std::optional<std::int64_t> message_id; // the question answered or embedded; none for knowledge entries
    std::string model;
    CallKind kind = CallKind::chat;
    bool failed = false; // failed or timed out: no tokens, the built-in answer was sent
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0; // 0 for embeddings
    double cost_usd = 0;                // at the prices configured when it was made
    std::int64_t at_ms = 0;
};

// Writes one row of the ledger.
void record_call(Database& db, const ProviderCall& call);

struct CallTotals {
    std::int64_t calls = 0;    // calls that answered
    std::int64_t failures = 0; // calls that failed
    std::int64_t prompt_tokens = 0;
    std::int64_t completion_tokens = 0;
    double cost_usd = 0;
};

struct ProviderUsage {
    CallTotals chat;
    CallTotals embedding; // knowledge entries' shares of batches and questions
};

// The business's totals since it was registered; zeros before its first call.
ProviderUsage provider_usage(Database& db, std::int64_t business_rowid);

struct Usage {
    std::string business; // slug
    std::string name;
    std::int64_t messages_in =
        0; // customer and owner messages received (send-test ones, SMtest..., left out)
    std::int64_t messages_out = 0;     // messages Twilio accepted (those with a MessageSid)
    std::int64_t llm_tokens = 0;       // chat prompt + completion tokens in the ledger
    std::int64_t embedding_tokens = 0; // embedding tokens in the ledger
};

// One row per business (or only `business` when given), ordered by slug, for created_at in [from_ms, to_ms).
std::vector<Usage> usage_by_business(Database& db, std::int64_t from_ms, std::int64_t to_ms,
                                     const std::optional<std::string>& business);

} // namespace sbc::store
