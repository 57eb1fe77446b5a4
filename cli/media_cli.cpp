// sbcctl media: the files messages carried (list, show, remove) and a business's answer to customers' media.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>
#include <memory>

namespace sbc::cli {
namespace {

std::string field(const nlohmann::json& object, const char* key) {
    return display_value(object.value(key, nlohmann::json()));
}

void print_media_list(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& list = reply_arguments(reply).value("media", nlohmann::json::array());
    if (list.empty()) {
        return;
    }
    Table table({{"ID", Align::right},
                 {"TIME"},
                 {"BUSINESS"},
                 {"CUSTOMER"},
                 {"TYPE"},
                 {"STATE"},
                 {"BYTES", Align::right},
                 {"FILE / ERROR"}});
    for (const auto& m : list) {
        std::string detail =
            m.value("file", nlohmann::json()).is_string() ? field(m, "file") : field(m, "error");
        table.add_row({field(m, "id"), field(m, "created_at"), field(m, "business"), field(m, "customer"),
                       field(m, "content_type"), field(m, "state"), field(m, "bytes"),
                       fit_cell(detail, k_text_cell_width)});
    }
    fmt::print("{}", table.render());
}

void print_media_show(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& m = reply_arguments(reply).value("media", nlohmann::json::object());
    for (const char* key : {"id", "business", "customer", "message_sid", "content_type", "state", "bytes",
                            "path", "attempts", "error", "created_at"}) {
        fmt::print("{:<13}{}\n", std::string(key) + ":", field(m, key));
    }
}

} // namespace

CommandAction define_media_list(CLI::App& command, const GlobalOptions& options,
                                std::string_view daemon_command) {
    struct Options {
        std::optional<std::string> business;
        std::int64_t limit = 50;
    };
    auto o = std::make_shared<Options>();
    command.add_option("--business", o->business, "only this business's (default: every business's)");
    command.add_option("--limit", o->limit, "at most this many, newest first (1-1000)")
        ->check(integer_at_least(1));
    return [o, &options, daemon_command] {
        nlohmann::json arguments = {{"limit", o->limit}};
        put_if_set(arguments, "business", o->business);
        return run_request(options, daemon_command, std::move(arguments), print_media_list);
    };
}

CommandAction define_media_show(CLI::App& command, const GlobalOptions& options,
                                std::string_view daemon_command) {
    auto id = std::make_shared<std::int64_t>(0);
    command.add_option("id", *id, "the media id, as media list shows it")
        ->required()
        ->check(integer_at_least(1));
    return [id, &options, daemon_command] {
        return run_request(options, daemon_command, {{"id", *id}}, print_media_show);
    };
}

CommandAction define_media_remove(CLI::App& command, const GlobalOptions& options,
                                  std::string_view daemon_command) {
    auto id = std::make_shared<std::int64_t>(0);
    command.add_option("id", *id, "the media id, as media list shows it")
        ->required()
        ->check(integer_at_least(1));
    return [id, &options, daemon_command] { return run_request(options, daemon_command, {{"id", *id}}); };
}

CommandAction define_media_settings(CLI::App& command, const GlobalOptions& options,
                                    std::string_view daemon_command) {
    struct Options {
        std::string business;
        std::optional<std::string> reply;
        CLI::Option* notify = nullptr;
        CLI::Option* no_notify = nullptr;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("--reply", o->reply,
                       "what customers get when they send media (\"\" for the default, \"Thanks, we received "
                       "your photo.\")");
    o->notify = command.add_flag("--notify-owner")->description("tell the owner when a customer sends media");
    o->no_notify =
        command.add_flag("--no-notify-owner")->description("do not tell the owner")->excludes(o->notify);
    return [o, &options, daemon_command] {
        nlohmann::json arguments = {{"business", o->business}};
        put_if_set(arguments, "reply", o->reply);
        if (o->notify->count() > 0) {
            arguments["notify_owner"] = true;
        } else if (o->no_notify->count() > 0) {
            arguments["notify_owner"] = false;
        }
        return run_request(options, daemon_command, std::move(arguments));
    };
}

} // namespace sbc::cli
