#pragma once
// Prometheus text exposition format 0.0.4: "# HELP", "# TYPE", then one "name{label="value"} number" line per
// sample, label values and help text escaped as the format requires.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbc::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Exposition {
  public:
    // Starts a metric family; its samples follow. `type` is counter, gauge or histogram.
    void family(std::string_view name, std::string_view type, std::string_view help);
    void sample(std::string_view name, const Labels& labels, double value);
    void sample(std::string_view name, double value) { sample(name, {}, value); }
    const std::string& text() const { return m_text; }

  private:
    std::string m_text;
};

// The content type of the format.
inline constexpr const char* k_exposition_content_type = "text/plain; version=0.0.4; charset=utf-8";

// A label value with \, " and newline escaped.
std::string escape_label(std::string_view value);

} // namespace sbc::metrics
