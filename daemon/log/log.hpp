#pragma once
// Levelled, timestamped log lines on stderr (journald keeps them), tagged by component:
//   2026-11-25T03:20:00.123Z INFO  [http] listening on 127.0.0.1:8080
// Secrets registered with add_secret() are masked in every line, whatever the caller formatted.

#include <fmt/format.h>
#include <optional>
#include <string>
#include <string_view>

namespace sbc::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3, off = 4 };

// Parses "debug", "info", "warn"/"warning", "error", "off" (any case); nullopt for anything else.
std::optional<Level> parse_level(std::string_view name);
std::string_view level_name(Level level);

void set_level(Level level);
Level level();
inline bool enabled(Level l) {
    return l >= level();
}

// Masks this value (an auth token, an API key) in all later log lines. Values shorter than 4 bytes are
// ignored: masking them would garble ordinary text.
void add_secret(std::string secret);

// Writes one line; thread-safe. Use the log_* helpers below, which skip formatting when the level is off.
void write(Level level, std::string_view component, std::string_view message);

} // namespace sbc::log

namespace sbc {

template <typename... Args>
void log_debug(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (log::enabled(log::Level::debug)) {
        log::write(log::Level::debug, component, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args>
void log_info(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (log::enabled(log::Level::info)) {
        log::write(log::Level::info, component, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args>
void log_warn(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (log::enabled(log::Level::warn)) {
        log::write(log::Level::warn, component, fmt::format(f, std::forward<Args>(args)...));
    }
}
template <typename... Args>
void log_error(std::string_view component, fmt::format_string<Args...> f, Args&&... args) {
    if (log::enabled(log::Level::error)) {
        log::write(log::Level::error, component, fmt::format(f, std::forward<Args>(args)...));
    }
}

} // namespace sbc
