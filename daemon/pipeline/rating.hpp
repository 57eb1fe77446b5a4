#pragma once
// Reading a customer's answer to the rating question ("How would you rate this conversation, 1 to 5?").

#include <optional>
#include <string_view>

namespace sbc::pipeline {

// The rating 1-5 when the whole message is one: "4", "4 stars", "4/5", "4 out of 5", the keycap emoji
// "4️⃣", or "⭐⭐⭐⭐" (any case, surrounding spaces and a final '.' or '!' ignored). nullopt for
// anything else, so a question such as "4 pizzas please" is still answered as a question.
std::optional<int> parse_rating(std::string_view body);

} // namespace sbc::pipeline
