#include "daemon/http/status_pages.hpp"

#include "common/time_format.hpp"
#include "daemon/config/live.hpp"
#include "daemon/metrics/counters.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/store.hpp"

namespace sbc::http {
namespace {

std::string now_iso() {
    return time_format::iso8601_ms(time_format::now_ms());
}

} // namespace

std::pair<nlohmann::json, bool> health(StatusSources& s) {
    auto db = s.store.read([](store::Database& d) -> Result<bool> {
        d.prepare("SELECT 1").step();
        return true;
    });
    auto index = s.store.read([](store::Database& d) -> Result<bool> {
        auto q = d.prepare("SELECT COUNT(*) FROM knowledge_fts WHERE knowledge_fts MATCH 'healthcheck'");
        q.step();
        return true;
    });
    // Reads can work while writes fail (disk full, read-only file system): then nothing can be received.
    auto writes = s.store.check_writes();
    bool live = s.config.get()->twilio_live();
    int last = s.counters.last_api_ok.load();
    bool twilio_ok = !live || last != 0;
    bool healthy = db.ok() && writes.ok() && index.ok() && twilio_ok;
    double uptime = std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count();
    nlohmann::json body = {
        {"status", healthy ? "ok" : "error"},
        {"timestamp", now_iso()},
        {"database", {{"status", db.ok() && writes.ok() ? "connected" : "error"}, {"writable", writes.ok()}}},
        {"vectorDB", {{"isHealthy", index.ok()}, {"engine", "sqlite-fts5"}}},
        {"twilio",
         {{"isHealthy", twilio_ok},
          {"mode", live ? "live" : "dry-run"},
          {"credentials", live},
          {"lastCall", last < 0 ? "none" : (last == 1 ? "ok" : "failed")}}},
        {"uptime", uptime},
    };
    if (!db.ok()) {
        body["database"]["error"] = db.error().message;
    } else if (!writes.ok()) {
        body["database"]["error"] = writes.error().message;
    }
    return {body, healthy};
}

nlohmann::json webhook_test() {
    return {{"status", "ok"}, {"message", "Webhook is working"}, {"timestamp", now_iso()}};
}

nlohmann::json webhooks_status(StatusSources& s) {
    auto last = s.counters.last_received_ms.load();
    return {
        {"received", s.counters.webhooks_received.load()},
        {"duplicates", s.counters.webhooks_duplicate.load()},
        {"statusCallbacks", s.counters.status_callbacks.load()},
        {"rejected", s.counters.rejected_total()},
        {"rejectedByReason", s.counters.rejections()},
        {"lastReceived", last == 0 ? nlohmann::json(nullptr) : nlohmann::json(time_format::iso8601_ms(last))},
        {"signatureCheck", s.config.get()->insecure_skip_signature_check ? "off (insecure)" : "on"},
        {"timestamp", now_iso()},
    };
}

nlohmann::json twilio_status(StatusSources& s) {
    auto depth = s.store.read([](store::Database& d) -> Result<nlohmann::json> {
        auto oldest = store::oldest_pending_created_at(d);
        return nlohmann::json{
            {"depth", store::outbox_depth(d)},
            {"oldestAgeSeconds",
             oldest ? nlohmann::json((time_format::now_ms() - *oldest) / 1000) : nlohmann::json()}};
    });
    auto error = s.counters.last_error();
    auto config = s.config.get();
    return {
        {"mode", config->twilio_live() ? "live" : "dry-run"},
        {"apiBaseUrl", config->twilio_api_base_url},
        {"outbox", depth ? *depth : nlohmann::json{{"error", depth.error().message}}},
        {"sent", s.counters.sent.load()},
        {"failed", s.counters.failed.load()},
        {"retried", s.counters.retried.load()},
        {"ambiguous", s.counters.ambiguous.load()},
        {"dryRun", s.counters.dry_run.load()},
        {"lastError", error.empty() ? nlohmann::json(nullptr) : nlohmann::json(error)},
        {"timestamp", now_iso()},
    };
}

} // namespace sbc::http
