#include "daemon/ai/provider_client.hpp"

#include "daemon/ai/json_post.hpp"

#include <fmt/format.h>

namespace sbc::ai {
namespace {

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
    Impl(std::string url, const std::string& api_key, std::string model_name)
        : poster(std::move(url), api_key), model(std::move(model_name)) {}
    JsonPoster poster;
    std::string model;
};

ProviderClient::ProviderClient(std::string base_url, std::string api_key, std::string model)
    : m_impl(std::make_unique<Impl>(endpoint(std::move(base_url), "/chat/completions"), api_key,
                                    std::move(model))) {}

ProviderClient::~ProviderClient() = default;

Completion ProviderClient::chat(const nlohmann::json& messages, std::chrono::milliseconds timeout) {
    nlohmann::json request = {{"model", m_impl->model}, {"messages", messages}, {"temperature", 0}};
    return post_and_parse<Completion>(m_impl->poster, request, timeout,
                                      [](const std::string& body) { return parse_completion(body); });
}

} // namespace sbc::ai
