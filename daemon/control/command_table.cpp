#include "daemon/control/command_table.hpp"

#include "daemon/control/handlers.hpp"

#include <algorithm>

namespace sbc::control {
namespace {

// Keep in alphabetical order; a unit test checks it. Adding a command: a handler in its family's file, its
// declaration in handlers.hpp, one row here, its sbcctl subcommand, and its line in man/sbcctl.1.
constexpr Command k_commands[] = {
    {"backup", Access::write, backup, "copy the live database to a file (online backup API), prune old ones"},
    {"business-list", Access::read, business_list, "list registered businesses"},
    {"business-register", Access::write, business_register, "register a business (idempotent)"},
    {"business-remove", Access::write, business_remove, "remove a business and its knowledge"},
    {"business-show", Access::read, business_show, "show one business and its settings"},
    {"business-stats", Access::read, business_stats,
     "questions, answers, gaps, response times of a business"},
    {"business-update", Access::write, business_update, "change a business's number, owner or settings"},
    {"doctor", Access::read, doctor,
     "check configuration, database, Twilio credentials and disk space, and say what to fix"},
    {"handoffs", Access::read, handoffs, "list the customer questions handed to owners that are still open"},
    {"kb-add", Access::write, kb_add, "add a knowledge entry to a business, or the passages of a document"},
    {"kb-attach", Access::write, kb_attach,
     "attach a file to a knowledge entry (sent with its answers), or remove the attachment"},
    {"kb-export", Access::read, kb_export, "export a business's knowledge entries, in pages"},
    {"kb-import", Access::write, kb_import, "add many entries, skipping ones already present"},
    {"kb-list", Access::read, kb_list, "list a business's knowledge entries"},
    {"kb-remove", Access::write, kb_remove, "remove a knowledge entry by its number"},
    {"kb-search", Access::read, kb_search, "search a business's knowledge as a customer question would"},
    {"kb-synonym-add", Access::write, kb_synonym_add,
     "teach a business's answerer that two words mean the same"},
    {"kb-synonym-list", Access::read, kb_synonym_list, "list a business's synonym pairs"},
    {"kb-synonym-remove", Access::write, kb_synonym_remove, "forget one of a business's synonym pairs"},
    {"list-commands", Access::read, list_commands, "list the commands this daemon supports"},
    {"logs", Access::read, logs, "the message log, newest first; waits for new messages with wait_ms"},
    {"media-list", Access::read, media_list, "list the media files messages carried, newest first"},
    {"media-remove", Access::write, media_remove, "remove a media file and its record"},
    {"media-settings", Access::write, media_settings,
     "show or set a business's answer to customers' media and whether its owner is told"},
    {"media-show", Access::read, media_show, "show one media file's record"},
    {"onboard", Access::write, onboard, "create or update many businesses and their knowledge at once"},
    {"send", Access::write, send, "send a message to a customer (24-hour window and opt-out respected)"},
    {"send-test", Access::write, send_test, "run a message through the pipeline as if it came from WhatsApp"},
    {"status", Access::read, status, "daemon version, uptime, database and counts"},
    {"usage", Access::read, usage,
     "messages in and out, chat and embedding tokens, estimated cost per business, by month"},
    {"webhook-check", Access::read, webhook_check,
     "the URLs Twilio must call, and what the last refused signatures say about WEBHOOK_BASE_URL"},
};

} // namespace

std::span<const Command> command_table() {
    return k_commands;
}

const Command* find_command(std::string_view name) {
    auto table = command_table();
    auto it = std::find_if(table.begin(), table.end(), [&](const Command& c) { return c.name == name; });
    return it == table.end() ? nullptr : &*it;
}

} // namespace sbc::control
