#pragma once
// Latency figures from every sample: sorted, then read at nearest-rank percentiles. Nothing is estimated or
// bucketed, so p99 of 1,000 samples is the 990th smallest.

#include <cstddef>
#include <string>
#include <vector>

namespace sbc::bench {

struct Summary {
    std::size_t count = 0;
    double p50 = 0;
    double p95 = 0;
    double p99 = 0;
    double max = 0;
    double mean = 0;
};

// The nearest-rank percentile (0 < p <= 100) of sorted samples: the smallest sample with at least p% of all
// samples at or below it. 0 for no samples.
double percentile(const std::vector<double>& sorted, double p);

// Sorts a copy of the samples and summarises them; all zero for no samples.
Summary summarise(std::vector<double> samples);

// "p50 0.41  p95 0.93  p99 1.72  max 8.03 ms (n=20000)", for the log of each phase.
std::string describe(const Summary& s, const std::string& unit = "ms");

} // namespace sbc::bench
