#include "cli/request_batches.hpp"

namespace sbc::cli {

std::vector<std::pair<std::size_t, std::size_t>> request_batches(const std::vector<std::size_t>& sizes,
                                                                 std::size_t envelope_bytes) {
    std::vector<std::pair<std::size_t, std::size_t>> out;
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < sizes.size(); ++i) {
        if (out.empty() || out.back().second - out.back().first >= k_max_batch_rows ||
            bytes + sizes[i] + envelope_bytes > k_max_batch_bytes) {
            out.emplace_back(i, i);
            bytes = 0;
        }
        out.back().second = i + 1;
        bytes += sizes[i];
    }
    return out;
}

} // namespace sbc::cli
