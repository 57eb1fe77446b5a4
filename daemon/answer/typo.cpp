#include "daemon/answer/typo.hpp"

#include <algorithm>
#include <cstdlib>

namespace sbc::answer {

int typo_budget(std::size_t length) {
    if (length < 4) {
        return 0;
    }
    return length <= 6 ? 1 : 2;
}

int edit_distance(std::string_view a, std::string_view b, int max) {
    const int la = static_cast<int>(a.size());
    const int lb = static_cast<int>(b.size());
    if (std::abs(la - lb) > max) {
        return max + 1;
    }
    // Three rows of the dynamic programme: two back for the swap of neighbours.
    std::vector<int> before(lb + 1), previous(lb + 1), current(lb + 1);
    for (int j = 0; j <= lb; ++j) {
        previous[j] = j;
    }
    for (int i = 1; i <= la; ++i) {
        current[0] = i;
        int row_min = current[0];
        for (int j = 1; j <= lb; ++j) {
            int cost = a[i - 1] == b[j - 1] ? 0 : 1;
            int d = std::min({previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
                d = std::min(d, before[j - 2] + 1);
            }
            current[j] = d;
            row_min = std::min(row_min, d);
        }
        if (row_min > max) {
            return max + 1;
        }
        std::swap(before, previous);
        std::swap(previous, current);
    }
    return std::min(previous[lb], max + 1);
}

std::vector<std::string> nearest_words(std::string_view word, const std::vector<std::string>& candidates) {
    int budget = typo_budget(word.size());
    std::vector<std::string> nearest;
    if (budget == 0) {
        return nearest;
    }
    int best = budget + 1;
    for (const auto& candidate : candidates) {
        if (candidate.size() < 4) {
            continue;
        }
        int d = edit_distance(word, candidate, std::min(best, budget));
        if (d == 0) {
            return {};
        }
        if (d < best) {
            best = d;
            nearest.clear();
        }
        if (d == best && d <= budget) {
            nearest.push_back(candidate);
        }
    }
    return nearest;
}

} // namespace sbc::answer
