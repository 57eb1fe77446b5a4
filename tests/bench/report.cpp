#include "tests/bench/report.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace sbc::bench {
namespace {

std::string value_text(const Metric& m) {
    std::string number = fmt::format("{:.{}f}", m.value, m.precision);
    return m.unit.empty() ? number : number + " " + m.unit;
}

std::string target_text(const Metric& m) {
    if (!m.target) {
        return "";
    }
    std::string op = m.target->kind == Target::Kind::below ? "<" : ">=";
    std::string threshold = fmt::format("{:g}", m.target->threshold);
    return m.unit.empty() ? op + " " + threshold : op + " " + threshold + " " + m.unit;
}

bool passes(const Metric& m) {
    return m.target->kind == Target::Kind::below ? m.value < m.target->threshold
                                                 : m.value >= m.target->threshold;
}

} // namespace

std::string verdict(const Metric& m) {
    if (!m.target) {
        return "";
    }
    if (!m.target->not_applicable.empty()) {
        return "n/a (" + m.target->not_applicable + ")";
    }
    return passes(m) ? "pass" : "FAIL";
}

void Report::add(Metric metric) {
    m_metrics.push_back(std::move(metric));
}

void Report::add_latency(const std::string& key_prefix, const std::string& name_prefix, const Summary& s,
                         std::optional<Target> p99_target) {
    add({key_prefix + ".p50_ms", name_prefix + " p50", s.p50, "ms", 3, std::nullopt});
    add({key_prefix + ".p95_ms", name_prefix + " p95", s.p95, "ms", 3, std::nullopt});
    add({key_prefix + ".p99_ms", name_prefix + " p99", s.p99, "ms", 3, std::move(p99_target)});
    add({key_prefix + ".max_ms", name_prefix + " max", s.max, "ms", 3, std::nullopt});
}

void Report::set_info(const std::string& key, nlohmann::json value) {
    m_info[key] = std::move(value);
}

std::string Report::table() const {
    std::size_t name_w = 6, value_w = 5, target_w = 6;
    for (const auto& m : m_metrics) {
        name_w = std::max(name_w, m.name.size());
        value_w = std::max(value_w, value_text(m).size());
        target_w = std::max(target_w, target_text(m).size());
    }
    std::string out = fmt::format("{:<{}}  {:>{}}  {:<{}}  {}\n", "metric", name_w, "value", value_w,
                                  "target", target_w, "result");
    out += std::string(name_w + value_w + target_w + 14, '-') + "\n";
    for (const auto& m : m_metrics) {
        out += fmt::format("{:<{}}  {:>{}}  {:<{}}  {}\n", m.name, name_w, value_text(m), value_w,
                           target_text(m), target_w, verdict(m));
    }
    return out;
}

std::string Report::comparison(const nlohmann::json& before) const {
    const auto& old = before.contains("metrics") ? before["metrics"] : nlohmann::json::object();
    std::vector<std::array<std::string, 4>> rows;
    for (const auto& m : m_metrics) {
        std::string was = "-", change = "";
        if (old.contains(m.key) && old[m.key].contains("value")) {
            double previous = old[m.key]["value"].get<double>();
            was = fmt::format("{:.{}f}", previous, m.precision);
            if (previous != 0) {
                change = fmt::format("{:+.0f}%", (m.value - previous) / previous * 100);
            }
        }
        rows.push_back({m.name, was, value_text(m), change});
    }
    std::size_t w0 = 6, w1 = 6, w2 = 3;
    for (const auto& r : rows) {
        w0 = std::max(w0, r[0].size());
        w1 = std::max(w1, r[1].size());
        w2 = std::max(w2, r[2].size());
    }
    std::string out =
        fmt::format("{:<{}}  {:>{}}  {:>{}}  {}\n", "metric", w0, "before", w1, "now", w2, "change");
    out += std::string(w0 + w1 + w2 + 14, '-') + "\n";
    for (const auto& r : rows) {
        out += fmt::format("{:<{}}  {:>{}}  {:>{}}  {}\n", r[0], w0, r[1], w1, r[2], w2, r[3]);
    }
    return out;
}

nlohmann::json Report::json() const {
    nlohmann::json metrics = nlohmann::json::object();
    for (const auto& m : m_metrics) {
        nlohmann::json entry = {{"name", m.name}, {"value", m.value}, {"unit", m.unit}};
        if (m.target) {
            entry["target"] = target_text(m);
            entry["result"] = verdict(m);
        }
        metrics[m.key] = entry;
    }
    nlohmann::json out = m_info;
    out["metrics"] = metrics;
    return out;
}

bool Report::any_target_failed() const {
    return std::any_of(m_metrics.begin(), m_metrics.end(),
                       [](const Metric& m) { return m.target && verdict(m) == "FAIL"; });
}

} // namespace sbc::bench
