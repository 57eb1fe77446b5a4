#include "common/phone.hpp"

#include "common/text.hpp"

#include <fmt/format.h>

namespace sbc::phone {
namespace {

constexpr std::string_view k_whatsapp_prefix = "whatsapp:";
constexpr std::size_t k_min_digits = 7;
constexpr std::size_t k_max_digits = 15;

bool is_separator(char c) {
    return c == ' ' || c == '-' || c == '.' || c == '(' || c == ')' || c == '\t';
}

// A character the number may not contain, as the error names it: quoted when it is printable ASCII or a whole
// UTF-8 character (so the message stays valid UTF-8 for sbcctl, JSON and logs), else as its byte value.
std::string describe_character(std::string_view from) {
    auto c = static_cast<unsigned char>(from.front());
    if (c >= 0x20 && c < 0x7F) {
        return fmt::format("character '{}'", from.front());
    }
    for (std::size_t length = 2; c >= 0x80 && length <= 4 && length <= from.size(); ++length) {
        if (text::is_valid_utf8(from.substr(0, length))) {
            return fmt::format("character '{}'", from.substr(0, length));
        }
    }
    return fmt::format("byte 0x{:02X}", c);
}

Error invalid(std::string_view input, std::string_view why) {
    return Error{
        1, fmt::format("invalid phone number '{}': {} (write it in international form, e.g. +15551234567)",
                       input, why)};
}

} // namespace

Result<std::string> normalize(std::string_view input) {
    std::string_view rest = input;
    if (rest.substr(0, k_whatsapp_prefix.size()) == k_whatsapp_prefix) {
        rest.remove_prefix(k_whatsapp_prefix.size());
    }
    std::string digits;
    bool plus = false;
    for (std::size_t i = 0; i < rest.size(); ++i) {
        char c = rest[i];
        if (c == '+') {
            if (plus || !digits.empty()) {
                return invalid(input, "'+' may only stand at the start");
            }
            plus = true;
        } else if (c >= '0' && c <= '9') {
            digits.push_back(c);
        } else if (!is_separator(c)) {
            return invalid(input, "unexpected " + describe_character(rest.substr(i)));
        }
    }
    if (!plus && digits.size() > 2 && digits.compare(0, 2, "00") == 0) {
        digits.erase(0, 2); // 00 is the international call prefix in most countries: the same as "+"
        plus = true;
    }
    if (digits.empty()) {
        return invalid(input, "it has no digits");
    }
    if (!plus) {
        return invalid(input, "the country code is missing (start with +)");
    }
    if (digits.front() == '0') {
        return invalid(input, "a country code never starts with 0");
    }
    if (digits.size() < k_min_digits) {
        return invalid(input, fmt::format("{} digits is too short for a full number", digits.size()));
    }
    if (digits.size() > k_max_digits) {
        return invalid(input, fmt::format("{} digits is longer than the 15 E.164 allows", digits.size()));
    }
    return "+" + digits;
}

std::string to_whatsapp(std::string_view e164) {
    return std::string(k_whatsapp_prefix) + std::string(e164);
}

} // namespace sbc::phone
