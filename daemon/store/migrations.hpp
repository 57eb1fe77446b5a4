#pragma once
// The schema, as numbered migrations. A database at version N gets N+1.. applied in order, each in its own
// transaction together with the new PRAGMA user_version, so a crash mid-migration leaves the old version
// intact.

#include "daemon/store/database.hpp"

namespace sbc::store {

// The version a fully migrated database has.
int latest_schema_version();

// The database's version (0 for a new file).
int schema_version(Database& db);

// Brings the database to `target` (default: latest). Throws DbError when a migration fails, and a
// std::runtime_error when the database is newer than this sbcd (it must not be written by an older program).
void migrate(Database& db, int target = -1);

} // namespace sbc::store
