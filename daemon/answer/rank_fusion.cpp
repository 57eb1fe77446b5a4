#include "daemon/answer/rank_fusion.hpp"

#include <algorithm>
#include <unordered_map>

namespace sbc::answer {

std::vector<Candidate> fuse_by_rank(const std::vector<std::vector<Candidate>>& rankings, std::size_t limit) {
    struct Fused {
        double score = 0;
        double confidence = 0;
    };
    std::unordered_map<std::int64_t, Fused> by_entry;
    for (const auto& ranking : rankings) {
        for (std::size_t rank = 0; rank < ranking.size(); ++rank) {
            auto& f = by_entry[ranking[rank].rowid];
            f.score += 1.0 / (k_rrf_k + static_cast<double>(rank + 1));
            f.confidence = std::max(f.confidence, ranking[rank].confidence);
        }
    }
    std::vector<std::pair<Candidate, double>> all;
    for (const auto& [rowid, f] : by_entry) {
        all.push_back({{rowid, f.confidence}, f.score});
    }
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
        if (a.second != b.second) {
            return a.second > b.second;
        }
        if (a.first.confidence != b.first.confidence) {
            return a.first.confidence > b.first.confidence;
        }
        return a.first.rowid < b.first.rowid;
    });
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < all.size() && i < limit; ++i) {
        out.push_back(all[i].first);
    }
    return out;
}

} // namespace sbc::answer
