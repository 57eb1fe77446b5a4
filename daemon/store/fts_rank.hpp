#pragma once
// BM25 ranking of one business's full-text matches with that business's own statistics.
//
// FTS5's bm25() takes each term's document frequency over the whole index, which it counts by walking the
// term's entire doclist on every query: at 1,000,000 entries a word common across businesses ("price",
// "large") costs tens to hundreds of milliseconds, whatever the business. Here the query's matches are
// fetched unranked (the business token intersects the posting lists first, so only that business's rows are
// read), an auxiliary function reports each row's term counts, and BM25 is computed with the business's
// knowledge as the whole collection: its entry count, its average entry length, its entries containing each
// term. A business's ranking thus no longer depends on other businesses' knowledge; with one business in the
// database the scores are exactly FTS5's bm25().

#include <cstdint>
#include <vector>

struct sqlite3;

namespace sbc::store {

// Registers, on a connection, the auxiliary functions below (every connection the store opens has them):
//   sbc_term_counts(<fts table>): a blob of int64s: [tokens in this row, phrases in the query, then for each
//     phrase its instances in each column of this row, column by column];
//   sbc_row_tokens(<fts table>): the tokens in this row, all columns.
constexpr const char* k_term_counts_function = "sbc_term_counts";
constexpr const char* k_row_tokens_function = "sbc_row_tokens";
void register_fts_functions(sqlite3* db);

// One matching row and what sbc_term_counts said about it.
struct RowCounts {
    std::int64_t rowid = 0;
    std::vector<std::int64_t> counts; // the blob, as returned
};

struct Ranked {
    std::int64_t rowid = 0;
    double score = 0; // higher is better
};

// The collection the matches are ranked in: one business's entries.
struct Collection {
    std::int64_t rows = 0;   // entries
    std::int64_t tokens = 0; // their tokens, all columns
};

// Scores the matches of one business with BM25 (k1 = 1.2, b = 0.75; column weights as FTS5's bm25() takes
// them), best first; equal scores keep the rows' order.
std::vector<Ranked> rank_bm25(const std::vector<RowCounts>& rows, Collection collection,
                              const std::vector<double>& column_weights);

} // namespace sbc::store
