#include "daemon/pipeline/answer_worker.hpp"

#include "common/time_format.hpp"
#include "daemon/ai/prompt_builder.hpp"
#include "daemon/ai/provider_client.hpp"
#include "daemon/answer/answerer.hpp"
#include "daemon/answer/query_terms.hpp"
#include "daemon/answer/retriever.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/log/log.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/store.hpp"

#include <algorithm>
#include <chrono>

namespace sbc::pipeline {
namespace {

constexpr std::size_t k_top_entries = 5;
constexpr int k_turns = 6;
// Less than this left of the budget is not worth a provider call: the built-in answer goes at once.
constexpr std::int64_t k_min_call_ms = 50;

// What a job needs, read in one go on a reader connection.
struct Context {
    store::AnswerJob job;
    store::Business business;
    std::string question;
    std::int64_t kb_version = 0;
    ai::PromptInput prompt;
    answer::Answer builtin;
};

Result<std::optional<Context>> read_context(store::Database& db, const config::Config& config,
                                            std::int64_t job_id) {
    auto job = store::find_answer_job(db, job_id);
    if (!job) {
        return std::optional<Context>();
    }
    auto message = store::find_message(db, job->message_id);
    auto business = store::find_business_by_rowid(db, job->business_rowid);
    if (!message || !business) {
        return std::optional<Context>();
    }
    Context c{*job, *business, message->body, store::kb_version(db, business->rowid), {}, {}};
    c.prompt.business_name = business->name;
    c.prompt.hours = business->hours;
    c.prompt.tone = store::ai_settings(db, business->rowid).tone;
    c.prompt.question = message->body;
    // The built-in retriever's candidates first (it knows customers' paraphrases), then full-text hits.
    std::vector<std::int64_t> seen;
    auto take = [&](const store::Entry& entry) {
        if (c.prompt.entries.size() < k_top_entries &&
            std::find(seen.begin(), seen.end(), entry.rowid) == seen.end()) {
            seen.push_back(entry.rowid);
            c.prompt.entries.push_back(entry.text);
        }
    };
    for (const auto& candidate :
         answer::retrieve(db, business->rowid, message->body, answer::Mode::builtin, k_top_entries)) {
        if (auto entry = store::find_entry_by_rowid(db, candidate.rowid)) {
            take(*entry);
        }
    }
    for (const auto& hit : store::search_entries(db, business->rowid, answer::query_terms(message->body),
                                                 static_cast<int>(k_top_entries))) {
        take(hit.entry);
    }
    for (auto& turn : store::recent_turns(db, business->rowid, message->customer, message->id, k_turns)) {
        c.prompt.turns.push_back({turn.from_customer, std::move(turn.text)});
    }
    c.builtin = answer::answer_question(db, *business, message->body, config.min_confidence_percent / 100.0);
    return std::optional(std::move(c));
}

Composed from_builtin(const answer::Answer& a) {
    Composed c;
    c.text = a.text;
    c.kind = answer::kind_name(a.kind);
    c.entry_number = a.entry_number;
    c.score = a.confidence;
    c.handoff = a.kind == answer::Answer::Kind::fallback;
    return c;
}

// The provider's reply as the customer's answer, or a hand-off when it says the notes do not answer.
Composed from_llm(const std::string& reply, const store::Business& business) {
    if (ai::is_handoff(reply)) {
        Composed c;
        c.text = business.fallback;
        c.kind = "fallback";
        c.handoff = true;
        return c;
    }
    Composed c;
    c.text = reply;
    c.kind = "llm-answer";
    return c;
}

struct Shared {
    const config::Config& config;
    ai::Breaker& breaker;
    ai::AnswerCache& cache;
};

store::AiUsage usage_of(const config::Config& config, const ai::Completion& c) {
    store::AiUsage u;
    u.calls = 1;
    u.prompt_tokens = c.prompt_tokens;
    u.completion_tokens = c.completion_tokens;
    u.cost_usd = (static_cast<double>(c.prompt_tokens) * config.price_input_per_mtok +
                  static_cast<double>(c.completion_tokens) * config.price_output_per_mtok) /
                 1e6;
    return u;
}

// The provider's answer within what is left of the budget, from the cache when the same question was answered
// on this version of the knowledge; the built-in answer when the provider cannot be used or fails.
Composed compose(const Context& c, ai::ProviderClient* client, Shared& shared) {
    auto key = ai::normalise_question(c.question);
    if (auto cached = shared.cache.find(c.business.rowid, c.kb_version, key)) {
        return from_llm(*cached, c.business);
    }
    std::int64_t left = c.job.created_at + shared.config.answer_budget_ms - time_format::now_ms();
    if (client == nullptr || left < k_min_call_ms) {
        return from_builtin(c.builtin);
    }
    if (!shared.breaker.allow()) {
        log_debug("answer", "circuit breaker open: built-in answer for message {}", c.job.message_id);
        return from_builtin(c.builtin);
    }
    auto completion = client->chat(ai::build_prompt(c.prompt), std::chrono::milliseconds(left));
    if (!completion.ok) {
        shared.breaker.record_failure();
        log_warn("answer", "LLM provider failed for message {} ({}): sending the built-in answer{}",
                 c.job.message_id, completion.error,
                 shared.breaker.is_open() ? "; circuit breaker open" : "");
        Composed out = from_builtin(c.builtin);
        out.usage.failures = 1;
        return out;
    }
    shared.breaker.record_success();
    shared.cache.put(c.business.rowid, c.kb_version, key, completion.text);
    Composed out = from_llm(completion.text, c.business);
    out.usage = usage_of(shared.config, completion);
    return out;
}

} // namespace

AnswerWorker::AnswerWorker(store::Store& store, const config::Live& live, Pipeline& pipeline)
    : m_store(store), m_config(live), m_pipeline(pipeline),
      m_breaker(live.get()->breaker_failures, std::chrono::milliseconds(live.get()->breaker_cooldown_ms)) {
    const config::Config& config = *live.get();
    auto left = m_store.read([](store::Database& db) -> Result<std::vector<store::AnswerJob>> {
        return store::list_answer_jobs(db);
    });
    if (left && !left->empty()) {
        log_info("answer", "resuming {} answer(s) being composed at the last stop", left->size());
        for (const auto& job : *left) {
            m_queue.push_back(job.id);
        }
    }
    int threads = config.answer_threads < 1 ? 1 : config.answer_threads;
    for (int i = 0; i < threads; ++i) {
        m_threads.emplace_back([this] { run(); });
    }
}

AnswerWorker::~AnswerWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

void AnswerWorker::submit(std::int64_t job_id) {
    {
        std::lock_guard lock(m_mutex);
        m_queue.push_back(job_id);
    }
    m_cv.notify_one();
}

void AnswerWorker::run() {
    // One client per thread: it keeps its connection to the provider open between calls. A reload that
    // changes the provider, key or model gets a new one.
    std::unique_ptr<ai::ProviderClient> client;
    std::string client_for;
    for (;;) {
        std::int64_t job_id = 0;
        {
            std::unique_lock lock(m_mutex);
            m_cv.wait(lock, [&] { return m_stopping || !m_queue.empty(); });
            if (m_stopping) {
                return;
            }
            job_id = m_queue.front();
            m_queue.pop_front();
        }
        try {
            auto config = m_config.get();
            std::string wanted = config->llm_configured()
                                     ? config->openai_base_url + '\n' + config->openai_api_key + '\n' +
                                           config->openai_chat_model
                                     : std::string();
            if (wanted != client_for) {
                client.reset();
                if (!wanted.empty()) {
                    client = std::make_unique<ai::ProviderClient>(
                        config->openai_base_url, config->openai_api_key, config->openai_chat_model);
                }
                client_for = std::move(wanted);
            }
            auto context =
                m_store.read([&](store::Database& db) { return read_context(db, *config, job_id); });
            if (!context) {
                log_error("answer", "cannot read answer job {}: {}", job_id, context.error().message);
                continue;
            }
            if (!*context) {
                continue; // finished by another worker, or its message is gone
            }
            Context& c = **context;
            Shared shared{*config, m_breaker, m_cache};
            Composed composed = compose(c, client.get(), shared);
            auto done = m_pipeline.finish_answer(c.job, composed);
            if (!done) {
                // Left in the table: the next start answers it.
                log_error("answer", "cannot write the answer to message {}: {}", c.job.message_id,
                          done.error().message);
            }
        } catch (const std::exception& e) {
            log_error("answer", "answer job {} failed: {}", job_id, e.what());
        }
    }
}

} // namespace sbc::pipeline
