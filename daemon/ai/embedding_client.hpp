#pragma once
// A client of an OpenAI-compatible embeddings endpoint: POST {base}/embeddings with a batch of inputs, within
// a deadline. Errors are outcomes carrying no secret.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sbc::ai {

struct Embeddings {
    bool ok = false;
    std::vector<std::vector<float>> vectors; // one per input, in the inputs' order
    std::int64_t tokens = 0;                 // usage.prompt_tokens, else usage.total_tokens (0: none)
    int http_status = 0;                     // 0: no HTTP answer (timeout, connection refused)
    std::chrono::seconds retry_after{0};     // a 429's Retry-After
    std::string error;                       // why it failed, never containing the API key
};

// Not thread-safe: one client per thread.
class EmbeddingClient {
  public:
    EmbeddingClient(std::string base_url, const std::string& api_key, std::string model);
    ~EmbeddingClient();
    EmbeddingClient(const EmbeddingClient&) = delete;
    EmbeddingClient& operator=(const EmbeddingClient&) = delete;

    Embeddings embed(const std::vector<std::string>& inputs, std::chrono::milliseconds timeout);
    const std::string& model() const;
    bool serves(const std::string& base_url, const std::string& api_key, const std::string& model) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// `client`, made anew unless it already serves this base URL, key and model: each thread keeps one, so its
// connection is reused between calls and a SIGHUP that changes the provider gets a new one.
EmbeddingClient& client_for(std::unique_ptr<EmbeddingClient>& client, const std::string& base_url,
                            const std::string& api_key, const std::string& model);

// Parses an embeddings response body for `count` inputs (exposed for unit tests).
Embeddings parse_embeddings(const std::string& body, std::size_t count);

} // namespace sbc::ai
