// Fuzz target: phone::normalize (common/phone.*), which reads the From and To of every webhook and every
// number an operator types. Input: the raw text of a number.

#include "common/phone.hpp"
#include "common/text.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using sbc::fuzz::printable;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// "+", then 7 to 15 digits, the first not 0.
bool is_e164(std::string_view s) {
    if (s.size() < 8 || s.size() > 16 || s[0] != '+' || s[1] == '0') {
        return false;
    }
    for (char c : s.substr(1)) {
        if (!is_digit(c)) {
            return false;
        }
    }
    return true;
}

std::string digits_of(std::string_view s) {
    std::string out;
    for (char c : s) {
        if (is_digit(c)) {
            out.push_back(c);
        }
    }
    return out;
}

// The number normalises to `expected` when written as `written`.
void expect_same(std::string_view written, const std::string& expected, std::string_view input) {
    auto result = sbc::phone::normalize(written);
    FUZZ_CHECK(result.ok() && *result == expected,
               "input " + printable(input) + " gave " + expected + ", but " + printable(written) + " gave " +
                   (result.ok() ? *result : "error: " + result.error().message));
}

void check_accepted(std::string_view input, const std::string& e164) {
    FUZZ_CHECK(is_e164(e164), "input " + printable(input) + " gave " + printable(e164));
    // The input's digits are kept in order, less a leading "00" read as the international prefix.
    std::string digits = e164.substr(1);
    std::string input_digits = digits_of(input);
    FUZZ_CHECK(input_digits == digits || input_digits == "00" + digits,
               "input " + printable(input) + " gave " + e164);

    // Idempotent, and every way of writing it that README promises gives it back.
    expect_same(e164, e164, input);
    expect_same(sbc::phone::to_whatsapp(e164), e164, input);
    expect_same("00" + digits, e164, input);
    std::string spaced = "+" + digits.substr(0, 1) + " ";
    for (std::size_t i = 1; i < digits.size(); ++i) {
        spaced.push_back(digits[i]);
        if (i % 3 == 0 && i + 1 < digits.size()) {
            spaced.push_back(i % 2 == 0 ? '-' : '.');
        }
    }
    expect_same(spaced, e164, input);
    expect_same("whatsapp:(+" + digits.substr(0, 1) + ") " + digits.substr(1), e164, input);
}

void check_refused(std::string_view input, const sbc::Error& error) {
    FUZZ_CHECK(error.message.find("+15551234567") != std::string::npos,
               "the refusal of " + printable(input) + " does not show a valid number: " + error.message);
    // The message reaches sbcctl, HTTP replies and JSON logs: valid text in, valid text out.
    FUZZ_CHECK(!sbc::text::is_valid_utf8(input) || sbc::text::is_valid_utf8(error.message),
               "the refusal of " + printable(input) + " is not valid UTF-8: " + printable(error.message));
    // A refused input stays refused behind the whatsapp: prefix.
    auto prefixed = sbc::phone::normalize(sbc::phone::to_whatsapp(input));
    FUZZ_CHECK(!prefixed.ok(), "input " + printable(input) + " is refused, but with whatsapp: it gives " +
                                   (prefixed.ok() ? *prefixed : ""));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    auto result = sbc::phone::normalize(input);
    if (result.ok()) {
        check_accepted(input, *result);
    } else {
        check_refused(input, result.error());
    }
    return 0;
}
