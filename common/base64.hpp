#pragma once
// Standard base64 (RFC 4648, with padding): how sbcctl sends a file's bytes to sbcd inside a JSON request.

#include <optional>
#include <string>
#include <string_view>

namespace sbc::base64 {

std::string encode(std::string_view bytes);

// The bytes, or nullopt when the text is not padded standard base64 (no whitespace allowed).
std::optional<std::string> decode(std::string_view text);

} // namespace sbc::base64
