#pragma once
// Checking a backup file on its own, read-only, without sbcd: what `sbcctl backup verify` does, and what
// `sbcctl backup` does to the file sbcd wrote. Restores start from a file that passed this check.

#include "common/result.hpp"

#include <cstdint>
#include <map>
#include <string>

namespace sbc::cli {

struct BackupCheck {
    int schema_version = 0;
    std::map<std::string, std::int64_t> counts; // rows per table, for every table the file has
};

// Opens `path` read-only (immutable: no -wal or -journal file is created or read next to it), runs
// PRAGMA integrity_check and reads the schema version and the row count of every table. Fails with
// k_exit_invalid and a message saying what is wrong when the file is not a sound sbc database.
Result<BackupCheck> check_backup_file(const std::string& path);

} // namespace sbc::cli
