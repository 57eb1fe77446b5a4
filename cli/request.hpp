#pragma once
// Sending a command to sbcd and reporting its reply the way the user asked: text (stdout for success,
// stderr for errors) or, with --json, exactly one JSON document on stdout. Every command goes through here,
// so exit codes and --json output are the same everywhere.

#include "cli/context.hpp"
#include "common/result.hpp"

#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

namespace sbc::cli {

// Prints a successful reply (result 0) for a person.
using HumanPrinter = std::function<void(const nlohmann::json& reply)>;

// The reply's "text", or "" when it has none.
std::string reply_text(const nlohmann::json& reply);

// The reply's "arguments", or an empty object when it has none.
const nlohmann::json& reply_arguments(const nlohmann::json& reply);

// Prints the reply's text line, if any: the human output of commands that change something.
void print_reply_text(const nlohmann::json& reply);

// Connects, sends {command, arguments} and reports the reply; returns the exit status.
int run_request(const GlobalOptions& options, std::string_view command, nlohmann::json arguments,
                const HumanPrinter& print = print_reply_text);

// Reports a reply: with --json the whole object; else an error's text on stderr, or print for success.
// Returns the exit status for the reply's result code.
int report_reply(const GlobalOptions& options, const nlohmann::json& reply, const HumanPrinter& print);

// Reports a failure sbcctl met itself (sbcd unreachable, an unreadable file): "sbcctl: message" on stderr,
// or with --json {"result": 1 or 5, "text": message, "arguments": arguments}. Returns error.code.
int report_failure(const GlobalOptions& options, const Error& error,
                   nlohmann::json arguments = nlohmann::json::object());

} // namespace sbc::cli
