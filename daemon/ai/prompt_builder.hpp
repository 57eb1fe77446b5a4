#pragma once
// The chat prompt for one customer question: the business's profile (name, hours, tone), the top entries of
// ITS knowledge base, the last turns of this customer's conversation, and the rule to answer only from them
// or reply with the hand-off marker.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sbc::ai {

// What the model replies when the notes do not answer the question; the worker turns it into a hand-off.
inline constexpr const char* k_handoff_marker = "[HANDOFF]";

struct PromptInput {
    std::string business_name;
    std::string hours;
    std::string tone;
    std::vector<std::string> entries; // best first
    struct Turn {
        bool from_customer = true;
        std::string text;
    };
    std::vector<Turn> turns; // oldest first, before the question
    std::string question;
};

// The `messages` array of a chat completion request.
nlohmann::json build_prompt(const PromptInput& input);

// True when the model's reply means "I cannot answer this from the notes".
bool is_handoff(const std::string& reply);

} // namespace sbc::ai
