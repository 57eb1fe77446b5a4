#include "daemon/pipeline/answer_worker.hpp"

#include "common/time_format.hpp"
#include "daemon/ai/embedding_client.hpp"
#include "daemon/ai/prompt_builder.hpp"
#include "daemon/ai/provider_client.hpp"
#include "daemon/answer/answerer.hpp"
#include "daemon/answer/query_terms.hpp"
#include "daemon/answer/retriever.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/pipeline/embedding_usage.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/pipeline/thread_priority.hpp"
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
// The built-in lane's threads: answering is CPU work, and the machine sbcd is made for has a core or two.
constexpr int k_builtin_threads = 2;
// Built-in answers due at once are written together: one at a time, each waited for its own commit, and a
// burst's answers went out at about 400 a second with the CPU half idle (the fsync was the limit). A batch
// of 32 at about 0.3 ms each delays the last answer of a full batch by 10 ms.
constexpr std::size_t k_builtin_batch = 32;
// A job whose answer could not be written (disk full, read-only database) is tried again after 500 ms,
// doubling up to 2 s: no spinning while the store fails, and the reply goes out soon after it works again.
constexpr std::int64_t k_store_retry_ms = 500;
constexpr std::int64_t k_store_retry_cap_ms = 2000;

// What a job needs, read in one go on a reader connection.
struct Context {
    store::AnswerJob job;
    store::Business business;
    std::string question;
    std::int64_t kb_version = 0;
    ai::PromptInput prompt;
    answer::Answer builtin;
    bool llm = false; // an LLM is configured and this business has it on
};

answer::Mode retrieval_mode(const config::Config& config) {
    return config.vector_retrieval() ? answer::parse_mode(config.retrieval).value_or(answer::Mode::builtin)
                                     : answer::Mode::builtin;
}

// `vector` is the question's embedding, or null (retrieval without it).
Result<std::optional<Context>> read_context(store::Database& db, const config::Config& config,
                                            std::int64_t job_id, const answer::QueryVector* vector) {
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
    auto settings = store::ai_settings(db, business->rowid);
    // A greeting or a question about the opening hours is answered from the settings, as the webhook does
    // when no earlier question of the customer's is waiting.
    c.llm = config.llm_configured() && settings.llm && !answer::quick_answer(*business, message->body);
    c.prompt.business_name = business->name;
    c.prompt.hours = business->hours;
    c.prompt.tone = settings.tone;
    c.prompt.question = message->body;
    // The retriever's candidates first (built-in, or fused with the embeddings'), then full-text hits.
    std::vector<std::int64_t> seen;
    auto take = [&](const store::Entry& entry) {
        if (c.prompt.entries.size() < k_top_entries &&
            std::find(seen.begin(), seen.end(), entry.rowid) == seen.end()) {
            seen.push_back(entry.rowid);
            c.prompt.entries.push_back(entry.text);
        }
    };
    const answer::Mode mode = retrieval_mode(config);
    for (const auto& candidate :
         answer::retrieve(db, business->rowid, message->body, mode, k_top_entries, vector)) {
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
    c.builtin = answer::answer_question(db, *business, message->body, config.min_confidence_percent / 100.0,
                                        mode, vector);
    return std::optional(std::move(c));
}

Composed from_builtin(const answer::Answer& a) {
    Composed c;
    c.text = a.text;
    c.kind = answer::kind_name(a.kind);
    c.entry_number = a.entry_number;
    c.score = a.confidence;
    c.handoff = a.kind == answer::Answer::Kind::fallback;
    c.closest = a.closest;
    return c;
}

// The provider's reply as the customer's answer, or a hand-off when it says the notes do not answer (the
// owner's notice then names the entries the built-in answer found closest).
Composed from_llm(const std::string& reply, const store::Business& business, const answer::Answer& builtin) {
    if (ai::is_handoff(reply)) {
        Composed c;
        c.text = business.fallback;
        c.kind = "fallback";
        c.handoff = true;
        c.closest = builtin.closest;
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

// The ledger's row of a chat completion (its business, question and time are filled in with the answer).
store::ProviderCall chat_call(const config::Config& config, const ai::Completion* c) {
    store::ProviderCall call;
    call.kind = store::CallKind::chat;
    call.model = config.openai_chat_model;
    if (c == nullptr) {
        call.failed = true;
        return call;
    }
    call.prompt_tokens = c->prompt_tokens;
    call.completion_tokens = c->completion_tokens;
    call.cost_usd = (static_cast<double>(c->prompt_tokens) * config.price_input_per_mtok +
                     static_cast<double>(c->completion_tokens) * config.price_output_per_mtok) /
                    1e6;
    return call;
}

// The provider's answer within what is left of the budget, from the cache when the same question was answered
// on this version of the knowledge; the built-in answer when the provider cannot be used or fails.
Composed compose(const Context& c, ai::ProviderClient* client, Shared& shared) {
    if (!c.llm) {
        return from_builtin(c.builtin);
    }
    auto key = ai::normalise_question(c.question);
    if (auto cached = shared.cache.find(c.business.rowid, c.kb_version, key)) {
        return from_llm(*cached, c.business, c.builtin);
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
        shared.breaker.record_failure(completion.retry_after);
        log_warn("answer", "LLM provider failed for message {} ({}): sending the built-in answer{}",
                 c.job.message_id, completion.error,
                 shared.breaker.is_open() ? "; circuit breaker open" : "");
        Composed out = from_builtin(c.builtin);
        out.calls.push_back(chat_call(shared.config, nullptr));
        return out;
    }
    shared.breaker.record_success();
    shared.cache.put(c.business.rowid, c.kb_version, key, completion.text);
    Composed out = from_llm(completion.text, c.business, c.builtin);
    out.calls.push_back(chat_call(shared.config, &completion));
    return out;
}

// The question's embedding within what is left of the budget, at most answer.embedding_timeout_ms; nullopt
// (and a log line) when the breaker is open or the call fails, so that the built-in retrieval answers alone.
// A call that answered is added to `calls` with the tokens it used.
std::optional<answer::QueryVector> embed_question(const config::Config& config, const store::AnswerJob& job,
                                                  const std::string& question,
                                                  std::unique_ptr<ai::EmbeddingClient>& client,
                                                  ai::Breaker& breaker,
                                                  std::vector<store::ProviderCall>& calls) {
    std::int64_t left = job.created_at + config.answer_budget_ms - time_format::now_ms() - k_min_call_ms;
    std::int64_t timeout = std::min<std::int64_t>(config.embedding_timeout_ms, left);
    if (timeout < 1) {
        log_warn("answer", "no time left to embed message {}: built-in retrieval only", job.message_id);
        return std::nullopt;
    }
    if (!breaker.allow()) {
        log_debug("answer", "embeddings breaker open: built-in retrieval for message {}", job.message_id);
        return std::nullopt;
    }
    auto result =
        ai::client_for(client, config.openai_base_url, config.openai_api_key, config.openai_embedding_model)
            .embed({question}, std::chrono::milliseconds(timeout));
    if (!result.ok) {
        breaker.record_failure(result.retry_after);
        log_warn("answer", "question embedding failed for message {} ({}): built-in retrieval only{}",
                 job.message_id, result.error, breaker.is_open() ? "; embeddings breaker open" : "");
        auto failed = embedding_call(config, config.openai_embedding_model, 0);
        failed.failed = true; // counted in business stats, as a failed chat completion is
        calls.push_back(failed);
        return std::nullopt;
    }
    breaker.record_success();
    calls.push_back(embedding_call(config, config.openai_embedding_model, result.tokens));
    return answer::QueryVector{config.openai_embedding_model, std::move(result.vectors.front())};
}

// The job and its question, when both are still there.
Result<std::optional<std::pair<store::AnswerJob, std::string>>> read_question(store::Database& db,
                                                                              std::int64_t job_id) {
    auto job = store::find_answer_job(db, job_id);
    auto message = job ? store::find_message(db, job->message_id) : std::nullopt;
    if (!message) {
        return std::optional<std::pair<store::AnswerJob, std::string>>();
    }
    return std::optional(std::make_pair(*job, message->body));
}

// The built-in lane's job: its question answered from the knowledge base, nullopt when the job or its message
// is gone.
Result<std::optional<std::pair<store::AnswerJob, Composed>>>
read_builtin(store::Database& db, const config::Config& config, std::int64_t job_id) {
    using Answered = std::optional<std::pair<store::AnswerJob, Composed>>;
    auto job = store::find_answer_job(db, job_id);
    auto message = job ? store::find_message(db, job->message_id) : std::nullopt;
    auto business = message ? store::find_business_by_rowid(db, job->business_rowid) : std::nullopt;
    if (!business) {
        return Answered();
    }
    auto a = answer::answer_question(db, *business, message->body, config.min_confidence_percent / 100.0);
    return Answered(std::make_pair(*job, from_builtin(a)));
}

} // namespace

AnswerWorker::AnswerWorker(store::Store& store, const config::Live& live, Pipeline& pipeline,
                           ai::Breaker& embeddings_breaker)
    : m_store(store), m_config(live), m_pipeline(pipeline),
      m_breaker(live.get()->breaker_failures, std::chrono::milliseconds(live.get()->breaker_cooldown_ms)),
      m_embeddings_breaker(embeddings_breaker) {
    const config::Config& config = *live.get();
    auto left = m_store.read([](store::Database& db) -> Result<std::vector<store::AnswerJob>> {
        return store::list_answer_jobs(db);
    });
    if (left && !left->empty()) {
        log_info("answer", "resuming {} answer(s) being composed at the last stop", left->size());
        // The provider lane answers built-in when a business has LLM off, so it can take any job.
        Queue& lane = config.llm_configured() || config.vector_retrieval() ? m_provider : m_builtin;
        for (const auto& job : *left) {
            lane.jobs.push_back({job.id, {}, 0, job.customer});
        }
    }
    for (int i = 0; i < k_builtin_threads; ++i) {
        m_threads.emplace_back([this] {
            log::name_this_thread("sbc-answer");
            run_builtin();
        });
    }
    int threads = config.answer_threads < 1 ? 1 : config.answer_threads;
    for (int i = 0; i < threads; ++i) {
        m_threads.emplace_back([this] {
            log::name_this_thread("sbc-answer-llm");
            run_provider();
        });
    }
}

AnswerWorker::~AnswerWorker() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_builtin.cv.notify_all();
    m_provider.cv.notify_all();
    for (auto& t : m_threads) {
        t.join();
    }
}

void AnswerWorker::submit(std::int64_t job_id, AnswerLane lane, const std::string& customer) {
    Queue& queue = lane == AnswerLane::builtin ? m_builtin : m_provider;
    {
        std::lock_guard lock(m_mutex);
        queue.jobs.push_back({job_id, {}, 0, customer});
    }
    queue.cv.notify_one();
}

std::vector<AnswerWorker::Pending> AnswerWorker::take(Queue& queue, std::size_t most) {
    std::vector<Pending> taken;
    std::unordered_set<std::string> waiting; // customers with an earlier job that cannot start yet
    auto now = std::chrono::steady_clock::now();
    for (auto it = queue.jobs.begin(); it != queue.jobs.end() && taken.size() < most;) {
        if (it->not_before <= now && !m_answering.contains(it->customer) && !waiting.contains(it->customer)) {
            m_answering.insert(it->customer);
            taken.push_back(std::move(*it));
            it = queue.jobs.erase(it);
        } else {
            waiting.insert(it->customer);
            ++it;
        }
    }
    return taken;
}

std::vector<AnswerWorker::Pending> AnswerWorker::next_batch(Queue& queue, std::size_t most) {
    std::unique_lock lock(m_mutex);
    for (;;) {
        if (m_stopping) {
            return {};
        }
        auto batch = take(queue, most);
        if (!batch.empty()) {
            return batch;
        }
        // Woken by a submit, by a customer's answer being finished, or when the soonest retry is due.
        auto now = std::chrono::steady_clock::now();
        std::optional<std::chrono::steady_clock::time_point> soonest;
        for (const auto& job : queue.jobs) {
            if (job.not_before > now && (!soonest || job.not_before < *soonest)) {
                soonest = job.not_before;
            }
        }
        if (soonest) {
            queue.cv.wait_until(lock, *soonest);
        } else {
            queue.cv.wait(lock);
        }
    }
}

void AnswerWorker::finish(const std::vector<Pending>& jobs) {
    {
        std::lock_guard lock(m_mutex);
        for (const auto& job : jobs) {
            m_answering.erase(job.customer);
        }
    }
    // A customer's next question may wait in either lane.
    m_builtin.cv.notify_all();
    m_provider.cv.notify_all();
}

void AnswerWorker::retry_later(Queue& queue, Pending job) {
    ++job.failures;
    job.not_before = std::chrono::steady_clock::now() +
                     std::chrono::milliseconds(std::min<std::int64_t>(
                         k_store_retry_cap_ms, k_store_retry_ms << std::min(job.failures - 1, 10)));
    {
        std::lock_guard lock(m_mutex);
        queue.jobs.push_back(job);
    }
    queue.cv.notify_one();
}

std::vector<AnswerWorker::Pending> AnswerWorker::answer_builtin(const std::vector<Pending>& jobs) {
    auto config = m_config.get();
    std::vector<Pending> again;
    std::vector<Pending> written;
    std::vector<Pipeline::Answered> answers;
    for (const auto& job : jobs) {
        try {
            auto answered =
                m_store.read([&](store::Database& db) { return read_builtin(db, *config, job.id); });
            if (!answered) {
                log_error("answer", "cannot read answer job {}: {}", job.id, answered.error().message);
                again.push_back(job);
            } else if (*answered) {
                answers.push_back(std::move(**answered));
                written.push_back(job);
            } // else finished meanwhile, or its message is gone
        } catch (const std::exception& e) {
            log_error("answer", "answer job {} failed: {}", job.id, e.what());
        }
    }
    if (answers.empty()) {
        return again;
    }
    auto done = m_pipeline.finish_answers(answers);
    for (std::size_t i = 0; i < done.size(); ++i) {
        if (!done[i]) {
            log_error("answer", "cannot write the answer to message {} (tried again shortly): {}",
                      answers[i].first.message_id, done[i].error().message);
            again.push_back(written[i]);
        }
    }
    return again;
}

void AnswerWorker::run_builtin() {
    // The built-in lane answers only what the HTTP workers left to it: a burst's questions (Pipeline::handle
    // answers inline while the cores have room). At nice 19 (Linux schedules threads one by one, and within
    // sbcd's own group) a burst's webhooks are stored and acknowledged first and its answers follow as the
    // HTTP workers go idle: at nice 5, batched answers took the CPU from the acknowledgements and ingest fell
    // from 4,390 to about 2,900 webhooks a second.
    lower_this_thread_priority("answer");
    for (;;) {
        auto jobs = next_batch(m_builtin, k_builtin_batch);
        if (jobs.empty()) {
            return;
        }
        for (auto& job : answer_builtin(jobs)) {
            retry_later(m_builtin, job);
        }
        finish(jobs);
    }
}

void AnswerWorker::run_provider() {
    ProviderClients clients;
    for (;;) {
        auto jobs = next_batch(m_provider, 1);
        if (jobs.empty()) {
            return;
        }
        const Pending& job = jobs.front();
        bool done = true;
        try {
            done = answer_with_provider(job.id, clients);
        } catch (const std::exception& e) {
            log_error("answer", "answer job {} failed: {}", job.id, e.what());
        }
        if (!done) {
            retry_later(m_provider, job);
        }
        finish(jobs);
    }
}

bool AnswerWorker::answer_with_provider(std::int64_t job_id, ProviderClients& clients) {
    auto config = m_config.get();
    // A reload that changes the provider, key or model gets a new client.
    std::string wanted = config->llm_configured() ? config->openai_base_url + '\n' + config->openai_api_key +
                                                        '\n' + config->openai_chat_model
                                                  : std::string();
    if (wanted != clients.chat_for) {
        clients.chat.reset();
        if (!wanted.empty()) {
            clients.chat = std::make_unique<ai::ProviderClient>(
                config->openai_base_url, config->openai_api_key, config->openai_chat_model);
        }
        clients.chat_for = std::move(wanted);
    }
    std::optional<answer::QueryVector> vector;
    std::vector<store::ProviderCall> calls;
    if (config->vector_retrieval()) {
        auto question = m_store.read([&](store::Database& db) { return read_question(db, job_id); });
        if (question && *question) {
            vector = embed_question(*config, (*question)->first, (*question)->second, clients.embeddings,
                                    m_embeddings_breaker, calls);
        }
    }
    auto context = m_store.read(
        [&](store::Database& db) { return read_context(db, *config, job_id, vector ? &*vector : nullptr); });
    if (!context) {
        log_error("answer", "cannot read answer job {}: {}", job_id, context.error().message);
        return false;
    }
    if (!*context) {
        return true; // finished by another worker, or its message is gone
    }
    Context& c = **context;
    Shared shared{*config, m_breaker, m_cache};
    Composed composed = compose(c, clients.chat.get(), shared);
    composed.calls.insert(composed.calls.begin(), calls.begin(), calls.end());
    auto done = m_pipeline.finish_answer(c.job, composed);
    if (!done) {
        log_error("answer", "cannot write the answer to message {} (tried again shortly): {}",
                  c.job.message_id, done.error().message);
    }
    return static_cast<bool>(done);
}

} // namespace sbc::pipeline
