#pragma once
// application/x-www-form-urlencoded bodies (what Twilio posts to us and what we post to Twilio), decoded into
// an ordered multimap. Order and repeated names are kept because signature validation needs every pair as
// received.

#include "common/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbc::http {

using FormPair = std::pair<std::string, std::string>;

// Decoded form parameters in the order they appeared; a name may repeat (e.g. MediaUrl).
struct FormParams {
    std::vector<FormPair> pairs;

    // The value of the first pair with this exact (case-sensitive) name, or nullopt when there is none.
    std::optional<std::string_view> first(std::string_view name) const;

    // Every value given for this name, in order; empty when there is none.
    std::vector<std::string_view> all(std::string_view name) const;

    // Appends a pair (names may repeat); never fails.
    void add(std::string name, std::string value);

    // Number of pairs, repeated names counted each time.
    std::size_t size() const { return pairs.size(); }
    bool empty() const { return pairs.empty(); }
};

// Decodes a form body: '+' becomes a space, %XX a byte, nothing is trimmed, empty pairs ("a=1&&b=2") are
// skipped and a name without '=' gets an empty value. Fails on a malformed escape, naming its byte offset.
Result<FormParams> parse_form(std::string_view body);

// Percent-decodes one form component ('+' is a space). Fails on a malformed escape, naming its byte offset
// within the component.
Result<std::string> decode_form_component(std::string_view component);

// The form encoding of one name or value: A-Z a-z 0-9 - . _ ~ kept, space as '+', every other byte as %XX
// (uppercase hex). Never fails.
std::string percent_encode_form(std::string_view raw);

// "name=value&name=value" with each side encoded by percent_encode_form, in the given order. Never fails.
std::string encode_form(const std::vector<FormPair>& pairs);

// Same as above for parsed or built parameters.
std::string encode_form(const FormParams& params);

} // namespace sbc::http
