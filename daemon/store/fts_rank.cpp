#include "daemon/store/fts_rank.hpp"

#include <algorithm>
#include <cmath>
#include <sqlite3.h>
#include <stdexcept>

namespace sbc::store {
namespace {

constexpr double k_k1 = 1.2;
constexpr double k_b = 0.75;
constexpr int k_header = 2; // this row's tokens, phrases

void term_counts(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int /*argc*/,
                 sqlite3_value** /*argv*/) {
    int row_tokens = 0;
    int rc = api->xColumnSize(fts, -1, &row_tokens);
    int phrases = api->xPhraseCount(fts);
    int columns = api->xColumnCount(fts);
    std::vector<sqlite3_int64> out(k_header + static_cast<std::size_t>(phrases) * columns, 0);
    out[0] = row_tokens;
    out[1] = phrases;
    int instances = 0;
    if (rc == SQLITE_OK) {
        rc = api->xInstCount(fts, &instances);
    }
    for (int i = 0; rc == SQLITE_OK && i < instances; ++i) {
        int phrase = 0;
        int column = 0;
        int offset = 0;
        rc = api->xInst(fts, i, &phrase, &column, &offset);
        if (rc == SQLITE_OK) {
            ++out[k_header + static_cast<std::size_t>(phrase) * columns + column];
        }
    }
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_blob(ctx, out.data(), static_cast<int>(out.size() * sizeof(sqlite3_int64)),
                        SQLITE_TRANSIENT);
}

void row_tokens(const Fts5ExtensionApi* api, Fts5Context* fts, sqlite3_context* ctx, int /*argc*/,
                sqlite3_value** /*argv*/) {
    int tokens = 0;
    int rc = api->xColumnSize(fts, -1, &tokens);
    if (rc != SQLITE_OK) {
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_int(ctx, tokens);
}

fts5_api* fts5_of(sqlite3* db) {
    fts5_api* api = nullptr;
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT fts5(?1)", -1, &stmt, nullptr) == SQLITE_OK) {
        sqlite3_bind_pointer(stmt, 1, static_cast<void*>(&api), "fts5_api_ptr", nullptr);
        sqlite3_step(stmt);
    }
    sqlite3_finalize(stmt);
    return api;
}

} // namespace

void register_fts_functions(sqlite3* db) {
    fts5_api* api = fts5_of(db);
    if (api == nullptr || api->iVersion < 2) {
        throw std::runtime_error("this SQLite has no FTS5 (sbcd needs SQLite 3.20 or later built with FTS5)");
    }
    if (api->xCreateFunction(api, k_term_counts_function, nullptr, term_counts, nullptr) != SQLITE_OK ||
        api->xCreateFunction(api, k_row_tokens_function, nullptr, row_tokens, nullptr) != SQLITE_OK) {
        throw std::runtime_error("cannot register sbc's FTS5 functions");
    }
}

std::vector<Ranked> rank_bm25(const std::vector<RowCounts>& rows, Collection collection,
                              const std::vector<double>& column_weights) {
    std::vector<Ranked> ranked;
    if (rows.empty()) {
        return ranked;
    }
    const auto& first = rows.front().counts;
    const auto phrases = static_cast<std::size_t>(first.at(1));
    const std::size_t columns = phrases == 0 ? 0 : (first.size() - k_header) / phrases;
    const double avgdl = collection.rows > 0 && collection.tokens > 0
                             ? static_cast<double>(collection.tokens) / static_cast<double>(collection.rows)
                             : 1.0;
    auto count = [&](const RowCounts& row, std::size_t phrase, std::size_t column) {
        return row.counts[k_header + phrase * columns + column];
    };

    // Document frequency of each phrase among the business's rows: every business row containing a phrase
    // is a match of the query, so the matches hold them all.
    std::vector<double> idf(phrases, 0.0);
    for (std::size_t p = 0; p < phrases; ++p) {
        std::int64_t hits = 0;
        for (const auto& row : rows) {
            for (std::size_t c = 0; c < columns; ++c) {
                if (count(row, p, c) > 0) {
                    ++hits;
                    break;
                }
            }
        }
        // As FTS5's bm25(): a phrase in more than half the rows would weigh negative, so it gets a token
        // weight.
        double n = static_cast<double>(collection.rows);
        idf[p] = std::max(std::log((n - static_cast<double>(hits) + 0.5) / (static_cast<double>(hits) + 0.5)),
                          1e-6);
    }

    for (const auto& row : rows) {
        double length = static_cast<double>(row.counts[0]);
        double score = 0;
        for (std::size_t p = 0; p < phrases; ++p) {
            double freq = 0;
            for (std::size_t c = 0; c < columns; ++c) {
                double weight = c < column_weights.size() ? column_weights[c] : 1.0;
                freq += weight * static_cast<double>(count(row, p, c));
            }
            score += idf[p] * (freq * (k_k1 + 1.0)) / (freq + k_k1 * (1.0 - k_b + k_b * length / avgdl));
        }
        ranked.push_back({row.rowid, score});
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const Ranked& a, const Ranked& b) { return a.score > b.score; });
    return ranked;
}

} // namespace sbc::store
