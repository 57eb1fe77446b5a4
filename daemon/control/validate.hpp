#pragma once
// Checks on user input shared by control handlers (and later by owner commands): each returns the cleaned
// value or throws CommandError (invalid) with a message naming the field.

#include "common/result.hpp"
#include "daemon/control/command.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <string>
#include <string_view>

namespace sbc::control {

// Trimmed text of 1..max_chars characters (or 0.. when allow_empty); `what` names it in errors.
std::string checked_text(std::string_view what, std::string_view value, std::size_t max_chars,
                         bool allow_empty = false);
// A phone number in E.164 form.
std::string checked_phone(std::string_view what, std::string_view value);
// An IANA time zone name known to this machine ("Europe/Rome"), or "UTC".
std::string checked_timezone(std::string_view value);

// The value of a Result, or a CommandError carrying its code and message.
template <typename T>
T unwrap(Result<T> result) {
    if (!result.ok()) {
        fail(result.error().code, result.error().message);
    }
    return std::move(result.value());
}

using store::k_max_entry_chars;
inline constexpr std::size_t k_max_name_chars = 100;
inline constexpr std::size_t k_max_setting_chars = 1000;

} // namespace sbc::control
