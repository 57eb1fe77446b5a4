#pragma once
// Opt-out and opt-in keywords. Twilio filters them only for SMS (or with Advanced Opt-Out), so sbcd does it.

#include <optional>
#include <string_view>

namespace sbc::pipeline {

enum class Keyword { stop, start };

// The keyword when the whole message is one (any case, surrounding spaces and a final '.' or '!' ignored).
std::optional<Keyword> detect_keyword(std::string_view body);

} // namespace sbc::pipeline
