#include "daemon/answer/vector_retriever.hpp"

#include "daemon/store/vector_repo.hpp"

#include <algorithm>
#include <cmath>

namespace sbc::answer {

double cosine(std::span<const float> a, std::span<const float> b) {
    if (a.size() != b.size() || a.empty()) {
        return 0;
    }
    double dot = 0, na = 0, nb = 0;
    for (std::size_t i = 0; i < a.size(); ++i) {
        dot += static_cast<double>(a[i]) * b[i];
        na += static_cast<double>(a[i]) * a[i];
        nb += static_cast<double>(b[i]) * b[i];
    }
    return na > 0 && nb > 0 ? dot / (std::sqrt(na) * std::sqrt(nb)) : 0;
}

std::vector<Candidate> retrieve_by_vector(store::Database& db, std::int64_t business_rowid,
                                          const QueryVector& question, std::size_t limit) {
    std::vector<Candidate> all;
    for (const auto& v : store::business_vectors(db, business_rowid, question.model, k_max_scanned)) {
        double c = cosine(v.values, question.values);
        if (c > 0) {
            all.push_back({v.entry_rowid, std::min(1.0, c)});
        }
    }
    // Ties go to the older entry, so that the same question always gets the same answer.
    auto better = [](const Candidate& a, const Candidate& b) {
        return a.confidence > b.confidence || (a.confidence == b.confidence && a.rowid < b.rowid);
    };
    if (all.size() > limit) {
        std::partial_sort(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(limit), all.end(), better);
        all.resize(limit);
    } else {
        std::sort(all.begin(), all.end(), better);
    }
    return all;
}

} // namespace sbc::answer
