// Fuzz target: X-Twilio-Signature validation (daemon/twilio/signature.*), which decides whether a webhook
// came from Twilio. Input: the auth token on the first line, the request URL on the second, the form body
// after it (a body that does not parse becomes the value of one "Body" parameter, so that its bytes still
// count).

#include "daemon/http/form_parser.hpp"
#include "daemon/twilio/signature.hpp"
#include "fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace {

using sbc::fuzz::printable;
using sbc::http::FormParams;
using namespace sbc::twilio;

// The next line of `input` (without its '\n'); the rest stays in `input`.
std::string_view take_line(std::string_view& input) {
    std::size_t newline = input.find('\n');
    std::string_view line = input.substr(0, newline);
    input.remove_prefix(newline == std::string_view::npos ? input.size() : newline + 1);
    return line;
}

bool is_base64(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
               c == '/' || c == '=';
    });
}

// What the validator accepts, worked out independently: a header that is the signature of the parameters over
// one of the URL's candidates.
bool accepted_by_oracle(std::string_view token, std::string_view url, const FormParams& params,
                        std::string_view header) {
    for (const auto& candidate : url_candidates(url)) {
        if (compute_signature(token, candidate, params) == header) {
            return true;
        }
    }
    return false;
}

void check_candidates(std::string_view url, std::string_view signed_url) {
    auto candidates = url_candidates(url);
    FUZZ_CHECK(!candidates.empty() && candidates.front() == signed_url,
               "the first candidate of " + printable(url) + " is not the URL itself");
    FUZZ_CHECK(candidates.size() <= 6, "too many candidates for " + printable(url));
    for (std::size_t i = 0; i < candidates.size(); ++i) {
        FUZZ_CHECK(candidates[i].find('#') == std::string::npos,
                   "candidate with a fragment: " + candidates[i]);
        FUZZ_CHECK(std::count(candidates.begin(), candidates.end(), candidates[i]) == 1,
                   "repeated candidate " + printable(candidates[i]) + " of " + printable(url));
        // Each candidate is its own first candidate: the set is closed under taking candidates once.
        FUZZ_CHECK(url_candidates(candidates[i]).front() == candidates[i],
                   "candidate " + printable(candidates[i]) + " is not kept as is");
    }
}

void check_form(std::string_view token, std::string_view url, std::string_view signed_url,
                const FormParams& params) {
    std::string signature = compute_signature(token, signed_url, params);
    FUZZ_CHECK(signature.size() == 28 && signature.back() == '=' && is_base64(signature),
               "signature " + printable(signature));
    auto valid = validate_form_request(token, url, params, signature);
    FUZZ_CHECK(valid.ok(), "Twilio's own signature is refused for " + printable(url) + ": " +
                               (valid.ok() ? "" : valid.error().message));

    // The order of the parameters does not matter; Twilio sorts them.
    FormParams reversed{std::vector(params.pairs.rbegin(), params.pairs.rend())};
    FUZZ_CHECK(compute_signature(token, signed_url, reversed) == signature,
               "signature depends on pair order");

    // No header, a header with one bit flipped, or the wrong token: refused, with the right reason.
    auto missing = validate_form_request(token, url, params, "");
    FUZZ_CHECK(!missing.ok() && missing.error().code == k_signature_missing, "empty header not refused");
    std::string flipped = signature;
    flipped[signed_url.size() % flipped.size()] ^= static_cast<char>(1 << (params.size() % 7));
    auto bad = validate_form_request(token, url, params, flipped);
    FUZZ_CHECK(!bad.ok() && bad.error().code == k_signature_mismatch,
               "flipped signature " + flipped + " accepted for " + printable(url));
    auto wrong_token = validate_form_request(std::string(token) + "x", url, params, signature);
    FUZZ_CHECK(!wrong_token.ok() && wrong_token.error().code == k_signature_mismatch,
               "signature accepted under another token for " + printable(url));

    // A tampered parameter is refused unless it signs the very same string over some candidate.
    FormParams tampered = params;
    if (tampered.empty()) {
        tampered.add("Body", "");
    } else {
        tampered.pairs.back().second.push_back('x');
    }
    bool expected = accepted_by_oracle(token, url, tampered, signature);
    auto result = validate_form_request(token, url, tampered, signature);
    FUZZ_CHECK(result.ok() == expected, "tampered parameters of " + printable(url) + ": validator says " +
                                            (result.ok() ? "ok" : "refused") + ", oracle the opposite");
}

void check_json(std::string_view token, std::string_view signed_url, std::string_view body) {
    if (signed_url.find("bodySHA256") != std::string_view::npos) {
        return; // the URL already names a hash; which one counts is not what this checks
    }
    std::string hash = sha256_hex(body);
    FUZZ_CHECK(hash.size() == 64 && hash.find_first_not_of("0123456789abcdef") == std::string::npos,
               "sha256_hex gave " + printable(hash));
    std::string url = std::string(signed_url) + (signed_url.find('?') == std::string_view::npos ? "?" : "&") +
                      "bodySHA256=" + hash;
    std::string signature = compute_signature(token, url, FormParams{});
    auto valid = validate_json_request(token, url, body, signature);
    FUZZ_CHECK(valid.ok(), "JSON webhook with its own signature refused at " + printable(url) + ": " +
                               (valid.ok() ? "" : valid.error().message));

    std::string other_body(body);
    if (other_body.empty()) {
        other_body = "{}";
    } else {
        other_body[other_body.size() / 2] ^= 0x20;
    }
    auto altered = validate_json_request(token, url, other_body, signature);
    FUZZ_CHECK(!altered.ok() && altered.error().code == k_body_hash_mismatch,
               "altered JSON body accepted at " + printable(url));
    auto missing = validate_json_request(token, signed_url, body, signature);
    FUZZ_CHECK(!missing.ok() && missing.error().code == k_body_hash_missing,
               "JSON body without bodySHA256 accepted at " + printable(signed_url));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    std::string_view token = take_line(input);
    std::string_view url = take_line(input);
    std::string_view body = input;

    auto parsed = sbc::http::parse_form(body);
    FormParams params;
    if (parsed.ok()) {
        params = std::move(*parsed);
    } else {
        params.add("Body", std::string(body));
    }

    // Twilio signs the URL it calls, which never carries a fragment.
    std::string_view signed_url = url.substr(0, url.find('#'));
    check_candidates(url, signed_url);
    check_form(token, url, signed_url, params);
    check_json(token, signed_url, body);
    return 0;
}
