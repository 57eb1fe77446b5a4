// The official vectors of twilio-facts.md §2, written out literally so that a wrong implementation fails
// here.

#include "daemon/twilio/signature.hpp"

#include <catch2/catch.hpp>

using sbc::http::FormParams;
using sbc::twilio::compute_signature;
using sbc::twilio::signing_string;
using sbc::twilio::url_candidates;
using sbc::twilio::validate_form_request;
using sbc::twilio::validate_json_request;

namespace {

const std::string k_token = "12345";
const std::string k_url = "https://mycompany.com/myapp.php?foo=1&bar=2";

FormParams params_of(std::vector<sbc::http::FormPair> pairs) {
    return FormParams{std::move(pairs)};
}

// The common parameters P, deliberately not in sorted order.
FormParams common_params() {
    return params_of({{"To", "+18005551212"},
                      {"CallSid", "CA1234567890ABCDE"},
                      {"Digits", "1234"},
                      {"From", "+14158675309"},
                      {"Caller", "+14158675309"}});
}

bool form_ok(std::string_view url, const FormParams& params, std::string_view header) {
    return validate_form_request(k_token, url, params, header).ok();
}

// A vector: the URL signed and the params give exactly this signature, and a request at that URL validates.
void check_vector(std::string_view url, const FormParams& params, std::string_view expected) {
    INFO("url: " << url);
    REQUIRE(compute_signature(k_token, url, params) == expected);
    REQUIRE(form_ok(url, params, expected));
}

const std::string k_zeros = std::string(32, '0');
const std::string k_ones = std::string(32, '1');

} // namespace

TEST_CASE("signing string of the common inputs is the one in the documentation", "[twilio][signature]") {
    REQUIRE(
        signing_string(k_url, common_params()) ==
        "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+14158675309Digits1234From+"
        "14158675309To+18005551212");
}

TEST_CASE("vector 1: the plain URL", "[twilio][signature][vectors]") {
    check_vector(k_url, common_params(), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
}

TEST_CASE("vectors 2-4: explicit ports are signed as is", "[twilio][signature][vectors]") {
    check_vector("https://mycompany.com:443/myapp.php?foo=1&bar=2", common_params(),
                 "kvajT1Ptam85bY51eRf/AJRuM3w=");
    check_vector("http://mycompany.com:80/myapp.php?foo=1&bar=2", common_params(),
                 "0ZXoZLH/DfblKGATFgpif+LLRf4=");
    check_vector("http://mycompany.com:1234/myapp.php?foo=1&bar=2", common_params(),
                 "Zmvh+3yNM1Phv2jhDCwEM3q5ebU=");
}

TEST_CASE("port tolerance: signed with a default port, requested without, and the reverse",
          "[twilio][signature][vectors]") {
    // Twilio signed with :443 / :80 but our URL has none: the "port added" candidate matches.
    REQUIRE(form_ok(k_url, common_params(), "kvajT1Ptam85bY51eRf/AJRuM3w="));
    REQUIRE(form_ok("http://mycompany.com/myapp.php?foo=1&bar=2", common_params(),
                    "0ZXoZLH/DfblKGATFgpif+LLRf4="));
    // Twilio signed without a port but our URL carries :443: the "port removed" candidate matches.
    REQUIRE(form_ok("https://mycompany.com:443/myapp.php?foo=1&bar=2", common_params(),
                    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
    // A non-default port is never added, only removed: without a port the :1234 signature cannot match.
    REQUIRE_FALSE(form_ok(k_url, common_params(), "Zmvh+3yNM1Phv2jhDCwEM3q5ebU="));
    // The scheme decides which default port is added.
    REQUIRE_FALSE(form_ok("http://mycompany.com/myapp.php?foo=1&bar=2", common_params(),
                          "kvajT1Ptam85bY51eRf/AJRuM3w="));
}

TEST_CASE("vector 5: a non-default port in the request URL, signature without it",
          "[twilio][signature][vectors]") {
    REQUIRE(compute_signature(k_token, "https://mycompany.com:1234/myapp.php?foo=1&bar=2", common_params()) !=
            "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
    REQUIRE(form_ok("https://mycompany.com:1234/myapp.php?foo=1&bar=2", common_params(),
                    "RSOYDt4T1cUTdK1PDd93/VVr8B8="));
}

TEST_CASE("vector 6: repeated names have their values sorted and de-duplicated",
          "[twilio][signature][vectors]") {
    auto params = params_of({{"Sid", "CA123"},
                             {"SidAccount", "AC123"},
                             {"Digits", "5678"},
                             {"Digits", "1234"},
                             {"Digits", "1234"}});
    REQUIRE(signing_string(k_url, params) == k_url + "Digits1234Digits5678SidCA123SidAccountAC123");
    check_vector(k_url, params, "IK+Dwps556ElfBT0I3Rgjkr1wJU=");
}

TEST_CASE("vector 7: the order of repeated values does not matter", "[twilio][signature][vectors]") {
    check_vector(k_url,
                 params_of({{"MessagingBinding.Address", "+1415xxxxxxx"},
                            {"MessagingBinding.Address", "+1325xxxxxxx"}}),
                 "83O6e2vORAoJHUNzJjDWN1jz+BA=");
    check_vector(k_url,
                 params_of({{"MessagingBinding.Address", "+1325xxxxxxx"},
                            {"MessagingBinding.Address", "+1415xxxxxxx"}}),
                 "83O6e2vORAoJHUNzJjDWN1jz+BA=");
}

TEST_CASE("vectors 8-10: JSON bodies are checked through bodySHA256", "[twilio][signature][vectors]") {
    const std::string body = R"({"property": "value", "boolean": true})";
    const std::string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    REQUIRE(sbc::twilio::sha256_hex(body) == hash);

    const std::string url8 = k_url + "&bodySHA256=" + hash;
    REQUIRE(compute_signature(k_token, url8, {}) == "a9nBmqA0ju/hNViExpshrM61xv4=");
    REQUIRE(validate_json_request(k_token, url8, body, "a9nBmqA0ju/hNViExpshrM61xv4=").ok());

    const std::string url9 = "https://mycompany.com/myapp.php?bodySHA256=" + hash;
    REQUIRE(compute_signature(k_token, url9, {}) == "y77kIzt2vzLz71DgmJGsen2scGs=");
    REQUIRE(validate_json_request(k_token, url9, body, "y77kIzt2vzLz71DgmJGsen2scGs=").ok());

    const std::string empty_hash = "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a";
    REQUIRE(sbc::twilio::sha256_hex("{}") == empty_hash);
    const std::string url10_signed =
        "https://mycompany.com:443/myapp.php?foo=1&bar=2&bodySHA256=" + empty_hash;
    const std::string url10_request = k_url + "&bodySHA256=" + empty_hash;
    REQUIRE(compute_signature(k_token, url10_signed, {}) == "Ldidvp12m26NI7eqEvxnEpkd9Hc=");
    REQUIRE(compute_signature(k_token, url10_request, {}) != "Ldidvp12m26NI7eqEvxnEpkd9Hc=");
    REQUIRE(validate_json_request(k_token, url10_request, "{}", "Ldidvp12m26NI7eqEvxnEpkd9Hc=").ok());
}

TEST_CASE("vectors 11-13: userinfo is kept in the signed URL", "[twilio][signature][vectors]") {
    check_vector("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", common_params(),
                 "CukzLTc1tT5dXEDIHm/tKBanW10=");
    check_vector("https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2", common_params(),
                 "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI=");
    check_vector("https://user@mycompany.com/myapp.php?foo=1&bar=2", common_params(),
                 "2YRLlVAflCqxaNicjMpJcSTgzSs=");
    // The colon of "user:pass" is not a port: each form validates against the other's signature.
    REQUIRE(form_ok("https://user:pass@mycompany.com/myapp.php?foo=1&bar=2", common_params(),
                    "ZQFR1PTIZXF2MXB8ZnKCvnnA+rI="));
    REQUIRE(form_ok("https://user:pass@mycompany.com:443/myapp.php?foo=1&bar=2", common_params(),
                    "CukzLTc1tT5dXEDIHm/tKBanW10="));
}

TEST_CASE("vector 14: an apostrophe in the query matches after re-encoding it as %27",
          "[twilio][signature][vectors]") {
    const std::string signed_url = k_url + "&Body=It%27s+amazing";
    const std::string request_url = k_url + "&Body=It's+amazing";
    REQUIRE(compute_signature(k_token, signed_url, common_params()) == "TfZzewPq8wqrGlMfyAud8+/IvJ0=");
    REQUIRE(compute_signature(k_token, request_url, common_params()) != "TfZzewPq8wqrGlMfyAud8+/IvJ0=");
    REQUIRE(form_ok(request_url, common_params(), "TfZzewPq8wqrGlMfyAud8+/IvJ0="));
    REQUIRE(form_ok(signed_url, common_params(), "TfZzewPq8wqrGlMfyAud8+/IvJ0="));
}

TEST_CASE("vector 15: no parameters signs the URL alone (GET)", "[twilio][signature][vectors]") {
    REQUIRE(signing_string(k_url, {}) == k_url);
    check_vector(k_url, {}, "zYQTYrRWXE7LtzbG4PfP7/bkkGo=");
}

TEST_CASE("vectors 16-18: the query, present or not, is signed exactly as sent",
          "[twilio][signature][vectors]") {
    check_vector("https://mycompany.com/myapp.php", common_params(), "1xaxFBvyzXYvWplzNOSs28HWO94=");
    check_vector("https://mycompany.com/myapp.php?foo=1&bar=2&type="
                 "thiswontbeusedinthesignaturegeneratorandsoshouldbeignored",
                 common_params(), "hYkNsTBttoNGkyCS0p+wWmQoRTg=");
    check_vector("https://mycompany.com/myapp.php?foo=hello%20world&bar=test%2Bvalue", common_params(),
                 "er2tvAP1Wx+iuTTE2BPgvEaN1cs=");
}

TEST_CASE("vector 19: special characters and UTF-8 in values", "[twilio][signature][vectors]") {
    check_vector(k_url,
                 params_of({{"Message", "Hello & goodbye! @#$%^*()"},
                            {"From", "+1 (415) 867-5309"},
                            {"Special", "unicode: ñáéíóú"}}),
                 "dCPiR4WtQ6QFN6pJh81CtlCcWLQ=");
}

TEST_CASE("vectors 20-21: empty values still add their names", "[twilio][signature][vectors]") {
    check_vector(k_url, params_of({{"Digits", ""}, {"CallSid", "CA1234567890ABCDE"}, {"EmptyParam", ""}}),
                 "9HHp/OqQMEwdrVebHDdA/+tqjX8=");
    check_vector(k_url, params_of({{"Digits", ""}, {"CallSid", "CA1234567890ABCDE"}, {"NullParam", ""}}),
                 "L9lTTwIlxM1xGAtLRwhOSZggRhM=");
}

TEST_CASE("vector 22: names are sorted", "[twilio][signature][vectors]") {
    check_vector(k_url,
                 params_of({{"Zebra", "last"}, {"Alpha", "first"}, {"Beta", "second"}, {"Gamma", "third"}}),
                 "enveUe73ZTVLAekHxez3Qx6JuuQ=");
}

TEST_CASE("vector 23: a raw UTF-8 URL is signed as is", "[twilio][signature][vectors]") {
    check_vector("https://mycompany.com/webhook/España?año=2023", common_params(),
                 "G/Hx6mqqnjUNlPAoi2Sp9bGst0g=");
}

TEST_CASE("vector 24: names sort by byte, case-sensitively", "[twilio][signature][vectors]") {
    auto params = params_of({{"callSid", "lowercase"}, {"CallSid", "uppercase"}, {"CALLSID", "allcaps"}});
    REQUIRE(signing_string(k_url, params) == k_url + "CALLSIDallcapsCallSiduppercasecallSidlowercase");
    check_vector(k_url, params, "jDK7WKT8wiNrwggd4ceTv4e1MJ4=");
}

TEST_CASE("vector 25: a double slash in the path is kept", "[twilio][signature][vectors]") {
    check_vector("https://mycompany.com:443//myapp.php?foo=1&bar=2", common_params(),
                 "A9lH3u16NjyiiM/+wylw5rirFUs=");
}

TEST_CASE("negative cases from the SDK tests", "[twilio][signature][negative]") {
    auto wrong = validate_form_request(k_token, k_url, common_params(), "NOTRSOYDt4T1cUTdK1PDd93/VVr8B8=");
    REQUIRE_FALSE(wrong.ok());
    REQUIRE(wrong.error().code == sbc::twilio::k_signature_mismatch);

    auto empty = validate_form_request(k_token, k_url, common_params(), "");
    REQUIRE_FALSE(empty.ok());
    REQUIRE(empty.error().code == sbc::twilio::k_signature_missing);

    // A JSON body with no bodySHA256 in the URL fails even with the signature of the URL alone.
    auto no_hash = validate_json_request(k_token, k_url, R"({"property": "value", "boolean": true})",
                                         "zYQTYrRWXE7LtzbG4PfP7/bkkGo=");
    REQUIRE_FALSE(no_hash.ok());
    REQUIRE(no_hash.error().code == sbc::twilio::k_body_hash_missing);
}

TEST_CASE("any change to token, URL, names or values breaks the signature", "[twilio][signature][negative]") {
    const std::string good = "RSOYDt4T1cUTdK1PDd93/VVr8B8=";
    REQUIRE(form_ok(k_url, common_params(), good));
    REQUIRE_FALSE(validate_form_request("12346", k_url, common_params(), good).ok());
    REQUIRE_FALSE(validate_form_request("", k_url, common_params(), good).ok());
    REQUIRE_FALSE(form_ok("https://mycompany.com/myapp.php?foo=1&bar=3", common_params(), good));
    REQUIRE_FALSE(form_ok("https://mycompany.com/myapp.php?bar=2&foo=1", common_params(), good));
    REQUIRE_FALSE(form_ok("https://mycompany.com/myapp.php", common_params(), good));
    REQUIRE_FALSE(form_ok("http://mycompany.com/myapp.php?foo=1&bar=2", common_params(), good));
    REQUIRE_FALSE(form_ok("https://evil.com/myapp.php?foo=1&bar=2", common_params(), good));

    auto changed = common_params();
    changed.pairs[0].second = "+18005551213";
    REQUIRE_FALSE(form_ok(k_url, changed, good));

    auto extra = common_params();
    extra.add("Extra", "");
    REQUIRE_FALSE(form_ok(k_url, extra, good));

    auto fewer = common_params();
    fewer.pairs.pop_back();
    REQUIRE_FALSE(form_ok(k_url, fewer, good));

    // Values are never trimmed.
    auto padded = common_params();
    padded.pairs[2].second = "1234 ";
    REQUIRE_FALSE(form_ok(k_url, padded, good));

    // The header must match exactly: no trimming, no case folding, no truncation.
    REQUIRE_FALSE(form_ok(k_url, common_params(), good + " "));
    REQUIRE_FALSE(form_ok(k_url, common_params(), "rsoydt4t1cutdk1pdd93/vvr8b8="));
    REQUIRE_FALSE(form_ok(k_url, common_params(), good.substr(0, 27)));
}

TEST_CASE("JSON bodies: the body must hash to bodySHA256", "[twilio][signature][negative]") {
    const std::string hash = "0a1ff7634d9ab3b95db5c9a2dfe9416e41502b283a80c7cf19632632f96e6620";
    const std::string url = k_url + "&bodySHA256=" + hash;
    // Re-serialised JSON (same data, other bytes) is refused although the URL's signature is right.
    auto reserialised = validate_json_request(k_token, url, R"({"property":"value","boolean":true})",
                                              "a9nBmqA0ju/hNViExpshrM61xv4=");
    REQUIRE_FALSE(reserialised.ok());
    REQUIRE(reserialised.error().code == sbc::twilio::k_body_hash_mismatch);

    auto wrong_signature = validate_json_request(k_token, url, R"({"property": "value", "boolean": true})",
                                                 "y77kIzt2vzLz71DgmJGsen2scGs=");
    REQUIRE_FALSE(wrong_signature.ok());
    REQUIRE(wrong_signature.error().code == sbc::twilio::k_signature_mismatch);

    REQUIRE(
        validate_json_request(k_token, url, R"({"property": "value", "boolean": true})", "").error().code ==
        sbc::twilio::k_signature_missing);
}

TEST_CASE("WhatsApp inbound message vector", "[twilio][signature][whatsapp]") {
    const std::string url = "https://example.com/twilio/whatsapp";
    auto params = params_of({{"AccountSid", "AC" + k_zeros},
                             {"ApiVersion", "2010-04-01"},
                             {"Body", "Olá, mundo! 👋 it's 5+5"},
                             {"From", "whatsapp:+14155550100"},
                             {"MessageSid", "SM" + k_zeros},
                             {"NumMedia", "0"},
                             {"NumSegments", "1"},
                             {"ProfileName", "Test User"},
                             {"SmsMessageSid", "SM" + k_zeros},
                             {"SmsSid", "SM" + k_zeros},
                             {"SmsStatus", "received"},
                             {"To", "whatsapp:+14155238886"},
                             {"WaId", "14155550100"}});
    check_vector(url, params, "fl3woYVJe3/oks5XFAfNwvBVdM8=");
    REQUIRE(compute_signature(k_token, "https://example.com:443/twilio/whatsapp", params) ==
            "ZirmK4v1JCy3R5kc1oKPcLXGQAY=");
    REQUIRE(form_ok(url, params, "ZirmK4v1JCy3R5kc1oKPcLXGQAY="));

    // The same request as it comes off the wire, through the form parser.
    std::string wire = sbc::http::encode_form(params);
    REQUIRE(wire.find("&Body=Ol%C3%A1%2C+mundo%21+%F0%9F%91%8B+it%27s+5%2B5&") != std::string::npos);
    auto parsed = sbc::http::parse_form(wire);
    REQUIRE(parsed.ok());
    REQUIRE(form_ok(url, *parsed, "fl3woYVJe3/oks5XFAfNwvBVdM8="));
}

TEST_CASE("WhatsApp status callback vector", "[twilio][signature][whatsapp]") {
    auto params = params_of({{"AccountSid", "AC" + k_zeros},
                             {"ApiVersion", "2010-04-01"},
                             {"ChannelInstallSid", "XE" + k_zeros},
                             {"ChannelPrefix", "whatsapp"},
                             {"ChannelToAddress", "+14155550100"},
                             {"EventType", "READ"},
                             {"From", "whatsapp:+14155238886"},
                             {"MessageSid", "SM" + k_ones},
                             {"MessageStatus", "read"},
                             {"SmsSid", "SM" + k_ones},
                             {"SmsStatus", "read"},
                             {"To", "whatsapp:+14155550100"}});
    check_vector("https://example.com/twilio/status?tenant=a%20b", params, "UEKCAFju1mMheF2G99B1CLvQXqw=");
    // The query is signed still encoded: the decoded form does not match.
    REQUIRE_FALSE(
        form_ok("https://example.com/twilio/status?tenant=a b", params, "UEKCAFju1mMheF2G99B1CLvQXqw="));
}

TEST_CASE("url_candidates lists the variants Twilio may have signed", "[twilio][signature]") {
    REQUIRE(url_candidates(k_url) ==
            std::vector<std::string>{k_url, "https://mycompany.com:443/myapp.php?foo=1&bar=2"});
    REQUIRE(url_candidates("http://h:8080/p") == std::vector<std::string>{"http://h:8080/p", "http://h/p"});
    REQUIRE(url_candidates("https://u:p@h/x") ==
            std::vector<std::string>{"https://u:p@h/x", "https://u:p@h:443/x"});
    REQUIRE(url_candidates("https://[::1]:8443/x?y") ==
            std::vector<std::string>{"https://[::1]:8443/x?y", "https://[::1]/x?y"});
    REQUIRE(url_candidates("https://h?q=1") ==
            std::vector<std::string>{"https://h?q=1", "https://h:443?q=1"});
    // The fragment (Twilio's connection overrides) never reaches us and is not signed.
    REQUIRE(url_candidates("https://h/p#rc=3") == std::vector<std::string>{"https://h/p", "https://h:443/p"});
    // Apostrophes in the path are left alone; in the query both spellings are tried.
    REQUIRE(url_candidates("https://h/it's?a=it%27s'") ==
            std::vector<std::string>{"https://h/it's?a=it%27s'", "https://h:443/it's?a=it%27s'",
                                     "https://h/it's?a=it%27s%27", "https://h/it's?a=it's'",
                                     "https://h:443/it's?a=it%27s%27", "https://h:443/it's?a=it's'"});
}
