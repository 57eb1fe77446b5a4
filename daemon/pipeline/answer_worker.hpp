#pragma once
// The answer workers: threads that compose the answers of businesses with LLM on, off the HTTP workers. Each
// job (committed with its inbound message) is answered by the provider within the answer budget, or by the
// built-in answerer when the provider is slow, failing, rate-limiting or behind an open circuit breaker; the
// reply is written through the store and handed to the sender. Jobs left by a crash are resumed at start.
// With answer.retrieval embeddings or hybrid, every question comes here: its embedding is asked for within
// the budget, and the entries found (fused with the built-in ranking) feed both the prompt and the built-in
// answer; without the embedding the built-in retrieval answers alone.

#include "daemon/ai/answer_cache.hpp"
#include "daemon/ai/breaker.hpp"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
struct AnswerJob;
} // namespace sbc::store

namespace sbc::pipeline {

class Pipeline;
struct Composed;

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

    // Queues a job committed by the pipeline.
    void submit(std::int64_t job_id);

  private:
    void run();

    store::Store& m_store;
    const config::Live& m_config;
    Pipeline& m_pipeline;
    ai::Breaker m_breaker;
    ai::Breaker& m_embeddings_breaker;
    ai::AnswerCache m_cache;

    std::mutex m_mutex;
    std::condition_variable m_cv;
    std::deque<std::int64_t> m_queue;
    bool m_stopping = false;
    std::vector<std::thread> m_threads; // last: they start once everything above exists
};

} // namespace sbc::pipeline
