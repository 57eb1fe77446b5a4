#pragma once
// The owner's commands from WhatsApp (!add, !list, ...): one table, each row a name, a handler and its help
// line.

#include "daemon/pipeline/owner_command_parser.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/database.hpp"

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace sbc::pipeline {

struct OwnerContext {
    store::Database& db; // the writer's connection, inside the message's transaction
    store::Business& business;
    std::string actor; // "owner:+1555..."
    // Queues a message to a customer of this business in this transaction (with `entry`, that knowledge
    // entry's text: the message records it and carries its attachment); returns why it cannot be sent (opted
    // out, outside the 24-hour window), or an empty string when it was queued.
    std::function<std::string(const std::string& customer, const std::string& text,
                              std::optional<std::int64_t> entry)>
        send_to_customer;
    // The stored files of the attachments this command deleted, relative to the data directory: removed once
    // the transaction has committed (the row goes first, so a failed commit leaves no row without its file).
    std::vector<std::string> removed_files;
};

struct OwnerCommandRow {
    std::string_view name;
    std::string_view usage; // "!add <text>"
    std::string_view help;
    std::string (*run)(OwnerContext& ctx, const std::string& args);
};

// Every owner command, in the order !help shows them.
std::span<const OwnerCommandRow> owner_command_table();

// Runs the command and returns the reply for the owner; an unknown command or bad arguments give a hint, not
// an error. SQLite failures throw DbError (the whole message is then not acknowledged).
std::string run_owner_command(OwnerContext& ctx, const OwnerCommand& command);

} // namespace sbc::pipeline
