#pragma once
// A consistent copy of the live database, taken with SQLite's online backup API from one read snapshot while
// the writer keeps committing. The copy is written under a temporary name in the target directory, checked,
// flushed to disk and only then given its name, so a reader of the target name never sees half a backup.

#include "common/result.hpp"
#include "daemon/store/database.hpp"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sbc::store {

// The tables whose row counts a backup reports; sbcctl compares them with the file it gets.
const std::vector<std::string>& backup_counted_tables();

struct BackupReport {
    std::string path;
    std::int64_t bytes = 0;
    int schema_version = 0;
    std::map<std::string, std::int64_t> counts; // of the snapshot copied, per backup_counted_tables()
    std::vector<std::string> pruned;            // older backups removed by `keep`
};

// Copies the database `source` is connected to into `path` (absolute; its directory must exist). Refuses an
// existing `path` unless `overwrite`. The file is created mode 0640. Errors carry protocol result codes:
// conflict (exists), invalid (bad directory), error (I/O, copy failed, integrity check failed).
Result<BackupReport> backup_database(Database& source, const std::string& path, bool overwrite);

// "sbc-YYYYmmdd-HHMMSS.db" for a Unix time, UTC: the names scheduled backups get and pruning recognises.
std::string scheduled_backup_name(std::int64_t unix_seconds);

// Removes all but the newest `keep` files in `dir` named like scheduled_backup_name(); other files are never
// touched. Returns the paths removed.
Result<std::vector<std::string>> prune_backups(const std::string& dir, int keep);

} // namespace sbc::store
