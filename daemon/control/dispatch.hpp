#pragma once
// From one request line to one response object. No I/O; the only place that catches what a handler throws.

#include "daemon/control/command.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

namespace sbc::control {

// Parses the line, checks the envelope, runs the command. Never throws: every failure is a response with a
// result code and a sentence that says what to do.
nlohmann::json dispatch(std::string_view line, Context& ctx);

} // namespace sbc::control
