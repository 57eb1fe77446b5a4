#pragma once
// The background embedder: one thread that keeps a vector of the configured embedding model
// (openai.embedding_model) next to every knowledge entry. It looks for entries without one (added, imported,
// edited, or embedded with another model: the work is read from the database, so it survives restarts and
// follows a SIGHUP that changes the model), sends them in batches at a bounded pace, and stores the vectors
// through the writer. It never runs on an HTTP worker; a failing provider opens its circuit breaker, which
// the answer workers' question embeddings share.

#include "daemon/ai/breaker.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
}

namespace sbc::pipeline {

class Embedder {
  public:
    Embedder(store::Store& store, const config::Live& config);
    // Lets a request in flight finish (bounded by k_request_timeout); what is left waits for the next start.
    ~Embedder();
    Embedder(const Embedder&) = delete;
    Embedder& operator=(const Embedder&) = delete;

    // The breaker of the embeddings endpoint.
    ai::Breaker& breaker() { return m_breaker; }

  private:
    void run();
    // Waits up to `ms`, less when stopping; false when stopping.
    bool pause(std::chrono::milliseconds ms);

    store::Store& m_store;
    const config::Live& m_config;
    ai::Breaker m_breaker;
    std::mutex m_mutex;
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::thread m_thread; // last: it starts once everything above exists
};

} // namespace sbc::pipeline
