#pragma once
// A fake OpenAI-compatible API on 127.0.0.1 for tests: POST /v1/chat/completions and /v1/embeddings in the
// real wire format (choices[0].message.content, data[i].embedding, the `usage` field), a record of every
// request (so tests can read the prompts), and programmable faults: HTTP errors (500, 429) and answers
// slower than sbcd's budget.
//
//   sbc::test::FakeOpenAi ai;                      // listening once constructed
//   env["OPENAI_BASE_URL"] = ai.base_url();        // "http://127.0.0.1:<port>/v1"
//   ai.set_reply("We open at 9.");                 // what every completion answers
//   ai.push_fault(FakeAiFault::error(500), 2);     // the next two requests fail
//   ai.wait_for_requests(1, std::chrono::seconds(5));

#include <chrono>
#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sbc::test {

struct FakeAiFault {
    int http_status = 500;              // answered instead of 200 (when delay is zero)
    std::chrono::milliseconds delay{0}; // > 0: wait this long, then answer 200 normally
    static FakeAiFault error(int http_status) { return FakeAiFault{http_status, {}}; }
    static FakeAiFault slow(std::chrono::milliseconds delay) { return FakeAiFault{200, delay}; }
};

struct FakeAiRequest {
    std::string path;          // "/v1/chat/completions" or "/v1/embeddings"
    std::string authorization; // the Authorization header, "" if absent
    nlohmann::json body;       // the parsed JSON body (null if it was not JSON)
    int answered_status = 0;

    // For chat requests: every message's content joined by newlines (system prompt, turns, question).
    std::string prompt_text() const;
};

class FakeOpenAi {
  public:
    FakeOpenAi();
    ~FakeOpenAi();
    FakeOpenAi(const FakeOpenAi&) = delete;
    FakeOpenAi& operator=(const FakeOpenAi&) = delete;

    std::string base_url() const;
    // The completion text answered from now on.
    void set_reply(std::string text);
    void push_fault(FakeAiFault fault, std::size_t times = 1);
    // Faults for /v1/embeddings only (taken before the ones above), e.g. a failing embeddings endpoint
    // beside a working chat one; `times` 0 keeps it until clear_faults().
    void push_embeddings_fault(FakeAiFault fault, std::size_t times = 1);
    void clear_faults();

    std::vector<FakeAiRequest> requests() const;
    std::size_t chat_count() const;
    bool wait_for_chats(std::size_t n, std::chrono::milliseconds timeout) const;
    // Requests to /v1/embeddings, and the inputs they carried (each request's in order).
    std::size_t embeddings_count() const;
    std::vector<std::string> embedded_inputs() const;
    // The tokens the `usage` fields of all embeddings answers reported, and what one input counts: its words
    // (deterministic, so that tests can predict a request's usage).
    std::int64_t embedding_tokens() const;
    static std::int64_t tokens_of(const std::string& text);

    // The deterministic embedding the fake answers for a text, unit length: a hashed bag of its words (common
    // function words left out, a plural or -ing ending cut) and, at half weight, of their letter trigrams, so
    // that texts sharing words or word stems are close and a typo stays near its word. It knows no synonyms.
    static std::vector<float> embedding_of(const std::string& text, std::size_t dimensions = k_dimensions);
    static constexpr std::size_t k_dimensions = 256;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sbc::test
