#include "daemon/ai/json_post.hpp"

#include "daemon/curl/easy.hpp"
#include "daemon/curl/header_line.hpp"

#include <algorithm>
#include <charconv>
#include <curl/curl.h>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace sbc::ai {
namespace {

std::size_t append_response(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

// "Retry-After: 7" (the HTTP-date form is not used by OpenAI-compatible servers and is ignored).
std::size_t read_retry_after(char* data, std::size_t size, std::size_t count, void* out) {
    std::string_view line(data, size * count);
    constexpr std::string_view name = "Retry-After";
    if (curl::header_is(line, name)) {
        auto value = line.substr(name.size() + 1);
        while (!value.empty() && value.front() == ' ') {
            value.remove_prefix(1);
        }
        long long seconds = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
        if (ec == std::errc() && seconds >= 0) {
            *static_cast<std::chrono::seconds*>(out) = std::chrono::seconds(seconds);
        }
    }
    return size * count;
}

} // namespace

std::string endpoint(std::string base_url, const char* path) {
    while (!base_url.empty() && base_url.back() == '/') {
        base_url.pop_back();
    }
    return base_url + path;
}

std::string provider_message(const std::string& body) {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object() &&
        doc["error"].contains("message") && doc["error"]["message"].is_string()) {
        return doc["error"]["message"].get<std::string>().substr(0, 300);
    }
    return body.substr(0, 200);
}

JsonPoster::JsonPoster(std::string url, const std::string& api_key)
    : m_url(std::move(url)), m_authorization(api_key.empty() ? "" : "Authorization: Bearer " + api_key) {
    m_curl = curl::new_easy().release();
    if (m_curl == nullptr) {
        throw std::runtime_error("libcurl could not create a handle");
    }
}

JsonPoster::~JsonPoster() {
    if (m_curl != nullptr) {
        curl_easy_cleanup(static_cast<CURL*>(m_curl));
    }
}

PostReply JsonPoster::post(const std::string& body, std::chrono::milliseconds timeout) {
    PostReply out;
    char error_buffer[CURL_ERROR_SIZE] = {0};
    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!m_authorization.empty()) {
        headers = curl_slist_append(headers, m_authorization.c_str());
    }
    auto* curl = static_cast<CURL*>(m_curl);
    const long ms = static_cast<long>(std::max<long long>(1, timeout.count()));
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, m_url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, ms);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_response);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &out.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, read_retry_after);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &out.retry_after);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        out.error = error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(rc);
        return out;
    }
    out.transport_ok = true;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.status);
    return out;
}

} // namespace sbc::ai
