#pragma once
// What embeddings requests used, as rows of the provider ledger (store::ProviderCall). The background
// embedder sends entries of several businesses in one request and the provider reports one token count for
// it: each business is given a share in proportion to the characters of its inputs, so that the shares add
// up to what the provider reported.

#include "daemon/store/usage_repo.hpp"
#include "daemon/store/vector_repo.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace sbc::config {
struct Config;
}

namespace sbc::pipeline {

// `total` split in proportion to `weights`: each part rounded down, and what the rounding leaves given to the
// part of the largest weight (the first of equal ones), so the parts add up to `total` exactly. Weights that
// are all 0 count as equal; no weights, no parts.
std::vector<std::int64_t> split_tokens(std::int64_t total, const std::vector<std::int64_t>& weights);

// The ledger row of `tokens` embedding tokens of `model`, priced at openai.price_embedding_per_mtok; the
// caller sets whose it is (business, message) and when.
store::ProviderCall embedding_call(const config::Config& config, const std::string& model,
                                   std::int64_t tokens);

// The ledger rows of one embeddings request of `model` that carried `inputs` and used `tokens`: one per
// business, by business rowid, with its share of the tokens (by the characters of its inputs) and its cost.
std::vector<store::ProviderCall> embedding_calls(const config::Config& config, const std::string& model,
                                                 const std::vector<store::PendingEmbedding>& inputs,
                                                 std::int64_t tokens, std::int64_t now_ms);

} // namespace sbc::pipeline
