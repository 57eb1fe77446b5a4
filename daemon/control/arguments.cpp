#include "daemon/control/arguments.hpp"

#include "common/text.hpp"
#include "daemon/control/command.hpp"

#include <fmt/format.h>

namespace sbc::control {
namespace {

std::string type_name(const nlohmann::json& value) {
    return value.type_name();
}

// The value as a signed 64-bit integer. nlohmann::json keeps 2^63..2^64-1 as unsigned, and
// get<std::int64_t>() would wrap those to negative numbers, so they are refused here rather than read as,
// say, -1.
std::int64_t integer_of(std::string_view key, const nlohmann::json& value) {
    if (!value.is_number_integer()) {
        fail(protocol::k_invalid,
             fmt::format("argument '{}' must be an integer, not {}", key, type_name(value)));
    }
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX)) {
        fail(protocol::k_invalid, fmt::format("argument '{}' is too large: {} (the largest is {})", key,
                                              value.get<std::uint64_t>(), INT64_MAX));
    }
    return value.get<std::int64_t>();
}

} // namespace

const nlohmann::json* Arguments::find(std::string_view key) {
    m_known.emplace(key);
    auto it = m_object.find(std::string(key));
    if (it == m_object.end() || it->is_null()) {
        return nullptr;
    }
    return &*it;
}

std::optional<std::string> Arguments::optional_string(std::string_view key) {
    const auto* value = find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_string()) {
        fail(protocol::k_invalid,
             fmt::format("argument '{}' must be a string, not {}", key, type_name(*value)));
    }
    const auto& s = value->get_ref<const std::string&>();
    if (!text::is_valid_utf8(s)) {
        fail(protocol::k_invalid, fmt::format("argument '{}' is not valid UTF-8", key));
    }
    return s;
}

std::string Arguments::required_string(std::string_view key) {
    auto value = optional_string(key);
    if (!value) {
        fail(protocol::k_invalid, fmt::format("missing argument '{}'", key));
    }
    return *value;
}

std::int64_t Arguments::required_int(std::string_view key) {
    const auto* value = find(key);
    if (value == nullptr) {
        fail(protocol::k_invalid, fmt::format("missing argument '{}'", key));
    }
    return integer_of(key, *value);
}

std::int64_t Arguments::optional_int(std::string_view key, std::int64_t fallback, std::int64_t min,
                                     std::int64_t max) {
    const auto* value = find(key);
    if (value == nullptr) {
        return fallback;
    }
    auto n = integer_of(key, *value);
    if (n < min || n > max) {
        fail(protocol::k_invalid,
             fmt::format("argument '{}' must be between {} and {}, not {}", key, min, max, n));
    }
    return n;
}

std::optional<bool> Arguments::optional_bool(std::string_view key) {
    const auto* value = find(key);
    if (value == nullptr) {
        return std::nullopt;
    }
    if (!value->is_boolean()) {
        fail(protocol::k_invalid,
             fmt::format("argument '{}' must be true or false, not {}", key, type_name(*value)));
    }
    return value->get<bool>();
}

const nlohmann::json& Arguments::required_array(std::string_view key) {
    const auto* value = find(key);
    if (value == nullptr) {
        fail(protocol::k_invalid, fmt::format("missing argument '{}'", key));
    }
    if (!value->is_array()) {
        fail(protocol::k_invalid,
             fmt::format("argument '{}' must be an array, not {}", key, type_name(*value)));
    }
    return *value;
}

void Arguments::check_unknown() const {
    for (const auto& [key, value] : m_object.items()) {
        if (m_known.find(key) == m_known.end()) {
            fail(protocol::k_invalid, fmt::format("unknown argument '{}'", key));
        }
    }
}

} // namespace sbc::control
