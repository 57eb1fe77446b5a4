#include "daemon/pipeline/embedder.hpp"

#include "common/time_format.hpp"
#include "daemon/ai/embedding_client.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"
#include "daemon/pipeline/embedding_usage.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/usage_repo.hpp"
#include "daemon/store/vector_repo.hpp"

#include <algorithm>
#include <memory>

namespace sbc::pipeline {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// How often the knowledge's generation is looked at: one tiny read, so a new entry waits a quarter second.
constexpr auto k_poll = 250ms;
// One batch request at most; shutdown waits for it.
constexpr auto k_request_timeout = 10s;

// A failed request in the provider ledger, a row for each business whose entries it carried, so that business
// stats show the failures beside the calls.
void record_failure(store::Store& store, const config::Config& config, const std::string& model,
                    const std::vector<store::PendingEmbedding>& pending) {
    auto recorded = store.write([&](store::Database& db) -> Status {
        for (auto call : embedding_calls(config, model, pending, 0, time_format::now_ms())) {
            call.failed = true;
            store::record_call(db, call);
        }
        return ok_status();
    });
    if (!recorded) {
        log_debug("embed", "cannot record the failed request: {}", recorded.error().message);
    }
}

} // namespace

Embedder::Embedder(store::Store& store, const config::Live& live)
    : m_store(store), m_config(live),
      m_breaker(live.get()->breaker_failures, std::chrono::milliseconds(live.get()->breaker_cooldown_ms)),
      m_thread([this] {
          log::name_this_thread("sbc-embedder");
          run();
      }) {}

Embedder::~Embedder() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    m_thread.join();
}

bool Embedder::pause(std::chrono::milliseconds ms) {
    std::unique_lock lock(m_mutex);
    return !m_cv.wait_for(lock, ms, [&] { return m_stopping; });
}

void Embedder::run() {
    std::unique_ptr<ai::EmbeddingClient> client;
    std::string model;             // the model the work below is for
    std::int64_t generation = -1;  // the knowledge generation when nothing was left to do
    Clock::time_point next_call{}; // the pace
    for (;;) {
        {
            std::lock_guard lock(m_mutex);
            if (m_stopping) {
                return;
            }
        }
        try {
            auto config = m_config.get();
            if (!config->embeddings_configured()) {
                model.clear();
                pause(k_poll);
                continue;
            }
            if (config->openai_embedding_model != model) {
                model = config->openai_embedding_model;
                generation = -1; // another model: every entry is looked at again
                auto counts = m_store.read([&](store::Database& db) -> Result<store::EmbeddingCounts> {
                    return store::embedding_counts(db, model);
                });
                if (counts) {
                    log_info("embed", "embedding model {}: {} of {} entries have a vector", model,
                             counts->embedded, counts->entries);
                }
            }
            auto now_generation = m_store.read(
                [](store::Database& db) -> Result<std::int64_t> { return store::knowledge_generation(db); });
            if (!now_generation || *now_generation == generation || Clock::now() < next_call) {
                pause(k_poll);
                continue;
            }
            auto pending =
                m_store.read([&](store::Database& db) -> Result<std::vector<store::PendingEmbedding>> {
                    return store::pending_embeddings(db, model, config->embedding_batch);
                });
            if (!pending) {
                log_error("embed", "cannot read the entries to embed: {}", pending.error().message);
                pause(k_poll);
                continue;
            }
            if (pending->empty()) {
                generation = *now_generation;
                continue;
            }
            if (!m_breaker.allow()) {
                pause(k_poll);
                continue;
            }
            std::vector<std::string> inputs;
            for (const auto& p : *pending) {
                inputs.push_back(p.input);
            }
            next_call =
                Clock::now() + std::chrono::milliseconds(60000 / config->embedding_requests_per_minute);
            auto result = ai::client_for(client, config->openai_base_url, config->openai_api_key, model)
                              .embed(inputs, k_request_timeout);
            if (!result.ok) {
                m_breaker.record_failure(result.retry_after); // a 429's Retry-After holds the next call
                log_warn("embed", "embeddings provider failed ({}): {} entries wait{}", result.error,
                         inputs.size(), m_breaker.is_open() ? "; circuit breaker open" : "");
                record_failure(m_store, *config, model, *pending);
                continue;
            }
            m_breaker.record_success();
            auto stored = m_store.write([&](store::Database& db) -> Result<int> {
                int n = 0;
                auto now = time_format::now_ms();
                // The tokens were spent even for a vector refused below (its entry edited meanwhile).
                for (const auto& call : embedding_calls(*config, model, *pending, result.tokens, now)) {
                    store::record_call(db, call);
                }
                for (std::size_t i = 0; i < pending->size(); ++i) {
                    const auto& p = (*pending)[i];
                    n += store::store_embedding(db, p.entry_rowid, model, store::content_hash(p.input),
                                                result.vectors[i], now)
                             ? 1
                             : 0;
                }
                return n;
            });
            if (!stored) {
                log_error("embed", "cannot store {} embeddings: {}", pending->size(), stored.error().message);
                pause(k_poll);
                continue;
            }
            log_debug("embed", "stored {} of {} embeddings ({} dimensions, {} tokens)", *stored,
                      pending->size(), result.vectors.front().size(), result.tokens);
        } catch (const std::exception& e) {
            log_error("embed", "embedder: {}", e.what());
            pause(k_poll);
        }
    }
}

} // namespace sbc::pipeline
