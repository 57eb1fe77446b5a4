#pragma once
// A strict reader of Prometheus text exposition format 0.0.4, for tests of GET /metrics: every sample must
// belong to a family declared with # TYPE before it (histograms: name_bucket, name_sum, name_count), label
// values are unescaped, and any malformed line is an error naming it.

#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace sbc::test {

struct PromSample {
    std::string name;
    std::map<std::string, std::string> labels;
    double value = 0;
};

struct PromScrape {
    std::map<std::string, std::string> types; // family -> counter, gauge, histogram, ...
    std::map<std::string, std::string> help;  // family -> help text
    std::vector<PromSample> samples;

    // The value of the sample with exactly these labels; nullopt when there is none.
    std::optional<double> value(const std::string& name,
                                const std::map<std::string, std::string>& labels = {}) const;
    // The sum over every sample of `name` whatever its labels (0 when there is none).
    double sum(const std::string& name) const;
};

// Throws std::runtime_error("line N: ...") on anything the format does not allow.
PromScrape parse_prometheus(const std::string& text);

} // namespace sbc::test
