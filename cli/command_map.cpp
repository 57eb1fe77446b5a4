#include "cli/command_map.hpp"

#include "cli/commands.hpp"

#include <array>

namespace sbc::cli {

namespace {

constexpr std::array k_commands = {
    CommandSpec{"status", "status", "show sbcd's version, uptime, database and counts", &define_status},
    CommandSpec{"doctor", "doctor",
                "check configuration, database, socket, Twilio credentials and disk space; say what to fix",
                &define_doctor},
    CommandSpec{"commands", "list-commands", "list the control commands sbcd understands", &define_commands},

    CommandSpec{"business", "", "register and manage businesses", nullptr},
    CommandSpec{"business register", "business-register",
                "register a business (unchanged if it exists as given)", &define_business_register},
    CommandSpec{"business list", "business-list", "list the registered businesses", &define_business_list},
    CommandSpec{"business show", "business-show", "show one business's settings", &define_business_show},
    CommandSpec{"business update", "business-update", "change a business's settings",
                &define_business_update},
    CommandSpec{"business remove", "business-remove", "remove a business and its knowledge",
                &define_business_remove},
    CommandSpec{"business stats", "business-stats",
                "questions, answers, knowledge gaps, messages and response times of a business",
                &define_business_stats},

    CommandSpec{"kb", "", "manage a business's knowledge base", nullptr},
    CommandSpec{"kb add", "kb-add", "add a knowledge entry, or the passages of a document (--file)",
                &define_kb_add},
    CommandSpec{"kb attach", "kb-attach", "attach a file to an entry, sent with its answers (or --remove it)",
                &define_kb_attach},
    CommandSpec{"kb list", "kb-list", "list knowledge entries", &define_kb_list},
    CommandSpec{"kb search", "kb-search", "search the knowledge base as customers' questions are",
                &define_kb_search},
    CommandSpec{"kb remove", "kb-remove", "remove a knowledge entry by its number", &define_kb_remove},
    CommandSpec{"kb import", "kb-import", "import entries from a CSV or JSON lines file", &define_kb_import},
    CommandSpec{"kb export", "kb-export", "print every entry as JSON lines (re-importable)",
                &define_kb_export},
    CommandSpec{"kb synonym", "", "words the answerer treats as the same, per business", nullptr},
    CommandSpec{"kb synonym add", "kb-synonym-add", "teach that two words mean the same",
                &define_kb_synonym_add},
    CommandSpec{"kb synonym list", "kb-synonym-list", "list the synonym pairs", &define_kb_synonym_list},
    CommandSpec{"kb synonym remove", "kb-synonym-remove", "forget a synonym pair", &define_kb_synonym_remove},

    CommandSpec{"handoffs", "handoffs", "list customer questions handed to owners that are still open",
                &define_handoffs},
    CommandSpec{"send-test", "send-test", "run a message through the pipeline as if it came from WhatsApp",
                &define_send_test},
    CommandSpec{"send", "send", "send a message to a customer (24-hour window and opt-out respected)",
                &define_send},
    CommandSpec{"logs", "logs", "show the message log; --follow prints new messages as they come",
                &define_logs},

    CommandSpec{"media", "", "the media files messages carried, and the answer to customers' media", nullptr},
    CommandSpec{"media list", "media-list", "list media files, newest first", &define_media_list},
    CommandSpec{"media show", "media-show", "show one media file's record", &define_media_show},
    CommandSpec{"media remove", "media-remove", "remove a media file and its record", &define_media_remove},
    CommandSpec{"media settings", "media-settings",
                "show or set a business's answer to customers' media and owner notification",
                &define_media_settings},

    CommandSpec{"onboard", "onboard", "create or update many businesses and their knowledge from a file",
                &define_onboard},

    CommandSpec{"usage", "usage",
                "messages in and out, chat and embedding tokens, estimated cost per business, by month",
                &define_usage},

    CommandSpec{"webhook", "", "the webhook URLs Twilio must call", nullptr},
    CommandSpec{"webhook check", "webhook-check",
                "the URL Twilio must be configured with per number, and why signatures were refused",
                &define_webhook_check},

    // "backup" runs on its own and is the parent of "backup verify", which needs no sbcd (no daemon command).
    CommandSpec{"backup", "backup", "copy the live database to a file and verify the copy", &define_backup},
    CommandSpec{"backup verify", "",
                "check a backup file (integrity, schema version, row counts); no sbcd "
                "needed",
                &define_backup_verify},
};

} // namespace

std::span<const CommandSpec> command_specs() {
    return k_commands;
}

const CommandSpec* find_command(std::string_view path) {
    for (const auto& spec : k_commands) {
        if (spec.path == path) {
            return &spec;
        }
    }
    return nullptr;
}

} // namespace sbc::cli
