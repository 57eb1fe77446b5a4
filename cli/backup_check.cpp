#include "cli/backup_check.hpp"

#include "cli/exit_codes.hpp"

#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <vector>

namespace sbc::cli {
namespace {

struct Connection {
    sqlite3* db = nullptr;
    ~Connection() { sqlite3_close(db); }
};

// Every row of a query's first column, as text; an error says what SQLite said.
Result<std::vector<std::string>> column(sqlite3* db, const std::string& sql) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
        return Error{k_exit_invalid, sqlite3_errmsg(db)};
    }
    std::vector<std::string> out;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        auto* text = sqlite3_column_text(st, 0);
        out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        return Error{k_exit_invalid, sqlite3_errmsg(db)};
    }
    return out;
}

Error not_sound(const std::string& path, const std::string& why) {
    return Error{k_exit_invalid,
                 fmt::format("{} is not a usable sbc backup: {}; do not restore it (take a new backup, or "
                             "check an older one)",
                             path, why)};
}

// A file name as the path of an SQLite URI: '%', '?' and '#' would otherwise start an escape, the query or
// the fragment (a backup named "sbc?x.db" or "100%.db" opened some other file, or none).
std::string uri_path(const std::string& path) {
    std::string out;
    for (char c : path) {
        switch (c) {
        case '%':
            out += "%25";
            break;
        case '?':
            out += "%3F";
            break;
        case '#':
            out += "%23";
            break;
        default:
            out += c;
        }
    }
    return out;
}

} // namespace

Result<BackupCheck> check_backup_file(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
        return Error{k_exit_invalid, fmt::format("cannot read {}: no such file", path)};
    }
    Connection c;
    std::string uri = "file:" + uri_path(path) + "?immutable=1";
    if (sqlite3_open_v2(uri.c_str(), &c.db, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, nullptr) != SQLITE_OK) {
        return Error{k_exit_invalid, fmt::format("cannot open {}: {}", path, sqlite3_errmsg(c.db))};
    }
    auto verdict = column(c.db, "PRAGMA integrity_check");
    if (!verdict) {
        return not_sound(path, verdict.error().message);
    }
    if (verdict->empty() || verdict->front() != "ok") {
        return not_sound(path, fmt::format("integrity check found {} problem{}, first: {}", verdict->size(),
                                           verdict->size() == 1 ? "" : "s",
                                           verdict->empty() ? "none reported" : verdict->front()));
    }
    BackupCheck check;
    auto version = column(c.db, "PRAGMA user_version");
    if (!version || version->empty()) {
        return not_sound(path, "its schema version cannot be read");
    }
    check.schema_version = std::stoi(version->front());
    if (check.schema_version < 1) {
        return not_sound(path, "it has no sbc schema (version 0)");
    }
    auto tables = column(c.db, "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE "
                               "'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY name");
    if (!tables) {
        return not_sound(path, tables.error().message);
    }
    for (const auto& table : *tables) {
        auto count = column(c.db, fmt::format("SELECT COUNT(*) FROM \"{}\"", table));
        if (!count || count->empty()) {
            return not_sound(path, fmt::format("table {} cannot be read", table));
        }
        check.counts[table] = std::stoll(count->front());
    }
    if (!check.counts.contains("businesses")) {
        return not_sound(path, "it has no businesses table");
    }
    return check;
}

} // namespace sbc::cli
