#pragma once
// Twilio refuses a WhatsApp body over 1,600 characters (21617): longer replies go out as ordered parts.

#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

inline constexpr std::size_t k_max_body_chars = 1600;

// Splits valid UTF-8 text into parts of at most max_chars code points, at whitespace where possible (a word
// longer than a part is cut, between code points). Text that fits is returned as one part; empty text as
// none.
std::vector<std::string> split_message(std::string_view text, std::size_t max_chars = k_max_body_chars);

} // namespace sbc::answer
