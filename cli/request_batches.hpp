#pragma once
// Splitting a long list (an import file's entries, an onboarding file's businesses) into the requests that
// carry it to sbcd.

#include <cstddef>
#include <utility>
#include <vector>

namespace sbc::cli {

// sbcd takes at most 1000 businesses per onboarding request; entries are sent as many at a time, so that one
// batch is one short transaction there.
inline constexpr std::size_t k_max_batch_rows = 1000;
// A request stays well under sbcd's 4 MiB line limit.
inline constexpr std::size_t k_max_batch_bytes = 1024 * 1024;

// Runs [first, last) of consecutive items, in order, each of at most k_max_batch_rows items whose sizes
// (bytes of JSON, separator included) add up to at most k_max_batch_bytes less `envelope_bytes`, the rest of
// the request. An item larger than that alone still gets a run of its own: sbcd then names the problem.
std::vector<std::pair<std::size_t, std::size_t>> request_batches(const std::vector<std::size_t>& sizes,
                                                                 std::size_t envelope_bytes = 0);

} // namespace sbc::cli
