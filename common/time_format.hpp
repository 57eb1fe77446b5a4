#pragma once
// Time as sbc stores it (Unix milliseconds) and shows it (ISO-8601 UTC).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sbc::time_format {

// Milliseconds since the Unix epoch, from the system clock.
std::int64_t now_ms();

// "2026-11-25T03:20:00Z"
std::string iso8601(std::int64_t unix_ms);

// "2026-11-25T03:20:00.123Z"
std::string iso8601_ms(std::int64_t unix_ms);

// Parses "2026-11-25", "2026-11-25T03:20", "2026-11-25T03:20:00Z" (UTC) or a relative "15m", "2h", "3d"
// before now_ms. nullopt when it is none of these.
std::optional<std::int64_t> parse_time(std::string_view text, std::int64_t now_ms);

} // namespace sbc::time_format
