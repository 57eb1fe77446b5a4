#include "daemon/twilio/account_check.hpp"

#include "daemon/curl/easy.hpp"
#include "daemon/http/form_parser.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sbc::twilio {
namespace {

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
    auto* body = static_cast<std::string*>(out);
    // An account resource is about 1 KiB; anything far larger is not Twilio's answer.
    if (body->size() < 64 * 1024) {
        body->append(data, size * count);
    }
    return size * count;
}

std::string without_secret(std::string text, const std::string& secret) {
    for (auto at = secret.empty() ? std::string::npos : text.find(secret); at != std::string::npos;
         at = text.find(secret, at)) {
        text.replace(at, secret.size(), "***");
    }
    return text;
}

AccountCheck verdict_for(int status, const std::string& body, const std::string& url) {
    AccountCheck out;
    out.http_status = status;
    auto json = nlohmann::json::parse(body, nullptr, false);
    if (status == 200) {
        auto field = [&json](const char* key) {
            return json.is_object() && json.contains(key) && json[key].is_string()
                       ? json[key].get<std::string>()
                       : std::string();
        };
        std::string state = field("status");
        std::string name = field("friendly_name");
        if (state == "active") {
            out.verdict = AccountCheck::Verdict::ok;
            out.detail = fmt::format("credentials accepted by {} (account \"{}\", active)", url, name);
            return out;
        }
        out.verdict = AccountCheck::Verdict::fail;
        out.detail =
            fmt::format("the account is {} at {}", state.empty() ? "in an unknown state" : state, url);
        out.fix = "check the account in the Twilio console (suspended or closed accounts cannot send)";
        return out;
    }
    int code = json.is_object() && json.contains("code") && json["code"].is_number_integer()
                   ? json["code"].get<int>()
                   : 0;
    out.verdict = AccountCheck::Verdict::fail;
    out.detail =
        fmt::format("{} answered HTTP {}{}", url, status, code != 0 ? fmt::format(" (code {})", code) : "");
    if (status == 401 || status == 403 || status == 404) {
        out.fix = "set TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN to the account's SID and primary auth token "
                  "(Twilio console, Account info), then reload sbcd";
    } else {
        out.fix = "Twilio (or twilio.api_base_url) is having trouble; try again later";
    }
    return out;
}

} // namespace

AccountCheck check_account(const std::string& api_base_url, const std::string& account_sid,
                           const std::string& auth_token, long timeout_ms) {
    std::string base = api_base_url;
    while (!base.empty() && base.back() == '/') {
        base.pop_back();
    }
    std::string url =
        fmt::format("{}/2010-04-01/Accounts/{}.json", base, http::percent_encode_form(account_sid));
    auto handle = curl::new_easy();
    if (!handle) {
        return {AccountCheck::Verdict::fail, 0, "libcurl could not create a handle", "reinstall libcurl"};
    }
    CURL* curl = handle.get();
    std::string body;
    char error[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    curl_easy_setopt(curl, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    curl_easy_setopt(curl, CURLOPT_USERNAME, account_sid.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, auth_token.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, std::min(timeout_ms, 5000L));
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    CURLcode rc = curl_easy_perform(curl);
    if (rc != CURLE_OK) {
        std::string why = error[0] != '\0' ? error : curl_easy_strerror(rc);
        return {AccountCheck::Verdict::fail, 0,
                without_secret(fmt::format("cannot reach {}: {}", url, why), auth_token),
                "check the network, a proxy or twilio.api_base_url"};
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    auto out = verdict_for(static_cast<int>(status), body, url);
    out.detail = without_secret(out.detail, auth_token);
    return out;
}

} // namespace sbc::twilio
