#include "daemon/ai/embedding_client.hpp"

#include "daemon/ai/json_post.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace sbc::ai {

Embeddings parse_embeddings(const std::string& body, std::size_t count) {
    Embeddings out;
    auto doc = nlohmann::json::parse(body, nullptr, false);
    if (!doc.is_object() || !doc.contains("data") || !doc["data"].is_array()) {
        out.error = "the answer has no data array";
        return out;
    }
    out.vectors.resize(count);
    std::size_t position = 0;
    for (const auto& item : doc["data"]) {
        // Servers give each item its input's index; without one, the array's order is the inputs'.
        std::size_t index = position++;
        if (item.is_object() && item.contains("index") && item["index"].is_number_unsigned()) {
            index = item["index"].get<std::size_t>();
        }
        if (!item.is_object() || !item.contains("embedding") || !item["embedding"].is_array() ||
            index >= count) {
            out.error =
                fmt::format("data[{}] is not an embedding of one of the {} inputs", position - 1, count);
            return out;
        }
        auto& v = out.vectors[index];
        v.reserve(item["embedding"].size());
        for (const auto& x : item["embedding"]) {
            if (!x.is_number()) {
                out.error =
                    fmt::format("data[{}].embedding holds a value that is not a number", position - 1);
                return out;
            }
            v.push_back(x.get<float>());
        }
    }
    for (std::size_t i = 0; i < count; ++i) {
        if (out.vectors[i].empty()) {
            out.error = fmt::format("no embedding for input {} of {}", i, count);
            return out;
        }
        if (out.vectors[i].size() != out.vectors[0].size()) {
            out.error = "the embeddings have different dimensions";
            return out;
        }
    }
    // {"usage": {"prompt_tokens": N, "total_tokens": N}}; some compatible servers send only total_tokens.
    if (doc.contains("usage") && doc["usage"].is_object()) {
        const auto& usage = doc["usage"];
        for (const char* key : {"prompt_tokens", "total_tokens"}) {
            if (usage.contains(key) && usage[key].is_number_integer() &&
                usage[key].get<std::int64_t>() >= 0) {
                out.tokens = usage[key].get<std::int64_t>();
                break;
            }
        }
    }
    out.ok = true;
    return out;
}

struct EmbeddingClient::Impl {
    Impl(const std::string& base_url, const std::string& api_key, std::string model_name)
        : poster(endpoint(base_url, "/embeddings"), api_key), model(std::move(model_name)),
          identity(base_url + '\n' + api_key + '\n' + model) {}
    JsonPoster poster;
    std::string model;
    std::string identity; // what serves() compares; never logged
};

EmbeddingClient::EmbeddingClient(std::string base_url, const std::string& api_key, std::string model)
    : m_impl(std::make_unique<Impl>(base_url, api_key, std::move(model))) {}

bool EmbeddingClient::serves(const std::string& base_url, const std::string& api_key,
                             const std::string& model) const {
    return m_impl->identity == base_url + '\n' + api_key + '\n' + model;
}

EmbeddingClient& client_for(std::unique_ptr<EmbeddingClient>& client, const std::string& base_url,
                            const std::string& api_key, const std::string& model) {
    if (!client || !client->serves(base_url, api_key, model)) {
        client = std::make_unique<EmbeddingClient>(base_url, api_key, model);
    }
    return *client;
}

EmbeddingClient::~EmbeddingClient() = default;

const std::string& EmbeddingClient::model() const {
    return m_impl->model;
}

Embeddings EmbeddingClient::embed(const std::vector<std::string>& inputs, std::chrono::milliseconds timeout) {
    nlohmann::json request = {{"model", m_impl->model}, {"input", inputs}, {"encoding_format", "float"}};
    return post_and_parse<Embeddings>(m_impl->poster, request, timeout, [&](const std::string& body) {
        return parse_embeddings(body, inputs.size());
    });
}

} // namespace sbc::ai
