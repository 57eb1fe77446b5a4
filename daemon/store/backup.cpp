#include "daemon/store/backup.hpp"

#include "common/protocol.hpp"
#include "daemon/store/migrations.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <functional>
#include <random>
#include <regex>
#include <sys/stat.h>
#include <unistd.h>

namespace sbc::store {
namespace {

namespace fs = std::filesystem;

Error io_error(const std::string& what, const std::string& path) {
    return Error{protocol::k_error, fmt::format("{} {}: {}", what, path, std::strerror(errno))};
}

// The destination connection, closed on every path out.
struct Destination {
    sqlite3* db = nullptr;
    ~Destination() { sqlite3_close(db); }
    std::string message() const { return db ? sqlite3_errmsg(db) : "out of memory"; }
};

std::string temporary_name(const fs::path& target) {
    std::random_device rd;
    return (target.parent_path() /
            fmt::format(".{}.tmp-{}-{:08x}", target.filename().string(), getpid(), rd()))
        .string();
}

bool fsync_path(const std::string& path, int flags) {
    int fd = ::open(path.c_str(), flags | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

std::int64_t count_rows(Database& db, const std::string& table) {
    auto st = db.prepare(fmt::format("SELECT COUNT(*) FROM \"{}\"", table));
    st.step();
    return st.int64(0);
}

// Copies the snapshot into the (empty, just created) file at tmp, then makes it a self-contained rollback-
// journal database and checks it. The copy inherits WAL mode from the source; a backup should be one file.
Status copy_into(Database& source, const std::string& tmp) {
    Destination dest;
    if (sqlite3_open_v2(tmp.c_str(), &dest.db, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
        return Error{protocol::k_error, fmt::format("cannot open {}: {}", tmp, dest.message())};
    }
    sqlite3_backup* backup = sqlite3_backup_init(dest.db, "main", source.handle(), "main");
    if (backup == nullptr) {
        return Error{protocol::k_error, fmt::format("cannot start the backup: {}", dest.message())};
    }
    int rc = sqlite3_backup_step(backup, -1); // all pages in one step: one snapshot, never restarted
    sqlite3_backup_finish(backup);
    if (rc != SQLITE_DONE) {
        return Error{protocol::k_error, fmt::format("backup failed: {}", sqlite3_errstr(rc))};
    }
    char* message = nullptr;
    if (sqlite3_exec(dest.db, "PRAGMA journal_mode=DELETE", nullptr, nullptr, &message) != SQLITE_OK) {
        std::string text = message ? message : "unknown error";
        sqlite3_free(message);
        return Error{protocol::k_error, fmt::format("cannot finish the backup file: {}", text)};
    }
    sqlite3_stmt* check = nullptr;
    sqlite3_prepare_v2(dest.db, "PRAGMA integrity_check", -1, &check, nullptr);
    std::string verdict = "no answer";
    if (check != nullptr && sqlite3_step(check) == SQLITE_ROW) {
        verdict = reinterpret_cast<const char*>(sqlite3_column_text(check, 0));
    }
    sqlite3_finalize(check);
    if (verdict != "ok") {
        return Error{protocol::k_error, fmt::format("the copy failed its integrity check: {}", verdict)};
    }
    return ok_status();
}

// Gives tmp its final name: link() refuses an existing name atomically; rename() replaces it when allowed.
Status publish(const std::string& tmp, const std::string& path, bool overwrite) {
    if (overwrite) {
        if (::rename(tmp.c_str(), path.c_str()) != 0) {
            return io_error("cannot rename the backup to", path);
        }
        return ok_status();
    }
    if (::link(tmp.c_str(), path.c_str()) != 0) {
        if (errno == EEXIST) {
            return Error{
                protocol::k_conflict,
                fmt::format("{} already exists; choose another name or pass --force to replace it", path)};
        }
        return io_error("cannot create", path);
    }
    ::unlink(tmp.c_str());
    return ok_status();
}

} // namespace

const std::vector<std::string>& backup_counted_tables() {
    static const std::vector<std::string> tables = {"businesses", "knowledge",  "messages", "outbox",
                                                    "customers",  "unanswered", "events"};
    return tables;
}

Result<BackupReport> backup_database(Database& source, const std::string& path, bool overwrite) {
    fs::path target(path);
    if (!target.is_absolute() || target.filename().empty()) {
        return Error{protocol::k_invalid, fmt::format("backup path must be an absolute file name: {}", path)};
    }
    std::error_code ec;
    if (!fs::is_directory(target.parent_path(), ec)) {
        return Error{protocol::k_invalid, fmt::format("directory {} does not exist; create it first",
                                                      target.parent_path().string())};
    }
    if (!overwrite && fs::exists(target, ec)) {
        return Error{
            protocol::k_conflict,
            fmt::format("{} already exists; choose another name or pass --force to replace it", path)};
    }
    std::string tmp = temporary_name(target);
    int fd = ::open(tmp.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0640);
    if (fd < 0) {
        return io_error("cannot create a file in", target.parent_path().string());
    }
    ::fchmod(fd, 0640); // the umask may have taken more away; a backup holds customer messages: no "other"
    ::close(fd);

    BackupReport report;
    report.path = path;
    Status done = ok_status();
    // One read transaction for the counts and the copy, so they describe the same snapshot.
    source.exec("BEGIN");
    try {
        report.schema_version = schema_version(source);
        for (const auto& table : backup_counted_tables()) {
            report.counts[table] = count_rows(source, table);
        }
        done = copy_into(source, tmp);
    } catch (const std::exception& e) {
        done = Error{protocol::k_error, fmt::format("backup failed: {}", e.what())};
    }
    source.exec("COMMIT");
    if (done.ok() && !fsync_path(tmp, O_RDONLY)) {
        done = io_error("cannot flush", tmp);
    }
    if (done.ok()) {
        done = publish(tmp, path, overwrite);
    }
    if (!done.ok()) {
        ::unlink(tmp.c_str());
        return done.error();
    }
    fsync_path(target.parent_path().string(), O_RDONLY | O_DIRECTORY); // the new name survives a crash
    report.bytes = static_cast<std::int64_t>(fs::file_size(target, ec));
    return report;
}

std::string scheduled_backup_name(std::int64_t unix_seconds) {
    std::time_t t = static_cast<std::time_t>(unix_seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[32];
    std::strftime(buffer, sizeof buffer, "sbc-%Y%m%d-%H%M%S.db", &tm);
    return buffer;
}

Result<std::vector<std::string>> prune_backups(const std::string& dir, int keep) {
    static const std::regex k_ours(R"(sbc-\d{8}-\d{6}\.db)");
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        auto name = entry.path().filename().string();
        if (entry.is_regular_file() && std::regex_match(name, k_ours)) {
            names.push_back(name);
        }
    }
    if (ec) {
        return Error{protocol::k_error, fmt::format("cannot list {}: {}", dir, ec.message())};
    }
    std::sort(names.begin(), names.end(), std::greater<>()); // the timestamp in the name: newest first
    std::vector<std::string> removed;
    for (std::size_t i = static_cast<std::size_t>(std::max(keep, 0)); i < names.size(); ++i) {
        auto path = (fs::path(dir) / names[i]).string();
        if (::unlink(path.c_str()) != 0) {
            return io_error("cannot remove old backup", path);
        }
        removed.push_back(path);
    }
    return removed;
}

} // namespace sbc::store
