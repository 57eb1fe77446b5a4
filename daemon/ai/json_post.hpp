#pragma once
// One JSON POST to an OpenAI-compatible API with libcurl, within a deadline: what the chat and embeddings
// clients share. The bearer key goes in a header only; nothing returned here contains it.

#include <chrono>
#include <fmt/format.h>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sbc::ai {

struct PostReply {
    bool transport_ok = false; // an HTTP answer arrived (any status)
    long status = 0;
    std::string body;
    std::string error;                   // libcurl's reason when !transport_ok
    std::chrono::seconds retry_after{0}; // the Retry-After header (seconds form), 0 when absent
};

// Not thread-safe: one per thread (keeps its libcurl handle and connection between calls).
class JsonPoster {
  public:
    JsonPoster(std::string url, const std::string& api_key);
    ~JsonPoster();
    JsonPoster(const JsonPoster&) = delete;
    JsonPoster& operator=(const JsonPoster&) = delete;

    PostReply post(const std::string& body, std::chrono::milliseconds timeout);
    const std::string& url() const { return m_url; }

  private:
    std::string m_url;
    std::string m_authorization;
    void* m_curl = nullptr;
};

// The base URL without trailing slashes, then `path` ("/chat/completions").
std::string endpoint(std::string base_url, const char* path);

// The provider's own explanation ({"error":{"message":...}}), shortened; the body otherwise.
std::string provider_message(const std::string& body);

// Posts `request` and returns its answer as a `Result` (Completion, Embeddings: fields ok, error,
// http_status, retry_after): a transport failure or a status other than 200 is reported alike for every
// client, and `parse` reads a 200's body. Every error names the URL, never the key.
template <typename Result, typename Parse>
Result post_and_parse(JsonPoster& poster, const nlohmann::json& request, std::chrono::milliseconds timeout,
                      Parse parse) {
    std::string body = request.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    PostReply reply = poster.post(body, timeout);
    Result out;
    if (!reply.transport_ok) {
        out.error = fmt::format("{} ({})", reply.error, poster.url());
        return out;
    }
    if (reply.status != 200) {
        out.http_status = static_cast<int>(reply.status);
        out.retry_after = reply.retry_after;
        out.error =
            fmt::format("HTTP {} from {}: {}", reply.status, poster.url(), provider_message(reply.body));
        return out;
    }
    out = parse(reply.body);
    out.http_status = 200;
    if (!out.ok) {
        out.error = fmt::format("{} ({})", out.error, poster.url());
    }
    return out;
}

} // namespace sbc::ai
