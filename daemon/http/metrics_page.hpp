#pragma once
// GET /metrics: the in-memory counters and a few figures read from the store (outbox depth and age,
// knowledge-base size), in Prometheus text format. Metric names are sbc_*; per-business series carry a
// bounded `business` label (metrics.max_businesses, the rest under "other").

#include <string>

namespace sbc::http {

struct StatusSources;

std::string prometheus_metrics(StatusSources& sources);

} // namespace sbc::http
