// sbcctl onboard --file FILE [--format csv|jsonl] [--dry-run]: many businesses and their knowledge at once.

#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/import_file.hpp"
#include "cli/onboard_file.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"
#include "cli/request_batches.hpp"
#include "common/protocol.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <map>
#include <memory>

namespace sbc::cli {
namespace {

std::string row_line(const nlohmann::json& row) {
    std::string status = row.value("status", "");
    std::string detail;
    if (status == "error") {
        detail = ": " + row.value("error", "");
    } else if (status == "updated") {
        std::vector<std::string> changed = row.value("changed", std::vector<std::string>{});
        detail = fmt::format(" ({})", fmt::join(changed, ", "));
    }
    if (row.value("knowledge_added", 0) > 0) {
        detail += fmt::format(", {} knowledge entr{} added", row.value("knowledge_added", 0),
                              row.value("knowledge_added", 0) == 1 ? "y" : "ies");
    }
    return fmt::format("line {}: {} {}{}", row.value("line", 0), row.value("id", ""), status, detail);
}

} // namespace

CommandAction define_onboard(CLI::App& command, const GlobalOptions& options,
                             std::string_view daemon_command) {
    struct Options {
        std::string file, format;
        bool dry_run = false;
    };
    auto o = std::make_shared<Options>();
    command.add_option("--file", o->file, "a CSV or JSON lines file, or - for standard input")->required();
    command.add_option("--format", o->format, "csv or jsonl (default: from the file's extension; csv)")
        ->check(CLI::IsMember({"csv", "jsonl"}));
    command.add_flag("--dry-run", o->dry_run, "show what would change and change nothing");
    return [o, &options, daemon_command] {
        auto file = read_onboard_file(o->file, o->format);
        if (!file) {
            return report_failure(options, file.error());
        }
        if (!file->problems.empty()) {
            if (!options.json) {
                for (const auto& problem : file->problems) {
                    fmt::print(stderr, "sbcctl: {}\n", problem);
                }
            }
            return report_failure(
                options,
                Error{k_exit_invalid, fmt::format("nothing onboarded: {} cannot be read as {} "
                                                  "({} problem{}); fix it and run again",
                                                  display_path(o->file), file->format, file->problems.size(),
                                                  file->problems.size() == 1 ? "" : "s")},
                {{"problems", file->problems}});
        }
        auto client = ControlClient::connect(options.socket, options.timeout());
        if (!client) {
            return report_failure(options, client.error());
        }
        nlohmann::json rows = nlohmann::json::array();
        std::map<std::string, long long> summary = {
            {"created", 0}, {"updated", 0}, {"unchanged", 0}, {"error", 0}};
        int result = protocol::k_ok;
        std::vector<std::size_t> sizes;
        for (const auto& row : file->rows) {
            sizes.push_back(row.object.dump().size() + 1);
        }
        for (auto [first, last] : request_batches(sizes)) {
            nlohmann::json businesses = nlohmann::json::array();
            for (std::size_t i = first; i < last; ++i) {
                businesses.push_back(file->rows[i].object);
            }
            nlohmann::json arguments = {{"businesses", std::move(businesses)}};
            if (o->dry_run) {
                arguments["dry_run"] = true;
            }
            auto reply = client->call(protocol::make_request(daemon_command, std::move(arguments)));
            if (!reply) {
                return report_failure(options, reply.error(), {{"rows", rows}});
            }
            const auto& answer = reply_arguments(*reply);
            if (!answer.contains("rows")) { // the request as a whole was refused
                return report_reply(options, *reply, print_reply_text);
            }
            for (auto row : answer["rows"]) {
                row["line"] = file->rows[first + row.value("index", std::size_t{0})].line;
                row.erase("index");
                ++summary[row.value("status", "error")];
                rows.push_back(std::move(row));
            }
            int batch_result =
                reply->value(std::string(protocol::k_result), static_cast<int>(protocol::k_error));
            if (result == protocol::k_ok) {
                result = batch_result;
            }
        }
        std::string text =
            fmt::format("{}{} {} from {}: {} created, {} updated, {} unchanged, {} failed",
                        o->dry_run ? "dry run, nothing changed: " : "", file->rows.size(),
                        file->rows.size() == 1 ? "business" : "businesses", display_path(o->file),
                        summary["created"], summary["updated"], summary["unchanged"], summary["error"]);
        auto document = protocol::make_response(
            result, text, {{"rows", rows}, {"summary", summary}, {"dry_run", o->dry_run}});
        if (options.json) {
            fmt::print("{}\n", compact_json(document));
            return static_cast<int>(exit_code_for_result(result));
        }
        for (const auto& row : rows) {
            fmt::print("{}\n", row_line(row));
        }
        fmt::print("{}\n", text);
        return static_cast<int>(exit_code_for_result(result));
    };
}

} // namespace sbc::cli
