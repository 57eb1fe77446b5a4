#include "daemon/store/knowledge_repo.hpp"

#include "common/time_format.hpp"
#include "daemon/store/fts_rank.hpp"

#include <cstring>
#include <fmt/format.h>

namespace sbc::store {
namespace {

constexpr const char* k_entry_columns = "id, business_id, number, text, tags, source, created_at, updated_at";

Entry read_entry(Statement& s, int first = 0) {
    Entry e;
    e.rowid = s.int64(first + 0);
    e.business_rowid = s.int64(first + 1);
    e.number = s.int64(first + 2);
    e.text = s.text(first + 3);
    e.tags = s.text(first + 4);
    e.source = s.text(first + 5);
    e.created_at = s.int64(first + 6);
    e.updated_at = s.int64(first + 7);
    return e;
}

std::vector<Entry> read_entries(Statement& s) {
    std::vector<Entry> out;
    while (s.step()) {
        out.push_back(read_entry(s));
    }
    return out;
}

// A term as an FTS5 string literal: double quotes doubled, so the user's text is never query syntax.
std::string quote(std::string_view term) {
    std::string out = "\"";
    for (char c : term) {
        out.push_back(c);
        if (c == '"') {
            out.push_back('"');
        }
    }
    out.push_back('"');
    return out;
}

// The FTS5 filter for one business's rows: its token in the business column (migration 4).
std::string business_filter(std::int64_t business_rowid) {
    return fmt::format("business : \"biz{}\"", business_rowid);
}

// The first and last rowid of the business's entries. Given to FTS5 with the business's token, it seeks
// each term's doclist to that range instead of reading it whole: a common word's doclist spans every
// business, and reading it made kb-search's slowest queries at 1M entries four times slower (cold pages).
std::pair<std::int64_t, std::int64_t> rowid_range(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT MIN(id), MAX(id) FROM knowledge WHERE business_id = ?");
    s->bind(1, business_rowid);
    if (!s->step() || s->is_null(0)) {
        return {1, 0}; // no entries: an empty range
    }
    return {s->int64(0), s->int64(1)};
}

// The business's entries and their tokens, which BM25 ranks its matches against. Summed here: FTS5 runs an
// auxiliary function only in a plain query of its table, not inside an aggregate.
Collection collection_of(Database& db, std::int64_t business_rowid) {
    static const std::string sql = fmt::format(
        "SELECT {}(knowledge_fts) FROM knowledge_fts WHERE knowledge_fts MATCH ?", k_row_tokens_function);
    auto s = db.cached(sql);
    s->bind(1, business_filter(business_rowid));
    Collection c;
    while (s->step()) {
        ++c.rows;
        c.tokens += s->int64(0);
    }
    return c;
}

} // namespace

void insert_entry(Database& db, Entry& e) {
    e.created_at = e.updated_at = time_format::now_ms();
    auto s =
        db.cached("INSERT INTO knowledge (business_id, number, text, tags, source, created_at, updated_at) "
                  "VALUES (?1, (SELECT COALESCE(MAX(number), 0) + 1 FROM knowledge WHERE business_id = ?1), "
                  "?2, ?3, ?4, ?5, ?5) RETURNING id, number");
    s->bind(1, e.business_rowid).bind(2, e.text).bind(3, e.tags).bind(4, e.source).bind(5, e.created_at);
    s->step();
    e.rowid = s->int64(0);
    e.number = s->int64(1);
    s->run();
}

std::optional<Entry> find_entry(Database& db, std::int64_t business_rowid, std::int64_t number) {
    static const std::string sql =
        fmt::format("SELECT {} FROM knowledge WHERE business_id = ? AND number = ?", k_entry_columns);
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, number);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_entry(*s);
}

std::optional<Entry> find_entry_by_rowid(Database& db, std::int64_t rowid) {
    static const std::string sql = fmt::format("SELECT {} FROM knowledge WHERE id = ?", k_entry_columns);
    auto s = db.cached(sql);
    s->bind(1, rowid);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_entry(*s);
}

std::vector<std::int64_t> entries_matching(Database& db, std::int64_t business_rowid, std::string_view term,
                                           int limit) {
    auto [first, last] = rowid_range(db, business_rowid);
    auto s = db.cached(
        "SELECT rowid FROM knowledge_fts WHERE knowledge_fts MATCH ? AND rowid BETWEEN ? AND ? LIMIT ?");
    s->bind(1, fmt::format("{} AND {{text tags}} : {}", business_filter(business_rowid), quote(term)))
        .bind(2, first)
        .bind(3, last)
        .bind(4, limit);
    std::vector<std::int64_t> rows;
    while (s->step()) {
        rows.push_back(s->int64(0));
    }
    return rows;
}

bool has_entry_text(Database& db, std::int64_t business_rowid, std::string_view text) {
    auto s = db.cached("SELECT 1 FROM knowledge WHERE business_id = ? AND text = ? LIMIT 1");
    s->bind(1, business_rowid).bind(2, text);
    return s->step();
}

std::optional<Entry> find_entry_by_text(Database& db, std::int64_t business_rowid, std::string_view text) {
    static const std::string sql =
        fmt::format("SELECT {} FROM knowledge WHERE business_id = ? AND text = ? ORDER BY number LIMIT 1",
                    k_entry_columns);
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, text);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_entry(*s);
}

std::vector<Entry> list_entries(Database& db, std::int64_t business_rowid, std::int64_t limit,
                                std::int64_t offset) {
    static const std::string sql = fmt::format(
        "SELECT {} FROM knowledge WHERE business_id = ? ORDER BY number LIMIT ? OFFSET ?", k_entry_columns);
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, limit).bind(3, offset);
    return read_entries(*s);
}

std::vector<Entry> entries_after(Database& db, std::int64_t business_rowid, std::int64_t after,
                                 std::int64_t limit) {
    static const std::string sql =
        fmt::format("SELECT {} FROM knowledge WHERE business_id = ? AND number > ? ORDER BY number LIMIT ?",
                    k_entry_columns);
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, after).bind(3, limit);
    return read_entries(*s);
}

std::int64_t count_entries(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT COUNT(*) FROM knowledge WHERE business_id = ?");
    s->bind(1, business_rowid);
    s->step();
    return s->int64(0);
}

std::int64_t count_all_entries(Database& db) {
    auto s = db.cached("SELECT COUNT(*) FROM knowledge");
    s->step();
    return s->int64(0);
}

void update_entry_text(Database& db, Entry& e) {
    e.updated_at = time_format::now_ms();
    auto s = db.cached("UPDATE knowledge SET text = ?, tags = ?, updated_at = ? WHERE id = ?");
    s->bind(1, e.text).bind(2, e.tags).bind(3, e.updated_at).bind(4, e.rowid);
    s->run();
}

void delete_entry(Database& db, std::int64_t rowid) {
    auto s = db.cached("DELETE FROM knowledge WHERE id = ?");
    s->bind(1, rowid);
    s->run();
}

std::vector<Hit> search_entries(Database& db, std::int64_t business_rowid,
                                const std::vector<std::string>& terms, int limit) {
    std::vector<Hit> hits;
    if (terms.empty()) {
        return hits;
    }
    std::string any;
    for (const auto& term : terms) {
        any += (any.empty() ? "" : " OR ") + quote(term);
    }
    // The business filter is a term of the query itself, so FTS5 intersects doclists and reads only this
    // business's rows; they are ranked here, with the business's own statistics (fts_rank.hpp), not by FTS5's
    // bm25(), which would walk every business's postings of each term.
    std::vector<RowCounts> rows;
    {
        static const std::string sql = fmt::format("SELECT rowid, {}(knowledge_fts) FROM knowledge_fts WHERE "
                                                   "knowledge_fts MATCH ? AND rowid BETWEEN ? AND ?",
                                                   k_term_counts_function);
        auto [first, last] = rowid_range(db, business_rowid);
        auto s = db.cached(sql);
        s->bind(1, fmt::format("{} AND {{text tags}} : ({})", business_filter(business_rowid), any))
            .bind(2, first)
            .bind(3, last);
        while (s->step()) {
            auto blob = s->blob(1);
            RowCounts row;
            row.rowid = s->int64(0);
            row.counts.resize(blob.size() / sizeof(std::int64_t));
            std::memcpy(row.counts.data(), blob.data(), row.counts.size() * sizeof(std::int64_t));
            rows.push_back(std::move(row));
        }
    }
    if (rows.empty()) {
        return hits;
    }
    // Weights as before: text 1, tags 0.5, the business token 0.
    auto ranked = rank_bm25(rows, collection_of(db, business_rowid), {1.0, 0.5, 0.0});
    for (const auto& r : ranked) {
        if (static_cast<int>(hits.size()) >= limit) {
            break;
        }
        if (auto entry = find_entry_by_rowid(db, r.rowid)) {
            hits.push_back({std::move(*entry), r.score});
        }
    }
    return hits;
}

} // namespace sbc::store
