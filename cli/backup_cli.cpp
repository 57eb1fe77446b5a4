// sbcctl backup [--to FILE | --to-dir DIR --keep N] and sbcctl backup verify FILE.

#include "cli/backup_check.hpp"
#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"
#include "common/protocol.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fmt/format.h>
#include <memory>
#include <optional>

namespace sbc::cli {
namespace {

// A backup of a large database takes longer than an ordinary request; --timeout still bounds the connect.
constexpr std::chrono::seconds k_min_backup_wait{600};

nlohmann::json counts_json(const BackupCheck& check) {
    nlohmann::json counts = nlohmann::json::object();
    for (const auto& [table, n] : check.counts) {
        counts[table] = n;
    }
    return counts;
}

std::string counts_line(const nlohmann::json& counts) {
    std::string line;
    for (const char* table : {"businesses", "knowledge", "messages", "customers", "outbox", "events"}) {
        if (counts.contains(table)) {
            line += fmt::format("{}{} {}", line.empty() ? "" : ", ", counts[table].get<long long>(), table);
        }
    }
    return line;
}

// The counts sbcd took of the snapshot it copied, compared with the file as it now is on disk.
std::optional<std::string> count_mismatch(const nlohmann::json& expected, const BackupCheck& check) {
    for (const auto& [table, n] : expected.items()) {
        auto found = check.counts.find(table);
        long long have = found == check.counts.end() ? -1 : found->second;
        if (have != n.get<long long>()) {
            return fmt::format("table {} has {} rows, sbcd copied {}", table, have, n.get<long long>());
        }
    }
    return std::nullopt;
}

int verify_written(const GlobalOptions& options, nlohmann::json reply) {
    auto& arguments = reply[std::string(protocol::k_arguments)];
    std::string path = arguments.value("path", "");
    auto check = check_backup_file(path);
    if (!check) {
        return report_failure(
            options,
            Error{k_exit_error, "sbcd wrote a backup that failed verification: " + check.error().message},
            arguments);
    }
    if (check->schema_version != arguments.value("schema_version", -1)) {
        return report_failure(
            options,
            Error{k_exit_error, fmt::format("{} has schema version {}, sbcd copied {}", path,
                                            check->schema_version, arguments.value("schema_version", -1))});
    }
    if (auto mismatch = count_mismatch(arguments.value("counts", nlohmann::json::object()), *check)) {
        return report_failure(options, Error{k_exit_error, fmt::format("{}: {}", path, *mismatch)});
    }
    arguments["verified"] = true;
    return report_reply(options, reply, [](const nlohmann::json& r) {
        const auto& a = reply_arguments(r);
        fmt::print("{}\nverified: integrity ok, schema version {}, {}\n", reply_text(r),
                   a.value("schema_version", 0), counts_line(a.value("counts", nlohmann::json::object())));
        for (const auto& pruned : a.value("pruned", nlohmann::json::array())) {
            fmt::print("removed old backup {}\n", pruned.get<std::string>());
        }
    });
}

std::string absolute(const std::string& path) {
    return std::filesystem::absolute(path).lexically_normal().string();
}

} // namespace

CommandAction define_backup(CLI::App& command, const GlobalOptions& options,
                            std::string_view daemon_command) {
    struct Options {
        std::string to, to_dir;
        int keep = 0;
        bool force = false;
    };
    auto o = std::make_shared<Options>();
    auto* to = command.add_option("--to", o->to, "the backup file to write (refused if it exists)");
    auto* to_dir = command
                       .add_option("--to-dir", o->to_dir,
                                   "a directory; the file is named "
                                   "sbc-YYYYmmdd-HHMMSS.db (UTC)")
                       ->excludes(to);
    command.add_option("--keep", o->keep, "with --to-dir: keep the newest N sbc-*.db backups, remove older")
        ->check(CLI::Range(1, 10000))
        ->needs(to_dir);
    command.add_flag("--force", o->force, "replace an existing --to file")->excludes(to_dir);
    return [o, &options, daemon_command] {
        if (o->to.empty() && o->to_dir.empty()) {
            return report_failure(options, Error{k_exit_usage, "say where to: sbcctl backup --to FILE, or "
                                                               "--to-dir DIR [--keep N] (see sbcctl "
                                                               "backup --help)"});
        }
        nlohmann::json arguments = nlohmann::json::object();
        if (!o->to.empty()) {
            arguments["path"] = absolute(o->to);
        } else {
            arguments["dir"] = absolute(o->to_dir);
        }
        if (o->keep > 0) {
            arguments["keep"] = o->keep;
        }
        if (o->force) {
            arguments["overwrite"] = true;
        }
        auto client = ControlClient::connect(
            options.socket, std::max<std::chrono::milliseconds>(options.timeout(), k_min_backup_wait));
        if (!client) {
            return report_failure(options, client.error());
        }
        auto reply = client->call(protocol::make_request(daemon_command, std::move(arguments)));
        if (!reply) {
            return report_failure(options, reply.error());
        }
        if (reply->at(std::string(protocol::k_result)).get<int>() != protocol::k_ok) {
            return report_reply(options, *reply, print_reply_text);
        }
        return verify_written(options, std::move(*reply));
    };
}

CommandAction define_backup_verify(CLI::App& command, const GlobalOptions& options, std::string_view) {
    auto file = std::make_shared<std::string>();
    command.add_option("file", *file, "the backup file to check")->required();
    return [file, &options] {
        auto check = check_backup_file(*file);
        if (!check) {
            return report_failure(options, check.error(), {{"path", *file}, {"ok", false}});
        }
        auto counts = counts_json(*check);
        auto reply = protocol::make_response(
            protocol::k_ok,
            fmt::format("{}: ok (integrity ok, schema version {}, {})", *file, check->schema_version,
                        counts_line(counts)),
            {{"path", *file}, {"ok", true}, {"schema_version", check->schema_version}, {"counts", counts}});
        return report_reply(options, reply, print_reply_text);
    };
}

} // namespace sbc::cli
