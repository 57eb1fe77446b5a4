#pragma once
// A thin RAII layer over one sqlite3 connection and its prepared statements. SQL errors throw DbError: the
// store's callers (the writer thread, read helpers) turn them into Result values at their boundary.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <sqlite3.h>
#include <stdexcept>
#include <string>
#include <string_view>
#include <unordered_map>

namespace sbc::store {

// A failed SQLite call. `code` is SQLite's extended result code (SQLITE_FULL, SQLITE_BUSY, ...).
class DbError : public std::runtime_error {
  public:
    DbError(int code, const std::string& message) : std::runtime_error(message), m_code(code) {}
    int code() const { return m_code; }

  private:
    int m_code;
};

class Statement {
  public:
    Statement(sqlite3* db, sqlite3_stmt* stmt) : m_db(db), m_stmt(stmt) {}
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;
    Statement(Statement&& other) noexcept : m_db(other.m_db), m_stmt(other.m_stmt) { other.m_stmt = nullptr; }
    ~Statement();

    // Binds by 1-based index; returns *this so binds chain.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, int value) { return bind(index, static_cast<std::int64_t>(value)); }
    Statement& bind(int index, double value);
    Statement& bind(int index, std::string_view value);
    Statement& bind(int index, const char* value) { return bind(index, std::string_view(value)); }
    Statement& bind(int index, const std::string& value) { return bind(index, std::string_view(value)); }
    Statement& bind_null(int index);
    // Binds bytes as a BLOB (not text): vectors and other binary values.
    Statement& bind_blob(int index, std::string_view bytes);
    template <typename T>
    Statement& bind(int index, const std::optional<T>& value) {
        return value ? bind(index, *value) : bind_null(index);
    }

    // Advances to the next row: true when there is one, false when done; throws DbError on failure.
    bool step();
    // Runs to completion (for statements that return no rows).
    void run();
    void reset();

    std::int64_t int64(int column) const { return sqlite3_column_int64(m_stmt, column); }
    int integer(int column) const { return sqlite3_column_int(m_stmt, column); }
    double real(int column) const { return sqlite3_column_double(m_stmt, column); }
    std::string text(int column) const;
    // A BLOB column's bytes, valid until the next step, reset or column call on this statement.
    std::string_view blob(int column) const {
        const auto* data = static_cast<const char*>(sqlite3_column_blob(m_stmt, column));
        return {data, static_cast<std::size_t>(sqlite3_column_bytes(m_stmt, column))};
    }
    bool is_null(int column) const { return sqlite3_column_type(m_stmt, column) == SQLITE_NULL; }

  private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt;
};

class Database {
  public:
    // Opens (creating when `create`) a database file with sbc's pragmas: WAL, foreign keys, busy timeout,
    // synchronous=FULL. Throws DbError when the file cannot be opened.
    Database(const std::string& path, bool create);
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;
    ~Database();

    // Prepares a statement. Statements are prepared anew each call; use cached() on hot paths.
    Statement prepare(std::string_view sql);
    // A statement prepared once per connection (keyed by its text), reset when the lease ends so
    // that no finished read keeps a snapshot open. Not reentrant for the same SQL.
    class Lease {
      public:
        explicit Lease(Statement& s) : m_s(&s) {}
        Lease(const Lease&) = delete;
        Lease& operator=(const Lease&) = delete;
        ~Lease() { m_s->reset(); }
        Statement* operator->() { return m_s; }
        Statement& operator*() { return *m_s; }

      private:
        Statement* m_s;
    };
    Lease cached(std::string_view sql);
    // Runs one or more statements that return no rows.
    void exec(std::string_view sql);

    std::int64_t last_insert_id() const { return sqlite3_last_insert_rowid(m_db); }
    // Pages this connection has written to the file (the WAL) so far: a commit that moves it reached the
    // disk.
    std::int64_t pages_written() const;
    int changes() const { return sqlite3_changes(m_db); }
    sqlite3* handle() const { return m_db; }
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
    sqlite3* m_db = nullptr;
    // Looked up by string_view without building a std::string per call (C++20 heterogeneous lookup).
    struct SqlHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
    };
    std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> m_cache;
};

// A connection for reading only, as the store's readers are (Store::read): query_only, and a page cache of
// 512 KiB instead of SQLite's 2 MB. A daemon keeps one reader for each thread that has read at once (about
// twenty under load), and with 2 MB each their caches held several copies of the same hot pages; the OS
// keeps the file's pages anyway, so a page read again costs a copy, not a disk read (bench: 3 MB less at
// 1,000 businesses, search at 1M entries as fast).
std::unique_ptr<Database> open_reader(const std::string& path);

// A transaction on one connection that rolls back unless committed.
class Transaction {
  public:
    // Starts BEGIN IMMEDIATE: the write lock is taken now, so a later write cannot fail with SQLITE_BUSY.
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Database& m_db;
    bool m_done = false;
};

} // namespace sbc::store
