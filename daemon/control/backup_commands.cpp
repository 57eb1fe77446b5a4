// Backups of the live database (the online backup API), with retention for scheduled ones.

#include "daemon/control/handlers.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/store/backup.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/store.hpp"

#include <chrono>
#include <filesystem>
#include <fmt/format.h>

namespace sbc::control {
namespace {

// Scheduled backups keep at most this many: a typo such as --keep 70000 is refused rather than obeyed.
constexpr std::int64_t k_max_keep = 10000;

std::string checked_absolute(std::string_view what, const std::string& path) {
    if (path.empty() || path.front() != '/') {
        fail(protocol::k_invalid, fmt::format("{} must be an absolute path (sbcctl makes relative paths "
                                              "absolute): {}",
                                              what, path));
    }
    return path;
}

} // namespace

Response backup(Context& ctx, Arguments& args) {
    auto path = args.optional_string("path");
    auto dir = args.optional_string("dir");
    auto keep = args.optional_int("keep", 0, 1, k_max_keep);
    bool overwrite = args.optional_bool("overwrite").value_or(false);
    args.check_unknown();
    if (path.has_value() == dir.has_value()) {
        fail(protocol::k_invalid, "give exactly one of 'path' (a file) or 'dir' (a directory for named "
                                  "backups)");
    }
    if (keep != 0 && !dir) {
        fail(protocol::k_invalid, "'keep' needs 'dir': only backups sbcd named itself are pruned");
    }
    std::string target;
    if (path) {
        target = checked_absolute("path", *path);
    } else {
        auto now = std::chrono::duration_cast<std::chrono::seconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
        target = (std::filesystem::path(checked_absolute("dir", *dir)) / store::scheduled_backup_name(now))
                     .string();
    }
    auto report = unwrap(
        ctx.store.read([&](store::Database& db) { return store::backup_database(db, target, overwrite); }));
    if (keep != 0) {
        report.pruned = unwrap(store::prune_backups(*dir, static_cast<int>(keep)));
    }
    nlohmann::json counts = report.counts;
    std::int64_t bytes = report.bytes;
    // The audit line is not part of the copy; a failure to write it does not undo a good backup.
    (void)ctx.store.write([&](store::Database& db) -> Status {
        store::record_event(db, ctx.actor, "backup", "",
                            {{"path", report.path}, {"bytes", bytes}, {"pruned", report.pruned}});
        return ok_status();
    });
    return {protocol::k_ok,
            fmt::format("backed up to {} ({} bytes, schema version {})", report.path, bytes,
                        report.schema_version),
            {{"path", report.path},
             {"bytes", bytes},
             {"schema_version", report.schema_version},
             {"counts", counts},
             {"pruned", report.pruned}}};
}

} // namespace sbc::control
