// Fuzz target: the form-body parser (daemon/http/form_parser.*), which decodes every webhook body Twilio
// posts before its signature is checked. Input: a request body.

#include "daemon/http/form_parser.hpp"
#include "fuzz/fuzz_check.hpp"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using sbc::fuzz::printable;
using sbc::http::decode_form_component;
using sbc::http::encode_form;
using sbc::http::FormPair;
using sbc::http::parse_form;
using sbc::http::percent_encode_form;

bool is_hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

// The non-empty pieces between '&'s: one pair each.
std::vector<std::string_view> segments(std::string_view body) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) {
            amp = body.size();
        }
        if (amp > pos) {
            out.push_back(body.substr(pos, amp - pos));
        }
        pos = amp + 1;
    }
    return out;
}

// A refusal names the byte offset of a '%' that does not start a complete escape.
void check_refused(std::string_view body, const std::string& message) {
    constexpr std::string_view k_at = "at byte ";
    std::size_t at = message.find(k_at);
    FUZZ_CHECK(at != std::string::npos, "refusal without an offset: " + message);
    std::size_t offset = std::stoul(message.substr(at + k_at.size()));
    FUZZ_CHECK(offset < body.size() && body[offset] == '%',
               "refusal of " + printable(body) + " points at no '%': " + message);
    bool complete = offset + 2 < body.size() && is_hex(body[offset + 1]) && is_hex(body[offset + 2]);
    FUZZ_CHECK(!complete, "refusal of " + printable(body) + " points at a valid escape: " + message);
    FUZZ_CHECK(!decode_form_component(body).ok(),
               "the whole body decodes, but its pairs do not: " + printable(body));
}

void check_parsed(std::string_view body, const std::vector<FormPair>& pairs) {
    auto pieces = segments(body);
    FUZZ_CHECK(pairs.size() == pieces.size(), "pair count of " + printable(body));
    for (std::size_t i = 0; i < pairs.size(); ++i) {
        const auto& [name, value] = pairs[i];
        std::string_view piece = pieces[i];
        // Decoding never grows a component; without '%' and '+' it is the identity.
        FUZZ_CHECK(name.size() + value.size() <= piece.size(), "pair grew: " + printable(piece));
        if (piece.find_first_of("%+") == std::string_view::npos) {
            std::size_t eq = piece.find('=');
            std::string_view raw_name = piece.substr(0, eq);
            std::string_view raw_value = eq == std::string_view::npos ? "" : piece.substr(eq + 1);
            FUZZ_CHECK(name == raw_name && value == raw_value, "plain pair " + printable(piece) +
                                                                   " decoded to " + printable(name) + " = " +
                                                                   printable(value));
        }
    }
    FUZZ_CHECK(decode_form_component(body).ok(),
               "the pairs decode, but the whole body does not: " + printable(body));

    // Re-encoded, the pairs parse back to themselves, and the encoding uses only the safe alphabet.
    sbc::http::FormParams params{pairs};
    std::string encoded = encode_form(params);
    for (char c : encoded) {
        bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                    c == '.' || c == '_' || c == '~' || c == '+' || c == '%' || c == '&' || c == '=';
        FUZZ_CHECK(safe, "encode_form wrote " + printable(encoded));
    }
    auto reparsed = parse_form(encoded);
    FUZZ_CHECK(reparsed.ok() && reparsed->pairs == pairs,
               "pairs of " + printable(body) + " do not survive " + printable(encoded));

    // Lookups agree with the pairs (bounded, so that a body of many pairs stays fast).
    for (std::size_t i = 0; i < pairs.size() && i < 16; ++i) {
        const std::string& name = pairs[i].first;
        std::vector<std::string_view> expected;
        for (const auto& [n, v] : pairs) {
            if (n == name) {
                expected.emplace_back(v);
            }
        }
        FUZZ_CHECK(params.all(name) == expected, "all(" + printable(name) + ") in " + printable(body));
        FUZZ_CHECK(params.first(name) == expected.front(),
                   "first(" + printable(name) + ") in " + printable(body));
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    auto parsed = parse_form(body);
    if (parsed.ok()) {
        check_parsed(body, parsed->pairs);
    } else {
        check_refused(body, parsed.error().message);
    }

    // Any bytes survive percent-encoding and decoding.
    std::string encoded = percent_encode_form(body);
    auto decoded = decode_form_component(encoded);
    FUZZ_CHECK(decoded.ok() && *decoded == body,
               "percent_encode_form does not round-trip " + printable(body));
    return 0;
}
