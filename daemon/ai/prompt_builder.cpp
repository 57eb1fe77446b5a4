#include "daemon/ai/prompt_builder.hpp"

#include <fmt/format.h>

namespace sbc::ai {

nlohmann::json build_prompt(const PromptInput& in) {
    std::string system = fmt::format(
        "You answer WhatsApp messages from customers of {}, a small business. Answer ONLY from the business "
        "facts below and the conversation; never invent prices, times, products or promises. If the facts do "
        "not answer the customer's question, reply with exactly {} and nothing else. Keep answers short "
        "(a few sentences) and write in the customer's language.",
        in.business_name, k_handoff_marker);
    system += fmt::format("\nTone: {}.", in.tone.empty() ? "friendly, polite and brief" : in.tone);
    system += "\n\nBusiness facts:";
    if (!in.hours.empty()) {
        system += fmt::format("\n- Opening hours: {}", in.hours);
    }
    for (std::size_t i = 0; i < in.entries.size(); ++i) {
        system += fmt::format("\n- {}", in.entries[i]);
    }
    if (in.entries.empty() && in.hours.empty()) {
        system += "\n(none)";
    }
    nlohmann::json messages = nlohmann::json::array();
    messages.push_back({{"role", "system"}, {"content", system}});
    for (const auto& turn : in.turns) {
        messages.push_back({{"role", turn.from_customer ? "user" : "assistant"}, {"content", turn.text}});
    }
    messages.push_back({{"role", "user"}, {"content", in.question}});
    return messages;
}

bool is_handoff(const std::string& reply) {
    return reply.find(k_handoff_marker) != std::string::npos ||
           reply.find_first_not_of(" \t\r\n") == std::string::npos;
}

} // namespace sbc::ai
