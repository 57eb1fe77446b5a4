#pragma once
// What an owner's "!command args" message says. Parsing only: no database, so it can be fuzzed on its own.

#include <optional>
#include <string>
#include <string_view>

namespace sbc::pipeline {

struct OwnerCommand {
    std::string name; // lower-case, without '!': "add", "list", ...
    std::string args; // the rest, trimmed
};

// The command in a message that starts with '!' (after leading spaces); nullopt for any other message.
std::optional<OwnerCommand> parse_owner_command(std::string_view body);

// A positive whole number at the start of args ("3 new text" -> 3, rest "new text"); nullopt when there is
// none.
std::optional<std::int64_t> leading_number(std::string_view args, std::string_view* rest = nullptr);

} // namespace sbc::pipeline
