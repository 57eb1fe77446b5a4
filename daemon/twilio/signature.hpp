#pragma once
// X-Twilio-Signature: how Twilio signs its webhooks and how we check them (twilio-facts.md §2 and §7).
// The URL passed in is the public URL exactly as Twilio requested it, built by the caller from
// WEBHOOK_BASE_URL and the raw request target, never re-encoded.

#include "common/result.hpp"
#include "daemon/http/form_parser.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace sbc::twilio {

// Error codes of a failed validation, so that callers can count rejections by reason.
inline constexpr int k_signature_missing = 1;  // no X-Twilio-Signature header, or an empty one
inline constexpr int k_signature_mismatch = 2; // no URL candidate gives the header's value
inline constexpr int k_body_hash_missing = 3;  // a JSON body but no bodySHA256 in the URL's query
inline constexpr int k_body_hash_mismatch = 4; // bodySHA256 is not the SHA-256 of the body received

// The string Twilio signs: the URL followed by name+value for every parameter, names in byte order, each
// name's values sorted and de-duplicated. Never fails.
std::string signing_string(std::string_view url, const http::FormParams& params);

// Base64(HMAC-SHA1(auth token, signing_string(url, params))), 28 characters: what Twilio puts in the header.
// Never fails (OpenSSL failing here would be a broken installation, reported by an exception).
std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const http::FormParams& params);

// The URLs Twilio may have signed for this request URL, the URL itself first: with an explicit port removed,
// with :443/:80 added when no port is given, and each of those with "'" in the query re-encoded as %27 (and
// %27 decoded to "'"). Any fragment is dropped, since Twilio never sends it. Never fails.
std::vector<std::string> url_candidates(std::string_view url);

// Validates a form-encoded (or GET, params empty) webhook. Returns ok, or an error with one of the codes
// above and a message saying what to check.
Status validate_form_request(std::string_view auth_token, std::string_view url,
                             const http::FormParams& params, std::string_view signature_header);

// Validates a webhook with a JSON body: the URL (which must carry bodySHA256) is signed alone, and
// bodySHA256 must be the lowercase hex SHA-256 of the raw body bytes. Returns ok or an error as above.
Status validate_json_request(std::string_view auth_token, std::string_view url, std::string_view raw_body,
                             std::string_view signature_header);

// Lowercase hex SHA-256 of bytes, as Twilio writes bodySHA256. Never fails.
std::string sha256_hex(std::string_view bytes);

} // namespace sbc::twilio
