#pragma once
// Levelled, timestamped log lines on stderr (journald keeps them) or in a file, tagged by component and,
// while a request is handled, by its request ID:
//   2026-11-25T03:20:00.123Z INFO  [http] listening on 127.0.0.1:8080
//   2026-11-25T03:20:01.456Z DEBUG [outbox] req=SM0123... message 7 to +1555... accepted by Twilio as SM...
// or, with the JSON format, one object per line:
//   {"time":"2026-11-25T03:20:00.123Z","level":"info","component":"http","message":"listening on ..."}
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

enum class Format { text, json };
void set_format(Format format);
// "text" or "json"; nullopt for anything else.
std::optional<Format> parse_format(std::string_view name);

// Appends the lines to `path` from now on (empty: back to stderr). Returns why the file cannot be opened
// (and keeps the current destination), or an empty string.
std::string set_file(const std::string& path);
// Opens the current log file again by its name, for logrotate (SIGHUP). Returns an error or "".
std::string reopen_file();

// The request ID of the lines this thread writes while the scope lives: a webhook's MessageSid, so that the
// lines about its reply (written by the sender, under the same ID) can be found with one grep.
class RequestScope {
  public:
    explicit RequestScope(std::string id);
    ~RequestScope();
    RequestScope(const RequestScope&) = delete;
    RequestScope& operator=(const RequestScope&) = delete;

  private:
    std::string m_previous;
};
// A fresh random ID ("r" + 12 hex digits) for a request that carries none.
std::string new_request_id();

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
