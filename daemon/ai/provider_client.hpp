#pragma once
// A client of an OpenAI-compatible API (OpenAI, llama.cpp, vLLM, Ollama): POST {base}/chat/completions with a
// bearer key, within a deadline. Errors are outcomes carrying no secret.

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace sbc::ai {

struct Completion {
    bool ok = false;
    std::string text;               // the first choice's message content
    std::int64_t prompt_tokens = 0; // from the `usage` field (0 when the server sends none)
    std::int64_t completion_tokens = 0;
    int http_status = 0;                 // 0: no HTTP answer (timeout, connection refused)
    std::string error;                   // why it failed, never containing the API key
    std::chrono::seconds retry_after{0}; // a 429's (or 503's) Retry-After, 0 when absent
};

// Not thread-safe: one client per thread (it keeps its libcurl handle and connection).
class ProviderClient {
  public:
    ProviderClient(std::string base_url, std::string api_key, std::string model);
    ~ProviderClient();
    ProviderClient(const ProviderClient&) = delete;
    ProviderClient& operator=(const ProviderClient&) = delete;

    // `messages` is the chat's array of {"role","content"}; gives up after `timeout`.
    Completion chat(const nlohmann::json& messages, std::chrono::milliseconds timeout);

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sbc::ai
