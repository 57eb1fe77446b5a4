#pragma once
// The one list of control commands. sbcctl, list-commands and the man page are checked against it by tests.

#include "daemon/control/command.hpp"

#include <span>
#include <string_view>

namespace sbc::control {

// Every command, in alphabetical order.
std::span<const Command> command_table();

// The command of that name, or nullptr.
const Command* find_command(std::string_view name);

} // namespace sbc::control
