#include "daemon/twilio/signature.hpp"

#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <optional>
#include <stdexcept>

namespace sbc::twilio {
namespace {

constexpr std::string_view k_scheme_separator = "://";
constexpr std::string_view k_body_hash_name = "bodySHA256";
constexpr std::size_t k_sha1_bytes = 20;

std::string base64(const unsigned char* data, std::size_t size) {
    std::string out(4 * ((size + 2) / 3), '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(size));
    out.resize(static_cast<std::size_t>(written));
    return out;
}

// Where the port sits in a URL: [colon, end) is ":1234" (colon == end when there is no port), host_end is
// where a port would be inserted. Userinfo ("user:pass@") and IPv6 literals ("[::1]:8080") are skipped over.
struct PortSpan {
    bool valid = false;
    std::string_view scheme;
    std::size_t colon = 0;
    std::size_t end = 0;
    bool present() const { return colon != end; }
};

PortSpan find_port(std::string_view url) {
    PortSpan span;
    std::size_t sep = url.find(k_scheme_separator);
    if (sep == std::string_view::npos) {
        return span;
    }
    span.scheme = url.substr(0, sep);
    std::size_t authority_begin = sep + k_scheme_separator.size();
    std::size_t authority_end = url.find_first_of("/?#", authority_begin);
    if (authority_end == std::string_view::npos) {
        authority_end = url.size();
    }
    std::string_view authority = url.substr(authority_begin, authority_end - authority_begin);
    std::size_t at = authority.rfind('@');
    std::size_t host_begin = at == std::string_view::npos ? 0 : at + 1;
    std::size_t search_from = host_begin;
    if (host_begin < authority.size() && authority[host_begin] == '[') {
        std::size_t bracket = authority.find(']', host_begin);
        if (bracket == std::string_view::npos) {
            return span;
        }
        search_from = bracket;
    }
    std::size_t colon = authority.find(':', search_from);
    span.valid = true;
    span.end = authority_begin + authority.size();
    span.colon = colon == std::string_view::npos ? span.end : authority_begin + colon;
    return span;
}

// Replaces in the query only: the path is not what the legacy querystring encoder touched.
std::string replace_in_query(std::string_view url, std::string_view from, std::string_view to,
                             bool ignore_case) {
    std::size_t query = url.find('?');
    if (query == std::string_view::npos) {
        return std::string(url);
    }
    std::string out(url.substr(0, query));
    std::size_t i = query;
    while (i < url.size()) {
        std::string_view rest = url.substr(i, from.size());
        if (ignore_case ? text::iequals(rest, from) : rest == from) {
            out += to;
            i += from.size();
        } else {
            out.push_back(url[i]);
            ++i;
        }
    }
    return out;
}

// Twilio never sends a URL's fragment, so it is never signed.
std::string_view without_fragment(std::string_view url) {
    return url.substr(0, url.find('#'));
}

void add_unique(std::vector<std::string>& list, std::string value) {
    if (std::find(list.begin(), list.end(), value) == list.end()) {
        list.push_back(std::move(value));
    }
}

// The raw value of the first name=value pair in the URL's query with exactly this (unencoded) name. Only the
// hex bodySHA256 is looked up, so no decoding is needed, and a malformed escape elsewhere does not hide it.
std::optional<std::string_view> find_query_value(std::string_view url, std::string_view name) {
    std::size_t query_begin = url.find('?');
    if (query_begin == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view query = url.substr(query_begin + 1);
    query = query.substr(0, query.find('#'));
    while (!query.empty()) {
        std::size_t amp = query.find('&');
        std::string_view pair = query.substr(0, amp);
        std::size_t eq = pair.find('=');
        if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
            return pair.substr(eq + 1);
        }
        if (amp == std::string_view::npos) {
            break;
        }
        query.remove_prefix(amp + 1);
    }
    return std::nullopt;
}

// HMAC-SHA1 contexts keyed with the auth token, one per thread. OpenSSL 3's one-shot HMAC() looks the
// algorithm up by name on every call (EVP_Q_mac), which was most of a webhook's signature check under load
// (perf); a keyed context is only re-initialised per message. Re-keyed when the token changes (SIGHUP).
class KeyedHmac {
  public:
    KeyedHmac() : m_mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr)) {}
    ~KeyedHmac() {
        EVP_MAC_CTX_free(m_ctx);
        EVP_MAC_free(m_mac);
    }
    KeyedHmac(const KeyedHmac&) = delete;
    KeyedHmac& operator=(const KeyedHmac&) = delete;

    // Starts a message under `key`; false when OpenSSL fails.
    bool start(std::string_view key) {
        if (m_ctx && key == m_key) {
            return EVP_MAC_init(m_ctx, nullptr, 0, nullptr) == 1; // the same key again
        }
        EVP_MAC_CTX_free(m_ctx);
        m_ctx = m_mac ? EVP_MAC_CTX_new(m_mac) : nullptr;
        char digest[] = "SHA1";
        OSSL_PARAM settings[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
        if (!m_ctx || EVP_MAC_init(m_ctx, reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                                   settings) != 1) {
            EVP_MAC_CTX_free(m_ctx); // no context without its key: the next message starts afresh
            m_ctx = nullptr;
            return false;
        }
        m_key.assign(key);
        return true;
    }
    EVP_MAC_CTX* ctx() { return m_ctx; }

  private:
    EVP_MAC* m_mac = nullptr;
    EVP_MAC_CTX* m_ctx = nullptr;
    std::string m_key;
};

// HMAC-SHA1 of head followed by tail, without joining them.
std::size_t hmac_sha1(std::string_view key, std::string_view head, std::string_view tail, unsigned char* out,
                      std::size_t room) {
    thread_local KeyedHmac hmac;
    auto update = [&](std::string_view part) {
        return EVP_MAC_update(hmac.ctx(), reinterpret_cast<const unsigned char*>(part.data()), part.size()) ==
               1;
    };
    std::size_t size = 0;
    if (!hmac.start(key) || !update(head) || !update(tail) ||
        EVP_MAC_final(hmac.ctx(), out, &size, room) != 1 || size != k_sha1_bytes) {
        throw std::runtime_error("OpenSSL HMAC-SHA1 failed (is the OpenSSL installation broken?)");
    }
    return size;
}

Error mismatch() {
    return Error{
        k_signature_mismatch,
        "X-Twilio-Signature does not match the request (check that TWILIO_AUTH_TOKEN is the token of the "
        "account owning the number and that WEBHOOK_BASE_URL is the public URL configured at Twilio)"};
}

Error missing() {
    return Error{k_signature_missing,
                 "X-Twilio-Signature header is missing or empty (only Twilio may call this "
                 "endpoint; the request was not signed)"};
}

std::string signature_of(std::string_view auth_token, std::string_view url, std::string_view params_part) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    auto digest_size = hmac_sha1(auth_token, url, params_part, digest.data(), digest.size());
    return base64(digest.data(), digest_size);
}

// The sorted name+value pairs: what the signed string holds after the URL, the same for every candidate URL.
std::string signed_params(const http::FormParams& params) {
    std::vector<const http::FormPair*> sorted;
    sorted.reserve(params.pairs.size());
    std::size_t size = 0;
    for (const auto& pair : params.pairs) {
        sorted.push_back(&pair);
        size += pair.first.size() + pair.second.size();
    }
    // std::string compares bytes as unsigned char, i.e. in code point order for UTF-8, as the SDKs sort.
    std::sort(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a < *b; });
    sorted.erase(
        std::unique(sorted.begin(), sorted.end(), [](const auto* a, const auto* b) { return *a == *b; }),
        sorted.end());
    std::string out;
    out.reserve(size);
    for (const auto* pair : sorted) {
        out += pair->first;
        out += pair->second;
    }
    return out;
}

bool signature_is(std::string_view auth_token, std::string_view url, std::string_view params_part,
                  std::string_view header) {
    std::string expected = signature_of(auth_token, url, params_part);
    return expected.size() == header.size() &&
           CRYPTO_memcmp(expected.data(), header.data(), expected.size()) == 0;
}

// The URL as given is tried first: it is the one Twilio signs in the usual case, and stopping there saves
// building the other candidates and their HMACs (perf under load: they were about 3% of sbcd's samples).
// What the timing then tells is which URL form matched, which depends on the URL alone, known to the
// sender; the comparison with the secret-derived signature stays constant-time, and a forged signature is
// still compared with every candidate.
bool signature_matches(std::string_view auth_token, std::string_view url, const http::FormParams& params,
                       std::string_view header) {
    std::string params_part = signed_params(params);
    if (signature_is(auth_token, without_fragment(url), params_part, header)) {
        return true;
    }
    auto candidates = url_candidates(url); // the first is without_fragment(url), tried above
    return std::any_of(candidates.begin() + 1, candidates.end(), [&](const std::string& candidate) {
        return signature_is(auth_token, candidate, params_part, header);
    });
}

} // namespace

std::string signing_string(std::string_view url, const http::FormParams& params) {
    return std::string(url) + signed_params(params);
}

std::string compute_signature(std::string_view auth_token, std::string_view url,
                              const http::FormParams& params) {
    return signature_of(auth_token, url, signed_params(params));
}

std::vector<std::string> url_candidates(std::string_view url) {
    url = without_fragment(url);
    std::vector<std::string> bases{std::string(url)};
    PortSpan port = find_port(url);
    if (port.valid && port.present()) {
        add_unique(bases, std::string(url.substr(0, port.colon)) + std::string(url.substr(port.end)));
    } else if (port.valid) {
        std::string_view default_port;
        if (text::iequals(port.scheme, "https")) {
            default_port = ":443";
        } else if (text::iequals(port.scheme, "http")) {
            default_port = ":80";
        }
        if (!default_port.empty()) {
            add_unique(bases, std::string(url.substr(0, port.end)) + std::string(default_port) +
                                  std::string(url.substr(port.end)));
        }
    }
    std::vector<std::string> candidates;
    for (const auto& base : bases) {
        add_unique(candidates, base);
    }
    // twilio-node's legacy querystring variant: Twilio signs "'" unescaped, some URL libraries re-encode it.
    for (const auto& base : bases) {
        add_unique(candidates, replace_in_query(base, "'", "%27", false));
        add_unique(candidates, replace_in_query(base, "%27", "'", true));
    }
    return candidates;
}

Status validate_form_request(std::string_view auth_token, std::string_view url,
                             const http::FormParams& params, std::string_view signature_header) {
    if (signature_header.empty()) {
        return missing();
    }
    if (!signature_matches(auth_token, url, params, signature_header)) {
        return mismatch();
    }
    return ok_status();
}

Status validate_json_request(std::string_view auth_token, std::string_view url, std::string_view raw_body,
                             std::string_view signature_header) {
    if (signature_header.empty()) {
        return missing();
    }
    std::optional<std::string_view> declared_hash = find_query_value(url, k_body_hash_name);
    if (!declared_hash) {
        return Error{k_body_hash_missing,
                     "a JSON webhook body must come with bodySHA256 in the URL's query, and "
                     "this request has none (it was not signed by Twilio)"};
    }
    std::string lowered(*declared_hash);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](char c) { return (c >= 'A' && c <= 'F') ? static_cast<char>(c - 'A' + 'a') : c; });
    if (lowered != sha256_hex(raw_body)) {
        return Error{k_body_hash_mismatch,
                     "bodySHA256 in the URL is not the SHA-256 of the body received (the body "
                     "was altered on the way, e.g. re-serialised by a proxy)"};
    }
    if (!signature_matches(auth_token, url, http::FormParams{}, signature_header)) {
        return mismatch();
    }
    return ok_status();
}

std::string sha256_hex(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int digest_size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &digest_size, EVP_sha256(), nullptr) != 1) {
        throw std::runtime_error("OpenSSL SHA-256 failed (is the OpenSSL installation broken?)");
    }
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(digest_size * 2);
    for (unsigned int i = 0; i < digest_size; ++i) {
        out.push_back(k_hex[digest[i] >> 4]);
        out.push_back(k_hex[digest[i] & 0x0F]);
    }
    return out;
}

} // namespace sbc::twilio
