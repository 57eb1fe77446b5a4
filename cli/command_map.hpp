#pragma once
// The one table of sbcctl's commands: what the user types, the control command it sends, its help, and the
// function that defines its options. Adding a command is a row here and a define function in its family's
// file; a test compares the daemon_command column with sbcd's `list-commands`.

#include "cli/context.hpp"

#include <functional>
#include <span>
#include <string_view>

namespace CLI {
class App;
}

namespace sbc::cli {

// Runs a parsed command and returns sbcctl's exit status.
using CommandAction = std::function<int()>;

// Adds a command's options and arguments to its CLI11 subcommand and returns what to run once parsing is
// done. The action reads the options through pointers captured here, so it sees the values CLI11 filled in.
using DefineCommand = CommandAction (*)(CLI::App& command, const GlobalOptions& options,
                                        std::string_view daemon_command);

struct CommandSpec {
    std::string_view path;           // words after "sbcctl": "kb import"
    std::string_view daemon_command; // the control command sent; empty for a group such as "kb"
    std::string_view help;
    DefineCommand define; // nullptr for a group
};

// Every row, groups before their members, in the order --help lists them.
std::span<const CommandSpec> command_specs();

// The row for a path such as "business list", or nullptr.
const CommandSpec* find_command(std::string_view path);

} // namespace sbc::cli
