#include "daemon/control/validate.hpp"

#include "common/phone.hpp"
#include "common/text.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace sbc::control {

std::string checked_text(std::string_view what, std::string_view value, std::size_t max_chars,
                         bool allow_empty) {
    if (!text::is_valid_utf8(value)) {
        fail(protocol::k_invalid, fmt::format("{} is not valid UTF-8", what));
    }
    std::string_view trimmed = text::trim(value);
    if (trimmed.empty() && !allow_empty) {
        fail(protocol::k_invalid, fmt::format("{} is empty", what));
    }
    std::size_t length = text::utf8_length(trimmed);
    if (length > max_chars) {
        fail(protocol::k_invalid,
             fmt::format("{} is {} characters long; the limit is {} (split it into several)", what, length,
                         max_chars));
    }
    return std::string(trimmed);
}

std::string checked_phone(std::string_view what, std::string_view value) {
    auto normalized = phone::normalize(value);
    if (!normalized) {
        fail(protocol::k_invalid, fmt::format("{}: {}", what, normalized.error().message));
    }
    return *normalized;
}

std::string checked_timezone(std::string_view value) {
    if (value == "UTC") {
        return "UTC";
    }
    bool plausible = !value.empty() && value.find("..") == std::string_view::npos && value.front() != '/';
    const std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
    // Without a zone database on the machine nothing can be checked beyond the name's shape.
    if (plausible &&
        (!std::filesystem::exists(zoneinfo) || std::filesystem::is_regular_file(zoneinfo / value))) {
        return std::string(value);
    }
    fail(protocol::k_invalid,
         fmt::format("unknown time zone '{}' (use an IANA name such as Europe/Rome or America/New_York)",
                     value));
}

} // namespace sbc::control
