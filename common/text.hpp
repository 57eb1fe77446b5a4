#pragma once
// Small text helpers both binaries need: UTF-8 validation, slugs, trimming.

#include "common/result.hpp"

#include <string>
#include <string_view>

namespace sbc::text {

// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// Number of code points in valid UTF-8 (Twilio's 1,600-character limit counts characters, not bytes).
std::size_t utf8_length(std::string_view bytes);

// A business id from its name: "Pizza Palace!" -> "pizza-palace". Fails when the name has no ASCII letter or
// digit to build one from, telling the user to pass --id.
Result<std::string> slugify(std::string_view name);

// An id is 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'. Returns why not, or ok.
Status check_slug(std::string_view id);

std::string_view trim(std::string_view s);

} // namespace sbc::text
