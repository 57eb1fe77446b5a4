#pragma once
// The control protocol between sbcctl and sbcd: one JSON object per line each way.
//   request:  {"command": "business-list", "arguments": {...}}
//   response: {"result": 0, "text": "...", "arguments": {...}}
// Key names and result codes live here and nowhere else.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sbc::protocol {

inline constexpr int k_version = 1;

inline constexpr std::string_view k_command = "command";
inline constexpr std::string_view k_arguments = "arguments";
inline constexpr std::string_view k_result = "result";
inline constexpr std::string_view k_text = "text";

// Longest request line the daemon reads; a longer one is refused and the connection closed.
inline constexpr std::size_t k_max_request_bytes = 4 * 1024 * 1024;

// Result codes (Kea's set, plus "invalid" for arguments that fail validation).
enum ResultCode : int {
    k_ok = 0,          // success
    k_error = 1,       // the daemon could not do it (internal or storage error)
    k_unsupported = 2, // unknown command
    k_not_found = 3,   // valid request, the thing named does not exist (Kea: "empty")
    k_conflict = 4,    // it clashes with existing data (e.g. a number owned by another business)
    k_invalid = 5,     // malformed request or arguments that fail validation
};

// The name of a result code for logs and --json consumers ("ok", "not-found", ...).
std::string_view result_name(int code);

nlohmann::json make_request(std::string_view command, nlohmann::json arguments = nlohmann::json::object());
nlohmann::json make_response(int result, std::string text,
                             nlohmann::json arguments = nlohmann::json::object());

} // namespace sbc::protocol
