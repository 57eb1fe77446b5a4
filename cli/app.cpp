#include "cli/app.hpp"

#include "cli/arguments.hpp"
#include "cli/command_map.hpp"
#include "cli/exit_codes.hpp"
#include "cli/request.hpp"
#include "common/paths.hpp"

#include <CLI/CLI.hpp>
#include <cstring>
#include <fmt/format.h>
#include <map>
#include <string>

namespace sbc::cli {

namespace {

std::string exit_status_footer() {
    std::string footer = "Exit status:";
    for (const auto& row : k_exit_code_table) {
        footer += fmt::format("\n  {}  {}", static_cast<int>(row.code), row.meaning);
    }
    return footer + "\nSee sbcctl(1) for details.";
}

void add_global_options(CLI::App& app, GlobalOptions& options) {
    app.add_option("--socket", options.socket,
                   "sbcd's control socket (SBC_SOCKET, else $SBC_DATA_DIR/sbcd.sock)")
        ->capture_default_str();
    app.add_flag("--json", options.json, "print one JSON document on stdout instead of text");
    app.add_option("--timeout", options.timeout_seconds, "seconds to wait for sbcd, per request")
        ->check(positive_seconds())
        ->capture_default_str();
    app.set_version_flag("--version", std::string("sbcctl ") + SBC_VERSION,
                         "print sbcctl's version and exit");
}

// "business register" for the deepest subcommand CLI11 got to, so the hint names the right --help.
std::string parsed_command_path(const CLI::App& app) {
    std::string path = app.get_name();
    const CLI::App* current = &app;
    for (;;) {
        auto parsed = current->get_subcommands();
        if (parsed.empty()) {
            return path;
        }
        current = parsed.front();
        path += " " + current->get_name();
    }
}

// CLI11's message, except that a mistyped command name ("A subcommand is required") is named as such.
std::string describe_parse_error(const CLI::App& app, const CLI::Error& error) {
    auto remaining = app.remaining();
    const CLI::App* deepest = &app;
    while (!deepest->get_subcommands().empty()) {
        deepest = deepest->get_subcommands().front();
    }
    auto choices = deepest->get_subcommands({});
    // A leftover word is an unknown command only where a command was expected; on a leaf command the real
    // problem is the missing option CLI11 names ("--business is required").
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && !remaining.empty() &&
        !remaining.front().starts_with("-") && !choices.empty()) {
        return fmt::format("unknown command \"{}\" for '{}'", remaining.front(), parsed_command_path(app));
    }
    if (dynamic_cast<const CLI::RequiredError*>(&error) != nullptr && remaining.empty() && !choices.empty()) {
        std::string names;
        for (const auto* choice : choices) {
            names += (names.empty() ? "" : ", ") + choice->get_name();
        }
        return fmt::format("'{}' needs a command: {}", parsed_command_path(app), names);
    }
    return error.what();
}

// CLI11 parses --json only if it gets that far, so look for it in argv to honour it for usage errors too.
bool json_requested(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--") == 0) {
            return false;
        }
        if (std::strcmp(argv[i], "--json") == 0) {
            return true;
        }
    }
    return false;
}

// Adds every row of the command table as a CLI11 subcommand; a row's action is stored in chosen when the
// user picked it.
void add_commands(CLI::App& app, const GlobalOptions& options, CommandAction& chosen) {
    std::map<std::string_view, CLI::App*> parents{{"", &app}};
    for (const auto& spec : command_specs()) {
        auto space = spec.path.rfind(' ');
        std::string_view parent_path = space == std::string_view::npos ? "" : spec.path.substr(0, space);
        std::string_view name = space == std::string_view::npos ? spec.path : spec.path.substr(space + 1);
        CLI::App* command =
            parents.at(parent_path)->add_subcommand(std::string(name), std::string(spec.help));
        if (spec.define == nullptr) {
            command->require_subcommand(1);
            parents[spec.path] = command;
            continue;
        }
        CommandAction action = spec.define(*command, options, spec.daemon_command);
        // A command may also be the parent of others ("backup" and "backup verify"): the deepest one parsed
        // runs, whichever order CLI11 calls back in.
        parents[spec.path] = command;
        command->callback([&chosen, action, command] {
            if (command->get_subcommands().empty()) {
                chosen = action;
            }
        });
    }
}

} // namespace

int run_sbcctl(int argc, char** argv) {
    GlobalOptions options;
    options.socket = paths::default_socket_from_environment();

    CLI::App app{"sbcctl controls sbcd, the WhatsApp customer-care daemon, over its control socket.",
                 "sbcctl"};
    // Set before the subcommands exist so they inherit it: global options then work after a subcommand too.
    app.fallthrough();
    app.require_subcommand(1);
    app.failure_message([](const CLI::App* failed, const CLI::Error& error) {
        return fmt::format("sbcctl: {}\nRun '{} --help' for usage.\n", describe_parse_error(*failed, error),
                           parsed_command_path(*failed));
    });
    add_global_options(app, options);

    CommandAction chosen;
    add_commands(app, options, chosen);
    app.footer(exit_status_footer()); // after the subcommands, which would inherit it
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& error) {
        int status = app.exit(error); // prints help, the version, or the error with a hint
        if (status == 0) {
            return k_exit_ok;
        }
        if (json_requested(argc, argv)) {
            options.json = true;
            report_failure(options, Error{k_exit_usage, describe_parse_error(app, error)});
        }
        return k_exit_usage;
    }
    return chosen ? chosen() : k_exit_usage;
}

} // namespace sbc::cli
