// sbcctl kb import|export: moving a whole knowledge base in and out, in pieces small enough for one request.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/import_file.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"
#include "cli/request_batches.hpp"
#include "common/protocol.hpp"

#include <charconv>
#include <fmt/format.h>
#include <memory>
#include <optional>

namespace sbc::cli {

namespace {

// Problems listed on the terminal before "and N more": enough to see the pattern, not a flood.
constexpr std::size_t k_max_problems_shown = 20;
constexpr int k_export_page = 1000;

struct Batch {
    nlohmann::json entries = nlohmann::json::array();
    std::vector<std::size_t> lines; // each entry's line in the file (0 in a JSON array)
    std::size_t first_index = 0;    // the first entry's index in the whole file
};

nlohmann::json entry_json(const ImportEntry& entry) {
    nlohmann::json json = {{"text", entry.text}};
    put_if_set(json, "tags", entry.tags);
    put_if_set(json, "source", entry.source);
    return json;
}

std::vector<Batch> make_batches(const std::vector<ImportEntry>& entries, std::size_t envelope_bytes) {
    std::vector<nlohmann::json> jsons;
    std::vector<std::size_t> sizes;
    for (const auto& entry : entries) {
        jsons.push_back(entry_json(entry));
        sizes.push_back(jsons.back().dump().size() + 1); // and a comma
    }
    std::vector<Batch> batches;
    for (auto [first, last] : request_batches(sizes, envelope_bytes)) {
        Batch batch{nlohmann::json::array(), {}, first};
        for (std::size_t i = first; i < last; ++i) {
            batch.entries.push_back(std::move(jsons[i]));
            batch.lines.push_back(entries[i].line);
        }
        batches.push_back(std::move(batch));
    }
    return batches;
}

int report_problems(const GlobalOptions& options, const std::string& path, const ImportFile& file) {
    std::string summary =
        fmt::format("nothing imported: {} has {} problem{}; fix {} and run the import again",
                    display_path(path), file.problems.size(), file.problems.size() == 1 ? "" : "s",
                    file.problems.size() == 1 ? "it" : "them");
    if (options.json) {
        nlohmann::json problems = nlohmann::json::array();
        for (const auto& problem : file.problems) {
            problems.push_back({{"line", problem.line == 0 ? nlohmann::json() : nlohmann::json(problem.line)},
                                {"message", problem.message}});
        }
        return report_failure(
            options,
            Error{k_exit_invalid,
                  fmt::format("{} (first: {})", summary, describe_problem(path, file.problems.front()))},
            {{"file", path}, {"problems", std::move(problems)}});
    }
    for (std::size_t i = 0; i < file.problems.size() && i < k_max_problems_shown; ++i) {
        fmt::print(stderr, "sbcctl: {}\n", describe_problem(path, file.problems[i]));
    }
    if (file.problems.size() > k_max_problems_shown) {
        fmt::print(stderr, "sbcctl: ... and {} more\n", file.problems.size() - k_max_problems_shown);
    }
    return report_failure(options, Error{k_exit_invalid, summary});
}

// N from the first "entries[N]" in sbcd's message: how it names the entry of a request it refused.
std::optional<std::size_t> entry_index_in(std::string_view text) {
    constexpr std::string_view k_prefix = "entries[";
    auto start = text.find(k_prefix);
    if (start == std::string_view::npos) {
        return std::nullopt;
    }
    const char* first = text.data() + start + k_prefix.size();
    const char* last = text.data() + text.size();
    std::size_t index = 0;
    auto [end, error] = std::from_chars(first, last, index);
    if (error != std::errc() || end == last || *end != ']') {
        return std::nullopt;
    }
    return index;
}

// Where in the file a failed batch was: the entry sbcd names ("entries[3].tags is too long") when it names
// one, else the batch's lines when there are several batches; "" when the failure concerns the whole import
// (say, an unknown business). Running the import again loses nothing, since identical texts are skipped.
std::string batch_context(const std::string& path, const Batch& batch, std::size_t batch_count,
                          const std::string& daemon_text, long long added_before) {
    std::string where;
    if (auto index = entry_index_in(daemon_text); index && *index < batch.lines.size()) {
        where = batch.lines[*index] == 0 ? fmt::format("{}: entry {}", path, batch.first_index + *index + 1)
                                         : fmt::format("{}:{}", path, batch.lines[*index]);
    }
    if (where.empty() && batch_count > 1) {
        where = batch.lines.front() == 0
                    ? fmt::format("{}: entries {}-{}", path, batch.first_index + 1,
                                  batch.first_index + batch.lines.size())
                    : fmt::format("{}: lines {}-{}", path, batch.lines.front(), batch.lines.back());
    }
    if (added_before > 0) {
        where += fmt::format(" ({} entries before it were added; running the import again skips them)",
                             added_before);
    }
    return where.empty() ? "" : where + ": ";
}

int import_entries(const GlobalOptions& options, const std::string& business, std::string_view daemon_command,
                   const std::string& path, const ImportFile& file) {
    std::size_t envelope =
        protocol::make_request(daemon_command, {{"business", business}, {"entries", {}}}).dump().size();
    auto batches = make_batches(file.entries, envelope);
    auto client = ControlClient::connect(options.socket, options.timeout());
    if (!client) {
        return report_failure(options, client.error());
    }
    long long added = 0;
    long long unchanged = 0;
    for (std::size_t i = 0; i < batches.size(); ++i) {
        nlohmann::json arguments = {{"business", business}, {"entries", std::move(batches[i].entries)}};
        auto reply = client->call(protocol::make_request(daemon_command, std::move(arguments)));
        if (!reply) {
            Error error = reply.error();
            if (i > 0) {
                error.message = batch_context(path, batches[i], batches.size(), "", added) + error.message;
            }
            return report_failure(options, error);
        }
        if (reply->at(std::string(protocol::k_result)).get<int>() != protocol::k_ok) {
            // Still sbcd's reply, with the place in the file added, so --json users get sbcd's result code.
            std::string text = reply_text(*reply);
            (*reply)[std::string(protocol::k_text)] =
                batch_context(path, batches[i], batches.size(), text, added) + text;
            return report_reply(options, *reply, print_reply_text);
        }
        const auto& counts = reply_arguments(*reply);
        added += counts.value("added", 0LL);
        unchanged += counts.value("unchanged", 0LL);
    }
    auto summary = protocol::make_response(
        protocol::k_ok,
        fmt::format("imported {} {} from {} ({}) into {}: {} added, {} unchanged", file.entries.size(),
                    file.entries.size() == 1 ? "entry" : "entries", display_path(path), file.format, business,
                    added, unchanged),
        {{"added", added}, {"unchanged", unchanged}});
    return report_reply(options, summary, print_reply_text);
}

// The fields an export line keeps, in this order: what import reads (text, tags, source) plus the number and
// times for people reading the file. The business is left out so the file can be imported into another one.
nlohmann::ordered_json export_line(const nlohmann::json& entry) {
    nlohmann::ordered_json line = nlohmann::ordered_json::object();
    for (const char* key : {"number", "text", "tags", "source", "created_at", "updated_at"}) {
        if (entry.contains(key)) {
            line[key] = entry[key];
        }
    }
    return line;
}

} // namespace

CommandAction define_kb_import(CLI::App& command, const GlobalOptions& options,
                               std::string_view daemon_command) {
    struct Options {
        std::string business, file;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("file", o->file, "a CSV or JSON lines file, or - for standard input")->required();
    return [o, &options, daemon_command] {
        auto file = read_import_file(o->file);
        if (!file) {
            return report_failure(options, file.error());
        }
        if (!file->problems.empty()) {
            return report_problems(options, o->file, *file);
        }
        if (file->entries.empty()) {
            auto reply = protocol::make_response(
                protocol::k_ok, fmt::format("{} has no entries; nothing imported", display_path(o->file)),
                {{"added", 0}, {"unchanged", 0}});
            return report_reply(options, reply, print_reply_text);
        }
        return import_entries(options, o->business, daemon_command, o->file, *file);
    };
}

CommandAction define_kb_export(CLI::App& command, const GlobalOptions& options,
                               std::string_view daemon_command) {
    struct Options {
        std::string business;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    return [o, &options, daemon_command] {
        // Standard output carries entry lines only, with or without --json, so errors always go to stderr.
        GlobalOptions text_options = options;
        text_options.json = false;
        auto client = ControlClient::connect(options.socket, options.timeout());
        if (!client) {
            return report_failure(text_options, client.error());
        }
        long long after = 0;
        for (;;) {
            nlohmann::json arguments = {
                {"business", o->business}, {"after", after}, {"limit", k_export_page}};
            auto reply = client->call(protocol::make_request(daemon_command, std::move(arguments)));
            if (!reply) {
                return report_failure(text_options, reply.error());
            }
            if (reply->at(std::string(protocol::k_result)).get<int>() != protocol::k_ok) {
                return report_reply(text_options, *reply, print_reply_text);
            }
            const auto& page = reply_arguments(*reply);
            for (const auto& entry : page.value("entries", nlohmann::json::array())) {
                fmt::print("{}\n",
                           export_line(entry).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
            }
            auto next = page.value("next_after", nlohmann::json());
            if (next.is_null()) {
                return static_cast<int>(k_exit_ok);
            }
            if (!next.is_number_integer() || next.get<long long>() <= after) {
                return report_failure(text_options,
                                      Error{k_exit_error, fmt::format("sbcd's export did not move "
                                                                      "past entry {}; stopping (see "
                                                                      "sbcd's log)",
                                                                      after)});
            }
            after = next.get<long long>();
        }
    };
}

} // namespace sbc::cli
