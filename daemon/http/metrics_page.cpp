#include "daemon/http/metrics_page.hpp"

#include "common/time_format.hpp"
#include "daemon/http/status_pages.hpp"
#include "daemon/metrics/counters.hpp"
#include "daemon/metrics/prometheus.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>

namespace sbc::http {
namespace {

struct StoreFigures {
    std::int64_t outbox_depth = 0;
    double oldest_age_seconds = 0;
    std::int64_t knowledge = 0;
    std::int64_t businesses = 0;
};

void counter(metrics::Exposition& out, std::string_view name, std::string_view help, double value) {
    out.family(name, "counter", help);
    out.sample(name, value);
}

void gauge(metrics::Exposition& out, std::string_view name, std::string_view help, double value) {
    out.family(name, "gauge", help);
    out.sample(name, value);
}

void webhooks(metrics::Exposition& out, const metrics::Counters& c) {
    counter(out, "sbc_webhooks_received_total", "inbound message webhooks accepted and stored",
            static_cast<double>(c.webhooks_received.load()));
    counter(out, "sbc_webhooks_duplicate_total", "inbound webhooks whose MessageSid was already stored",
            static_cast<double>(c.webhooks_duplicate.load()));
    counter(out, "sbc_status_callbacks_total", "delivery status callbacks accepted",
            static_cast<double>(c.status_callbacks.load()));
    out.family("sbc_webhooks_rejected_total", "counter", "webhooks refused, by reason");
    for (const auto& [reason, n] : c.rejections()) {
        out.sample("sbc_webhooks_rejected_total", {{"reason", reason}}, static_cast<double>(n));
    }
}

void replies(metrics::Exposition& out, const metrics::Counters& c) {
    counter(out, "sbc_replies_sent_total", "replies Twilio accepted", static_cast<double>(c.sent.load()));
    counter(out, "sbc_replies_failed_total", "replies Twilio refused for good or given up after retries",
            static_cast<double>(c.failed.load()));
    counter(out, "sbc_replies_retried_total", "send attempts to be retried later",
            static_cast<double>(c.retried.load()));
    counter(out, "sbc_replies_ambiguous_total", "send attempts with no answer after the request went out",
            static_cast<double>(c.ambiguous.load()));
    counter(out, "sbc_replies_dry_run_total", "replies logged instead of sent (no Twilio credentials)",
            static_cast<double>(c.dry_run.load()));
}

void latency(metrics::Exposition& out, const metrics::Histogram& histogram) {
    constexpr const char* k_name = "sbc_answer_seconds";
    out.family(k_name, "histogram",
               "from a verified inbound webhook to its acknowledgement: classified, answered and committed");
    auto s = histogram.snapshot();
    for (std::size_t i = 0; i < metrics::Histogram::k_bounds.size(); ++i) {
        out.sample("sbc_answer_seconds_bucket", {{"le", fmt::format("{}", metrics::Histogram::k_bounds[i])}},
                   static_cast<double>(s.cumulative[i]));
    }
    out.sample("sbc_answer_seconds_bucket", {{"le", "+Inf"}}, static_cast<double>(s.count));
    out.sample("sbc_answer_seconds_sum", s.sum);
    out.sample("sbc_answer_seconds_count", static_cast<double>(s.count));
}

void per_business(metrics::Exposition& out, const metrics::Counters& c) {
    out.family("sbc_business_messages_total", "counter",
               "inbound messages per business and classification (first metrics.max_businesses businesses "
               "by name, the rest as \"other\")");
    for (const auto& [key, n] : c.business_messages()) {
        out.sample("sbc_business_messages_total", {{"business", key.first}, {"kind", key.second}},
                   static_cast<double>(n));
    }
}

} // namespace

std::string prometheus_metrics(StatusSources& s) {
    metrics::Exposition out;
    webhooks(out, s.counters);
    replies(out, s.counters);
    latency(out, s.counters.answer_latency);
    per_business(out, s.counters);
    auto figures = s.store.read([](store::Database& d) -> Result<StoreFigures> {
        StoreFigures f;
        f.outbox_depth = store::outbox_depth(d);
        if (auto oldest = store::oldest_pending_created_at(d)) {
            f.oldest_age_seconds = static_cast<double>(time_format::now_ms() - *oldest) / 1000.0;
        }
        auto knowledge = d.prepare("SELECT COUNT(*) FROM knowledge");
        knowledge.step();
        f.knowledge = knowledge.int64(0);
        auto businesses = d.prepare("SELECT COUNT(*) FROM businesses");
        businesses.step();
        f.businesses = businesses.int64(0);
        return f;
    });
    // A store that cannot be read shows as sbc_store_up 0 and no store figures, rather than as zeros.
    gauge(out, "sbc_store_up", "1 when the database answered this scrape", figures.ok() ? 1 : 0);
    if (figures) {
        gauge(out, "sbc_outbox_depth", "replies waiting to be sent",
              static_cast<double>(figures->outbox_depth));
        gauge(out, "sbc_outbox_oldest_age_seconds", "age of the oldest reply waiting to be sent (0: none)",
              figures->oldest_age_seconds);
        gauge(out, "sbc_knowledge_entries", "knowledge-base entries of all businesses",
              static_cast<double>(figures->knowledge));
        gauge(out, "sbc_businesses", "registered businesses", static_cast<double>(figures->businesses));
    }
    counter(out, "sbc_store_commits_total", "database commits (each fsynced with store.synchronous=full)",
            static_cast<double>(s.store.commit_count()));
    counter(out, "sbc_store_writes_total",
            "writes those commits carried; writes per commit is the group commit's group size",
            static_cast<double>(s.store.write_count()));
    gauge(out, "sbc_uptime_seconds", "seconds since sbcd started",
          std::chrono::duration<double>(std::chrono::steady_clock::now() - s.started).count());
    return out.text();
}

} // namespace sbc::http
