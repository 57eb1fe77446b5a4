#pragma once
// The JSON endpoints of the seed deployment: /health, /webhooks/test, /webhooks/status and
// /api/twilio/status. Each reports real state (the database answers and can be written, the index answers,
// the sender's last call). They only read, except /health while writes are failing: it then tries one write
// to see whether they work again.

#include <chrono>
#include <nlohmann/json.hpp>

namespace sbc::config {
class Live;
}
namespace sbc::store {
class Store;
}
namespace sbc::metrics {
class Counters;
}

namespace sbc::http {

struct StatusSources {
    const config::Live& config; // read per request: SIGHUP can change it
    store::Store& store;
    metrics::Counters& counters;
    std::chrono::steady_clock::time_point started;
};

// GET /health: the body, and whether everything is healthy (else the caller answers 503).
std::pair<nlohmann::json, bool> health(StatusSources& sources);
// POST /webhooks/test
nlohmann::json webhook_test();
// GET /webhooks/status
nlohmann::json webhooks_status(StatusSources& sources);
// GET /api/twilio/status
nlohmann::json twilio_status(StatusSources& sources);

} // namespace sbc::http
