#include "daemon/ai/provider_client.hpp"

#include <curl/curl.h>
#include <fmt/format.h>
#include <mutex>
#include <stdexcept>

namespace sbc::ai {
namespace {

void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
            throw std::runtime_error("libcurl failed to initialise (curl_global_init)");
        }
    });
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* out) {
    static_cast<std::string*>(out)->append(data, size * count);
    return size * count;
}

// The provider's own explanation ({"error":{"message":...}}), shortened; the body otherwise.
std::string provider_message(const std::string& body) {
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (doc.is_object() && doc.contains("error") && doc["error"].is_object() &&
        doc["error"].contains("message") && doc["error"]["message"].is_string()) {
        return doc["error"]["message"].get<std::string>().substr(0, 300);
    }
    return body.substr(0, 200);
}

Completion parse_completion(const std::string& body) {
    Completion c;
    auto doc = nlohmann::json::parse(body, nullptr, false);
    const nlohmann::json* content = nullptr;
    if (doc.is_object() && doc.contains("choices") && doc["choices"].is_array() && !doc["choices"].empty()) {
        const auto& first = doc["choices"][0];
        if (first.is_object() && first.contains("message") && first["message"].is_object() &&
            first["message"].contains("content") && first["message"]["content"].is_string()) {
            content = &first["message"]["content"];
        }
    }
    if (content == nullptr) {
        c.error = "the answer has no choices[0].message.content";
        return c;
    }
    c.ok = true;
    c.text = content->get<std::string>();
    if (doc.contains("usage") && doc["usage"].is_object()) {
        c.prompt_tokens = doc["usage"].value("prompt_tokens", std::int64_t{0});
        c.completion_tokens = doc["usage"].value("completion_tokens", std::int64_t{0});
    }
    return c;
}

} // namespace

struct ProviderClient::Impl {
    std::string url;
    std::string authorization;
    std::string model;
    CURL* curl = nullptr;
};

ProviderClient::ProviderClient(std::string base_url, std::string api_key, std::string model)
    : m_impl(std::make_unique<Impl>()) {
    init_curl_once();
    while (!base_url.empty() && base_url.back() == '/') {
        base_url.pop_back();
    }
    m_impl->url = base_url + "/chat/completions";
    m_impl->authorization = api_key.empty() ? "" : "Authorization: Bearer " + api_key;
    m_impl->model = std::move(model);
    m_impl->curl = curl_easy_init();
    if (m_impl->curl == nullptr) {
        throw std::runtime_error("libcurl could not create a handle");
    }
}

ProviderClient::~ProviderClient() {
    if (m_impl && m_impl->curl != nullptr) {
        curl_easy_cleanup(m_impl->curl);
    }
}

Completion ProviderClient::chat(const nlohmann::json& messages, std::chrono::milliseconds timeout) {
    nlohmann::json request = {{"model", m_impl->model}, {"messages", messages}, {"temperature", 0}};
    std::string body = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    std::string answer;
    char error_buffer[CURL_ERROR_SIZE] = {0};

    curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
    if (!m_impl->authorization.empty()) {
        headers = curl_slist_append(headers, m_impl->authorization.c_str());
    }
    CURL* curl = m_impl->curl;
    curl_easy_reset(curl);
    curl_easy_setopt(curl, CURLOPT_URL, m_impl->url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(std::max<long long>(1, timeout.count())));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max<long long>(1, timeout.count())));
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);
    CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(headers);

    Completion out;
    if (rc != CURLE_OK) {
        out.error =
            fmt::format("{} ({})", error_buffer[0] != 0 ? error_buffer : curl_easy_strerror(rc), m_impl->url);
        return out;
    }
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status != 200) {
        out.http_status = static_cast<int>(status);
        out.error = fmt::format("HTTP {} from {}: {}", status, m_impl->url, provider_message(answer));
        return out;
    }
    out = parse_completion(answer);
    out.http_status = 200;
    if (!out.ok) {
        out.error = fmt::format("{} ({})", out.error, m_impl->url);
    }
    return out;
}

} // namespace sbc::ai
