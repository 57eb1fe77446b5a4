#pragma once
// The figures of one run: printed as one table (metric, value, target, result) and written as JSON with
// stable keys, so that a later run (say, after an optimisation) can be compared with this one.

#include "tests/bench/stats.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace sbc::bench {

// A figure the team must reach later. The bench never fails on one: it prints pass or fail next to the
// figure.
struct Target {
    enum class Kind { below, at_least };
    Kind kind = Kind::below;
    double threshold = 0;
    // Empty when the run is at the target's scale; otherwise why the verdict does not apply (e.g. --quick).
    std::string not_applicable;
};

struct Metric {
    std::string key;  // stable, for JSON: "ingest.sbcd.p99_ms"
    std::string name; // for the table: "ingest, sbcd: latency p99"
    double value = 0;
    std::string unit; // "ms", "req/s", "x", "MB", "s", ""
    int precision = 2;
    std::optional<Target> target;
};

class Report {
  public:
    void add(Metric metric);
    // Adds p50, p95, p99 and max rows of a latency summary under key_prefix (".p50_ms" ...); the target, if
    // any, applies to p99.
    void add_latency(const std::string& key_prefix, const std::string& name_prefix, const Summary& summary,
                     std::optional<Target> p99_target = std::nullopt);
    // Free-form facts for the JSON header (date, machine, options).
    void set_info(const std::string& key, nlohmann::json value);

    // The table, aligned, one metric per line.
    std::string table() const;
    // Each metric next to the same key in an earlier run's json() (before, now, change in %), for
    // before/after comparisons; metrics the earlier run lacks show "-".
    std::string comparison(const nlohmann::json& before) const;
    nlohmann::json json() const;
    // True when any applicable target failed (reported, never an exit status).
    bool any_target_failed() const;

  private:
    std::vector<Metric> m_metrics;
    nlohmann::json m_info = nlohmann::json::object();
};

// "pass", "FAIL", "n/a (...)" or "" for a metric without a target.
std::string verdict(const Metric& metric);

} // namespace sbc::bench
