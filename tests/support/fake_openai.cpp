#include "tests/support/fake_openai.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <condition_variable>
#include <deque>
#include <fmt/format.h>
#include <functional>
#include <httplib.h>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace sbc::test {
namespace {

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    for (char raw : text) {
        auto c = static_cast<unsigned char>(raw);
        if (std::isalnum(c) != 0 || c >= 0x80) {
            word.push_back(static_cast<char>(std::tolower(c)));
        } else if (!word.empty()) {
            out.push_back(std::move(word));
            word.clear();
        }
    }
    if (!word.empty()) {
        out.push_back(std::move(word));
    }
    return out;
}

// Stable across runs and builds, unlike std::hash.
std::uint64_t fnv(const std::string& s) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : s) {
        h = (h ^ c) * 1099511628211ULL;
    }
    return h;
}

bool is_function_word(const std::string& w) {
    static const char* const words[] = {"a",    "an",   "the", "and", "or",   "of",   "to",   "in",
                                        "on",   "at",   "for", "is",  "are",  "do",   "does", "you",
                                        "your", "we",   "our", "i",   "my",   "me",   "it",   "can",
                                        "with", "have", "has", "be",  "what", "this", "that", "there"};
    return std::find(std::begin(words), std::end(words), w) != std::end(words);
}

// A crude stemmer, enough for "deliveries"/"delivery", "opening"/"open".
std::string stem(std::string w) {
    for (const char* suffix : {"ing", "ies", "es", "s", "ed"}) {
        std::string_view s(suffix);
        if (w.size() > s.size() + 2 && w.compare(w.size() - s.size(), s.size(), s) == 0) {
            w.resize(w.size() - s.size());
            if (s == "ies") {
                w += 'y';
            }
            break;
        }
    }
    return w;
}

std::string error_body(int status) {
    const char* type = status == 429 ? "rate_limit_exceeded" : "server_error";
    return nlohmann::json{{"error",
                           {{"message", fmt::format("fake provider answered {}", status)},
                            {"type", type},
                            {"param", nullptr},
                            {"code", type}}}}
        .dump();
}

} // namespace

std::string FakeAiRequest::prompt_text() const {
    std::string out;
    if (body.is_object() && body.contains("messages") && body["messages"].is_array()) {
        for (const auto& m : body["messages"]) {
            out += m.value("content", std::string()) + "\n";
        }
    }
    return out;
}

struct FakeOpenAi::Impl {
    httplib::Server server;
    std::thread thread;
    int port = 0;
    mutable std::mutex mutex;
    mutable std::condition_variable changed;
    bool stopping = false;
    std::string reply = "OK";
    std::deque<FakeAiFault> faults;
    std::deque<FakeAiFault> embeddings_faults;
    bool embeddings_fault_sticks = false;
    std::size_t embeddings = 0;
    std::int64_t embedding_tokens = 0; // the `usage` of every embeddings answer sent
    std::vector<FakeAiRequest> requests;
    std::size_t chats = 0;

    void handle(const httplib::Request& req, httplib::Response& res) {
        FakeAiRequest record;
        record.path = req.path;
        record.authorization = req.get_header_value("Authorization");
        record.body = nlohmann::json::parse(req.body, nullptr, false);
        std::optional<FakeAiFault> fault;
        std::string text;
        {
            std::lock_guard lock(mutex);
            bool for_embeddings = req.path == "/v1/embeddings";
            if (for_embeddings && !embeddings_faults.empty()) {
                fault = embeddings_faults.front();
                if (!embeddings_fault_sticks) {
                    embeddings_faults.pop_front();
                }
            } else if (!faults.empty()) {
                fault = faults.front();
                faults.pop_front();
            }
            embeddings += for_embeddings ? 1 : 0;
            text = reply;
            record.answered_status = fault && fault->delay.count() == 0 ? fault->http_status : 200;
            requests.push_back(record);
            if (req.path == "/v1/chat/completions") {
                ++chats;
            }
        }
        changed.notify_all();
        if (fault && fault->delay.count() > 0) {
            std::unique_lock lock(mutex);
            changed.wait_for(lock, fault->delay, [&] { return stopping; });
        } else if (fault) {
            res.status = fault->http_status;
            if (fault->http_status == 429) {
                res.set_header("Retry-After", "1");
            }
            res.set_content(error_body(fault->http_status), "application/json");
            return;
        }
        if (!record.body.is_object()) {
            res.status = 400;
            res.set_content(error_body(400), "application/json");
            return;
        }
        if (req.path == "/v1/embeddings") {
            auto tokens = answer_embeddings(record.body, res);
            std::lock_guard lock(mutex);
            embedding_tokens += tokens;
        } else {
            answer_chat(record, text, res);
        }
    }

    static void answer_chat(const FakeAiRequest& record, const std::string& text, httplib::Response& res) {
        auto prompt_tokens = static_cast<std::int64_t>(words_of(record.prompt_text()).size());
        auto completion_tokens = static_cast<std::int64_t>(words_of(text).size());
        nlohmann::json body = {{"id", "chatcmpl-fake"},
                               {"object", "chat.completion"},
                               {"created", 1700000000},
                               {"model", record.body.value("model", std::string())},
                               {"choices",
                                {{{"index", 0},
                                  {"message", {{"role", "assistant"}, {"content", text}}},
                                  {"finish_reason", "stop"}}}},
                               {"usage",
                                {{"prompt_tokens", prompt_tokens},
                                 {"completion_tokens", completion_tokens},
                                 {"total_tokens", prompt_tokens + completion_tokens}}}};
        res.set_content(body.dump(), "application/json");
    }

    // Answers the request; returns the tokens its `usage` field reports.
    static std::int64_t answer_embeddings(const nlohmann::json& request, httplib::Response& res) {
        std::vector<std::string> inputs;
        if (request.contains("input") && request["input"].is_string()) {
            inputs.push_back(request["input"].get<std::string>());
        } else if (request.contains("input") && request["input"].is_array()) {
            for (const auto& i : request["input"]) {
                inputs.push_back(i.is_string() ? i.get<std::string>() : std::string());
            }
        }
        nlohmann::json data = nlohmann::json::array();
        std::int64_t tokens = 0;
        for (std::size_t i = 0; i < inputs.size(); ++i) {
            tokens += tokens_of(inputs[i]);
            data.push_back({{"object", "embedding"}, {"index", i}, {"embedding", embedding_of(inputs[i])}});
        }
        nlohmann::json body = {{"object", "list"},
                               {"data", data},
                               {"model", request.value("model", std::string())},
                               {"usage", {{"prompt_tokens", tokens}, {"total_tokens", tokens}}}};
        res.set_content(body.dump(), "application/json");
        return tokens;
    }
};

FakeOpenAi::FakeOpenAi() : m_impl(std::make_unique<Impl>()) {
    Impl& impl = *m_impl;
    auto& server = impl.server;
    server.new_task_queue = [] { return new httplib::ThreadPool(8); };
    server.set_keep_alive_timeout(1);
    // Headers and body leave in separate writes: without this, Nagle's algorithm and the client's delayed
    // ACK add about 40 ms to every other answer, which would be measured as the provider's latency.
    server.set_tcp_nodelay(true);
    server.Get("/ready",
               [](const httplib::Request&, httplib::Response& res) { res.set_content("ok", "text/plain"); });
    server.Post("/v1/chat/completions",
                [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
    server.Post("/v1/embeddings",
                [&impl](const httplib::Request& req, httplib::Response& res) { impl.handle(req, res); });
    impl.port = server.bind_to_any_port("127.0.0.1");
    if (impl.port <= 0) {
        throw std::runtime_error("fake OpenAI could not bind a port on 127.0.0.1");
    }
    impl.thread = std::thread([&server] { server.listen_after_bind(); });
    httplib::Client probe("127.0.0.1", impl.port);
    probe.set_connection_timeout(5);
    auto ready = probe.Get("/ready");
    if (!ready || ready->status != 200) {
        server.stop();
        impl.thread.join();
        throw std::runtime_error("fake OpenAI did not start serving on 127.0.0.1");
    }
}

FakeOpenAi::~FakeOpenAi() {
    {
        std::lock_guard lock(m_impl->mutex);
        m_impl->stopping = true;
    }
    m_impl->changed.notify_all();
    m_impl->server.stop();
    if (m_impl->thread.joinable()) {
        m_impl->thread.join();
    }
}

std::string FakeOpenAi::base_url() const {
    return fmt::format("http://127.0.0.1:{}/v1", m_impl->port);
}

void FakeOpenAi::set_reply(std::string text) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->reply = std::move(text);
}

void FakeOpenAi::push_fault(FakeAiFault fault, std::size_t times) {
    std::lock_guard lock(m_impl->mutex);
    for (std::size_t i = 0; i < times; ++i) {
        m_impl->faults.push_back(fault);
    }
}

void FakeOpenAi::push_embeddings_fault(FakeAiFault fault, std::size_t times) {
    std::lock_guard lock(m_impl->mutex);
    m_impl->embeddings_fault_sticks = times == 0;
    for (std::size_t i = 0; i < std::max<std::size_t>(times, 1); ++i) {
        m_impl->embeddings_faults.push_back(fault);
    }
}

void FakeOpenAi::clear_faults() {
    std::lock_guard lock(m_impl->mutex);
    m_impl->faults.clear();
    m_impl->embeddings_faults.clear();
    m_impl->embeddings_fault_sticks = false;
}

std::size_t FakeOpenAi::embeddings_count() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->embeddings;
}

std::int64_t FakeOpenAi::embedding_tokens() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->embedding_tokens;
}

std::int64_t FakeOpenAi::tokens_of(const std::string& text) {
    return static_cast<std::int64_t>(words_of(text).size());
}

std::vector<std::string> FakeOpenAi::embedded_inputs() const {
    std::lock_guard lock(m_impl->mutex);
    std::vector<std::string> out;
    for (const auto& r : m_impl->requests) {
        if (r.path == "/v1/embeddings" && r.body.is_object() && r.body.contains("input")) {
            const auto& input = r.body["input"];
            if (input.is_string()) {
                out.push_back(input.get<std::string>());
            } else if (input.is_array()) {
                for (const auto& i : input) {
                    out.push_back(i.is_string() ? i.get<std::string>() : std::string());
                }
            }
        }
    }
    return out;
}

std::vector<FakeAiRequest> FakeOpenAi::requests() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->requests;
}

std::size_t FakeOpenAi::chat_count() const {
    std::lock_guard lock(m_impl->mutex);
    return m_impl->chats;
}

bool FakeOpenAi::wait_for_chats(std::size_t n, std::chrono::milliseconds timeout) const {
    std::unique_lock lock(m_impl->mutex);
    return m_impl->changed.wait_for(lock, timeout, [&] { return m_impl->chats >= n; });
}

std::vector<float> FakeOpenAi::embedding_of(const std::string& text, std::size_t dimensions) {
    std::vector<float> v(dimensions, 0.0f);
    for (const auto& raw : words_of(text)) {
        if (is_function_word(raw)) {
            continue;
        }
        std::string w = stem(raw);
        v[fnv(w) % dimensions] += 1.0f;
        std::string padded = "^" + w + "$";
        for (std::size_t i = 0; i + 3 <= padded.size(); ++i) {
            v[fnv("#" + padded.substr(i, 3)) % dimensions] += 0.5f;
        }
    }
    double norm = 0;
    for (float x : v) {
        norm += static_cast<double>(x) * x;
    }
    if (norm > 0) {
        for (float& x : v) {
            x = static_cast<float>(x / std::sqrt(norm));
        }
    }
    return v;
}

} // namespace sbc::test
