#pragma once
// The answer workers: threads that compose the answers to customers' questions, off the HTTP workers, so that
// Twilio's webhook is acknowledged as soon as the question is stored. Each job (committed with its inbound
// message) is answered, the reply written through the store and handed to the sender. Jobs left by a crash
// are resumed at start.
// Two lanes. The built-in lane answers from the knowledge base alone: CPU work of well under a millisecond to
// a few, on a few threads of slightly lower priority than the HTTP workers, so that a burst of webhooks is
// acknowledged first and answered right after. The provider lane serves businesses with LLM on: each job is
// answered by the provider within the answer budget, or by the built-in answerer when the provider is slow,
// failing, rate-limiting or behind an open circuit breaker.
// With answer.retrieval embeddings or hybrid, every question comes here: its embedding is asked for within
// the budget, and the entries found (fused with the built-in ranking) feed both the prompt and the built-in
// answer; without the embedding the built-in retrieval answers alone.

#include "daemon/ai/answer_cache.hpp"
#include "daemon/ai/breaker.hpp"
#include "daemon/ai/embedding_client.hpp"
#include "daemon/ai/provider_client.hpp"
#include "daemon/pipeline/pipeline.hpp"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_set>
#include <vector>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
struct AnswerJob;
} // namespace sbc::store

namespace sbc::pipeline {

class AnswerWorker {
  public:
    // Starts the threads and queues every job already in the database. Each job is composed with the
    // configuration in force when it starts (provider, key, model, budget and prices follow a SIGHUP; the
    // breaker's settings and the thread count are read once).
    // `embeddings_breaker` guards the embeddings endpoint (the background embedder's, shared): a question is
    // embedded (answer.retrieval embeddings or hybrid) only while it lets calls through.
    AnswerWorker(store::Store& store, const config::Live& config, Pipeline& pipeline,
                 ai::Breaker& embeddings_breaker);
    // Lets calls in flight finish (each is bounded by the budget); jobs not started stay for the next start.
    ~AnswerWorker();
    AnswerWorker(const AnswerWorker&) = delete;
    AnswerWorker& operator=(const AnswerWorker&) = delete;

    // Queues a job committed by the pipeline for `customer`'s question.
    void submit(std::int64_t job_id, AnswerLane lane, const std::string& customer);

  private:
    struct Pending {
        std::int64_t id = 0;
        std::chrono::steady_clock::time_point not_before; // later than now only when retried
        int failures = 0;
        std::string customer;
    };
    struct Queue {
        std::condition_variable cv;
        std::deque<Pending> jobs;
    };
    // A provider lane thread's clients: each keeps its connection to the provider open between calls.
    struct ProviderClients {
        std::unique_ptr<ai::ProviderClient> chat;
        std::string chat_for; // base URL, key and model the chat client was made for
        std::unique_ptr<ai::EmbeddingClient> embeddings;
    };
    // Waits for up to `most` jobs of `queue` that can start: due, and the first of their customer's, whose
    // earlier question no thread is answering. Empty when stopping. Their customers count as being answered
    // until finish().
    std::vector<Pending> next_batch(Queue& queue, std::size_t most);
    // The jobs next_batch() can take now; called with m_mutex held.
    std::vector<Pending> take(Queue& queue, std::size_t most);
    // Lets the next questions of these jobs' customers start.
    void finish(const std::vector<Pending>& jobs);
    // Queues a job again after a store failure, with a growing delay.
    void retry_later(Queue& queue, Pending job);
    void run_builtin();
    void run_provider();
    // Answers the jobs and writes the answers in one Store::write_batch; returns the jobs to try again (the
    // store failed).
    std::vector<Pending> answer_builtin(const std::vector<Pending>& jobs);
    // Answers one job; false when the store failed and the job must be tried again.
    bool answer_with_provider(std::int64_t job_id, ProviderClients& clients);

    store::Store& m_store;
    const config::Live& m_config;
    Pipeline& m_pipeline;
    ai::Breaker m_breaker;
    ai::Breaker& m_embeddings_breaker;
    ai::AnswerCache m_cache;

    std::mutex m_mutex;
    Queue m_builtin;
    Queue m_provider;
    // Customers whose question a thread is answering: one at a time each, so that their answers (and the
    // conversation an LLM's prompt shows) follow the order of their questions.
    std::unordered_set<std::string> m_answering;
    bool m_stopping = false;
    std::vector<std::thread> m_threads; // last: they start once everything above exists
};

} // namespace sbc::pipeline
