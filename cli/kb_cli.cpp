// sbcctl kb add|attach|list|search|remove. Import and export are in kb_transfer_cli.cpp.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/import_file.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"
#include "common/base64.hpp"

#include <cstdint>
#include <fmt/format.h>
#include <memory>

namespace sbc::cli {

namespace {

// Tags are short labels; a long list would push the table past the terminal's edge.
constexpr std::size_t k_tags_cell_width = 30;

std::string entry_cell(const nlohmann::json& entry, const char* key, std::size_t width) {
    return fit_cell(display_value(entry.value(key, nlohmann::json(""))), width);
}

void print_entry_table(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& arguments = reply_arguments(reply);
    const auto& entries = arguments.value("entries", nlohmann::json::array());
    if (entries.empty()) {
        return;
    }
    Table table({{"#", Align::right}, {"TEXT"}, {"TAGS"}});
    for (const auto& entry : entries) {
        table.add_row({display_value(entry.value("number", nlohmann::json())),
                       entry_cell(entry, "text", k_text_cell_width),
                       entry_cell(entry, "tags", k_tags_cell_width)});
    }
    fmt::print("{}", table.render());
}

void print_search_results(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& results = reply_arguments(reply).value("results", nlohmann::json::array());
    if (results.empty()) {
        return;
    }
    Table table({{"#", Align::right}, {"SCORE", Align::right}, {"TEXT"}, {"TAGS"}});
    for (const auto& result : results) {
        auto score = result.value("score", nlohmann::json());
        table.add_row({display_value(result.value("number", nlohmann::json())),
                       score.is_number() ? fmt::format("{:.2f}", score.get<double>()) : display_value(score),
                       entry_cell(result, "text", k_text_cell_width),
                       entry_cell(result, "tags", k_tags_cell_width)});
    }
    fmt::print("{}", table.render());
}

} // namespace

CommandAction define_kb_add(CLI::App& command, const GlobalOptions& options,
                            std::string_view daemon_command) {
    struct Options {
        std::string business;
        std::optional<std::string> text, file, tags, source;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    auto text = command.add_option("text", o->text, "the entry's text, 1 to 4000 characters (quote it)");
    command
        .add_option(
            "--file", o->file,
            "add a document's passages instead: a .txt, .md, .csv or .pdf file (paragraphs, sections, "
            "one entry per row), split by sbcd as an owner's WhatsApp upload is")
        ->excludes(text);
    command.add_option("--tags", o->tags,
                       "labels for the entry (or every entry of the file), e.g. \"delivery,hours\"");
    command.add_option("--source", o->source, "where the entry came from");
    return [o, &options, daemon_command] {
        nlohmann::json arguments = {{"business", o->business}};
        if (o->file) {
            // The bytes go over the socket, not the path: sbcd runs as another user and may not read it.
            auto content = read_input_file(*o->file);
            if (!content) {
                return report_failure(options, content.error());
            }
            arguments["document"] = base64::encode(*content);
            arguments["name"] = *o->file == "-" ? std::string("standard-input.txt") : *o->file;
        } else if (o->text) {
            arguments["text"] = *o->text;
        } else {
            return report_failure(options,
                                  Error{k_exit_usage, "give the entry's text or --file PATH (sbcctl kb add "
                                                      "--help)"});
        }
        put_if_set(arguments, "tags", o->tags);
        put_if_set(arguments, "source", o->source);
        return run_request(options, daemon_command, std::move(arguments), print_entry_table);
    };
}

CommandAction define_kb_attach(CLI::App& command, const GlobalOptions& options,
                               std::string_view daemon_command) {
    struct Options {
        std::string business;
        std::int64_t number = 0;
        std::optional<std::string> file;
        bool remove = false;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("number", o->number, "the entry's number, as kb list shows it")
        ->required()
        ->check(integer_at_least(1));
    auto file =
        command.add_option("--file", o->file,
                           "the file sent with the entry's answers: .jpg, .png, .webp, .pdf, .mp4, .mp3 or "
                           ".ogg (replaces any attachment)");
    command.add_flag("--remove", o->remove, "remove the entry's attachment")->excludes(file);
    return [o, &options, daemon_command] {
        nlohmann::json arguments = {{"business", o->business}, {"number", o->number}};
        if (o->remove) {
            arguments["remove"] = true;
        } else if (o->file) {
            auto content = read_input_file(*o->file);
            if (!content) {
                return report_failure(options, content.error());
            }
            arguments["content"] = base64::encode(*content);
            arguments["name"] = *o->file;
        } else {
            return report_failure(
                options, Error{k_exit_usage, "give --file PATH or --remove (sbcctl kb attach --help)"});
        }
        return run_request(options, daemon_command, std::move(arguments));
    };
}

CommandAction define_kb_list(CLI::App& command, const GlobalOptions& options,
                             std::string_view daemon_command) {
    struct Options {
        std::string business;
        std::optional<std::int64_t> limit, offset;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("--limit", o->limit, "at most this many entries (sbcd's default 100, at most 1000)")
        ->check(integer_at_least(1));
    command.add_option("--offset", o->offset, "skip this many entries first")->check(integer_at_least(0));
    return [o, &options, daemon_command] {
        nlohmann::json arguments = {{"business", o->business}};
        put_if_set(arguments, "limit", o->limit);
        put_if_set(arguments, "offset", o->offset);
        return run_request(options, daemon_command, std::move(arguments), print_entry_table);
    };
}

CommandAction define_kb_search(CLI::App& command, const GlobalOptions& options,
                               std::string_view daemon_command) {
    struct Options {
        std::string business;
        std::vector<std::string> words;
        std::optional<std::int64_t> limit;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("words", o->words, "what a customer might ask; several words are joined with spaces")
        ->required();
    command.add_option("--limit", o->limit, "at most this many results (sbcd's default 5, at most 100)")
        ->check(integer_at_least(1));
    return [o, &options, daemon_command] {
        std::string query;
        for (const auto& word : o->words) {
            query += (query.empty() ? "" : " ") + word;
        }
        nlohmann::json arguments = {{"business", o->business}, {"query", query}};
        put_if_set(arguments, "limit", o->limit);
        return run_request(options, daemon_command, std::move(arguments), print_search_results);
    };
}

CommandAction define_kb_remove(CLI::App& command, const GlobalOptions& options,
                               std::string_view daemon_command) {
    struct Options {
        std::string business;
        std::int64_t number = 0;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("number", o->number, "the entry's number, as kb list shows it")
        ->required()
        ->check(integer_at_least(1));
    return [o, &options, daemon_command] {
        return run_request(options, daemon_command, {{"business", o->business}, {"number", o->number}});
    };
}

} // namespace sbc::cli
