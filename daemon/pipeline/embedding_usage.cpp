#include "daemon/pipeline/embedding_usage.hpp"

#include "common/text.hpp"
#include "daemon/config/config.hpp"

#include <algorithm>
#include <map>
#include <numeric>

namespace sbc::pipeline {

std::vector<std::int64_t> split_tokens(std::int64_t total, const std::vector<std::int64_t>& weights) {
    std::vector<std::int64_t> parts(weights.size(), 0);
    if (weights.empty() || total <= 0) {
        return parts;
    }
    std::vector<std::int64_t> w = weights;
    for (auto& x : w) {
        x = std::max<std::int64_t>(x, 0);
    }
    std::int64_t sum = std::accumulate(w.begin(), w.end(), std::int64_t{0});
    if (sum == 0) {
        std::fill(w.begin(), w.end(), 1);
        sum = static_cast<std::int64_t>(w.size());
    }
    std::int64_t given = 0;
    for (std::size_t i = 0; i < w.size(); ++i) {
        // total * w / sum, rounded down, without forming total * w (which could overflow).
        parts[i] = total / sum * w[i] + total % sum * w[i] / sum;
        given += parts[i];
    }
    auto largest = std::max_element(w.begin(), w.end()) - w.begin();
    parts[static_cast<std::size_t>(largest)] += total - given;
    return parts;
}

store::ProviderCall embedding_call(const config::Config& config, const std::string& model,
                                   std::int64_t tokens) {
    store::ProviderCall call;
    call.kind = store::CallKind::embedding;
    call.model = model;
    call.prompt_tokens = tokens;
    call.cost_usd = static_cast<double>(tokens) * config.price_embedding_per_mtok / 1e6;
    return call;
}

std::vector<store::ProviderCall> embedding_calls(const config::Config& config, const std::string& model,
                                                 const std::vector<store::PendingEmbedding>& inputs,
                                                 std::int64_t tokens, std::int64_t now_ms) {
    std::map<std::int64_t, std::int64_t> characters; // by business rowid
    for (const auto& p : inputs) {
        characters[p.business_rowid] += static_cast<std::int64_t>(text::utf8_length(p.input));
    }
    std::vector<std::int64_t> weights;
    for (const auto& [business, chars] : characters) {
        weights.push_back(chars);
    }
    auto shares = split_tokens(tokens, weights);
    std::vector<store::ProviderCall> out;
    std::size_t i = 0;
    for (const auto& [business, chars] : characters) {
        auto call = embedding_call(config, model, shares[i++]);
        call.business_rowid = business;
        call.at_ms = now_ms;
        out.push_back(std::move(call));
    }
    return out;
}

} // namespace sbc::pipeline
