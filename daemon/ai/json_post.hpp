#pragma once
// One JSON POST to an OpenAI-compatible API with libcurl, within a deadline: what the chat and embeddings
// clients share. The bearer key goes in a header only; nothing returned here contains it.

#include <chrono>
#include <memory>
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

} // namespace sbc::ai
