#include "daemon/store/database.hpp"

#include "daemon/store/fts_rank.hpp"

#include <fmt/format.h>

namespace sbc::store {
namespace {

// What a storage failure means for the operator, after SQLite's own words ("disk I/O error"); "" for the
// errors of SQL and of the caller.
std::string advice(sqlite3* db, int code) {
    const char* file = db ? sqlite3_db_filename(db, "main") : nullptr;
    std::string path = file && *file ? file : "the database";
    switch (code & 0xff) {
    case SQLITE_FULL:
        return fmt::format(" (the disk holding {} is full: free some space)", path);
    case SQLITE_IOERR:
        return fmt::format(" (I/O error on the disk holding {}: is its file system read-only or failing? "
                           "see dmesg)",
                           path);
    case SQLITE_READONLY:
        return fmt::format(" ({} is read-only: check the mount and the file's owner and mode)", path);
    default:
        return "";
    }
}

[[noreturn]] void fail(sqlite3* db, int code, std::string_view what) {
    int extended = sqlite3_extended_errcode(db) ? sqlite3_extended_errcode(db) : code;
    throw DbError(extended, fmt::format("{}: {}{}", what, db ? sqlite3_errmsg(db) : sqlite3_errstr(code),
                                        advice(db, extended)));
}

void check_bind(sqlite3* db, int rc) {
    if (rc != SQLITE_OK) {
        fail(db, rc, "binding a value");
    }
}

} // namespace

Statement::~Statement() {
    if (m_stmt != nullptr) {
        sqlite3_finalize(m_stmt);
    }
}

Statement& Statement::bind(int index, std::int64_t value) {
    check_bind(m_db, sqlite3_bind_int64(m_stmt, index, value));
    return *this;
}

Statement& Statement::bind(int index, double value) {
    check_bind(m_db, sqlite3_bind_double(m_stmt, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view value) {
    check_bind(m_db,
               sqlite3_bind_text64(m_stmt, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bind_blob(int index, std::string_view bytes) {
    check_bind(m_db, sqlite3_bind_blob64(m_stmt, index, bytes.data(), bytes.size(), SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bind_null(int index) {
    check_bind(m_db, sqlite3_bind_null(m_stmt, index));
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(m_stmt);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // Reset so the statement can be reused (cached statements survive a failed step).
    sqlite3_reset(m_stmt);
    fail(m_db, rc, "running SQL");
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(m_stmt);
    sqlite3_clear_bindings(m_stmt);
}

std::string Statement::text(int column) const {
    const auto* p = sqlite3_column_text(m_stmt, column);
    int n = sqlite3_column_bytes(m_stmt, column);
    return p ? std::string(reinterpret_cast<const char*>(p), static_cast<std::size_t>(n)) : std::string();
}

Database::Database(const std::string& path, bool create) : m_path(path) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path.c_str(), &m_db, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = fmt::format("cannot open database {}: {}", path,
                                          m_db ? sqlite3_errmsg(m_db) : sqlite3_errstr(rc));
        sqlite3_close(m_db);
        m_db = nullptr;
        throw DbError(rc, message);
    }
    sqlite3_extended_result_codes(m_db, 1);
    sqlite3_busy_timeout(m_db, 5000);
    try {
        exec("PRAGMA foreign_keys=ON; PRAGMA synchronous=FULL;");
        if (create) {
            exec("PRAGMA journal_mode=WAL;"); // writes to the file: fails on a full or read-only disk
        }
        register_fts_functions(m_db); // knowledge search ranks with it (fts_rank.hpp)
    } catch (...) {
        // A constructor that throws runs no destructor: close here, or the connection leaks.
        sqlite3_close_v2(m_db);
        m_db = nullptr;
        throw;
    }
}

std::unique_ptr<Database> open_reader(const std::string& path) {
    auto db = std::make_unique<Database>(path, false);
    db->exec("PRAGMA query_only=1; PRAGMA cache_size=-512;");
    return db;
}

Database::~Database() {
    m_cache.clear();
    if (m_db != nullptr) {
        sqlite3_close_v2(m_db);
    }
}

Statement Database::prepare(std::string_view sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(m_db, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        fail(m_db, rc, fmt::format("preparing SQL '{}'", sql.substr(0, 60)));
    }
    return Statement(m_db, stmt);
}

std::int64_t Database::pages_written() const {
    int current = 0;
    int highwater = 0;
    sqlite3_db_status(m_db, SQLITE_DBSTATUS_CACHE_WRITE, &current, &highwater, 0);
    return current;
}

Database::Lease Database::cached(std::string_view sql) {
    auto it = m_cache.find(sql);
    if (it == m_cache.end()) {
        it = m_cache.emplace(std::string(sql), std::make_unique<Statement>(prepare(sql))).first;
    }
    return Lease(*it->second);
}

void Database::exec(std::string_view sql) {
    std::string copy(sql);
    char* error = nullptr;
    int rc = sqlite3_exec(m_db, copy.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        int code = sqlite3_extended_errcode(m_db);
        throw DbError(code, message + advice(m_db, code));
    }
}

Transaction::Transaction(Database& db) : m_db(db) {
    m_db.exec("BEGIN IMMEDIATE");
}

Transaction::~Transaction() {
    if (!m_done) {
        try {
            m_db.exec("ROLLBACK");
        } catch (const DbError&) {
            // Nothing more can be done: SQLite rolls back by itself when the connection closes.
        }
    }
}

void Transaction::commit() {
    m_db.exec("COMMIT");
    m_done = true;
}

} // namespace sbc::store
