#pragma once
// Small text helpers both binaries need: UTF-8 validation, slugs, trimming, previews.

#include "common/result.hpp"

#include <string>
#include <string_view>

namespace sbc::text {

// True when the bytes are well-formed UTF-8 (no overlongs, no surrogates, nothing past U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

// Number of code points in valid UTF-8 (Twilio's 1,600-character limit counts characters, not bytes).
std::size_t utf8_length(std::string_view bytes);

// The bytes of the first `max_chars` code points of UTF-8 `bytes` (all of them when it is shorter): where to
// cut it without splitting a character.
std::size_t utf8_prefix_bytes(std::string_view bytes, std::size_t max_chars);

// A business id from its name: "Pizza Palace!" -> "pizza-palace". Fails when the name has no ASCII letter or
// digit to build one from, telling the user to pass --id.
Result<std::string> slugify(std::string_view name);

// An id is 1-64 characters of a-z, 0-9 and '-', not starting or ending with '-'. Returns why not, or ok.
Status check_slug(std::string_view id);

std::string_view trim(std::string_view s);

// A-Z as a-z; other bytes, UTF-8 included, as they are (for keywords, headers and file names).
std::string ascii_lower(std::string_view s);

// a == b, A-Z matching a-z (header names, media types, URL schemes); nothing is copied.
bool iequals(std::string_view a, std::string_view b);

// The start of a text on one line, for a short confirmation: at most `max_chars` characters (code points),
// line breaks as spaces, and "…" when something was cut.
std::string preview(std::string_view text, std::size_t max_chars);

} // namespace sbc::text
