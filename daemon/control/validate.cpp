#include "daemon/control/validate.hpp"

#include "common/phone.hpp"
#include "common/text.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>

namespace sbc::control {
namespace {

// What an IANA zone name is made of: letters, digits and "_+-" in components separated by single '/'. This
// keeps out "..", absolute paths and NUL bytes (with which "Europe/Rome\0junk" would pass as Europe/Rome).
bool zone_name_shape(std::string_view value) {
    constexpr std::string_view k_allowed =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-";
    return !value.empty() && value.front() != '/' && value.back() != '/' &&
           value.find("//") == std::string_view::npos &&
           value.find_first_not_of(k_allowed) == std::string_view::npos;
}

// A compiled zone ("TZif" magic), not one of the database's other files (leapseconds, tzdata.zi) or a folder.
bool is_zone_file(const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    char magic[4] = {};
    return in.read(magic, sizeof magic) && std::string_view(magic, sizeof magic) == "TZif";
}

} // namespace

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
    const std::filesystem::path zoneinfo = "/usr/share/zoneinfo";
    // Without a zone database on the machine nothing can be checked beyond the name's shape.
    if (zone_name_shape(value) &&
        (!std::filesystem::exists(zoneinfo) || is_zone_file(zoneinfo / std::string(value)))) {
        return std::string(value);
    }
    fail(protocol::k_invalid,
         fmt::format("unknown time zone '{}' (use an IANA name such as Europe/Rome or America/New_York)",
                     value));
}

} // namespace sbc::control
