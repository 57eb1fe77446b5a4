// sbcctl business register|list|show|update|remove|stats.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>
#include <memory>

namespace sbc::cli {

namespace {

// The settings register and update share; each is sent only when given.
struct BusinessSettings {
    std::optional<std::string> name, number, owner, greeting, hours, timezone, fallback;
};

void add_settings_options(CLI::App& command, BusinessSettings& settings, bool required) {
    auto* name = command.add_option("--name", settings.name, "the name customers see");
    auto* number = command.add_option("--number", settings.number, "the business's WhatsApp number (E.164)");
    auto* owner =
        command.add_option("--owner", settings.owner, "the owner's phone; messages from it are commands");
    if (required) {
        name->required();
        number->required();
        owner->required();
    }
    command.add_option("--greeting", settings.greeting, "the text a new customer is greeted with");
    command.add_option("--hours", settings.hours, "opening hours, as customers should read them");
    command.add_option("--timezone", settings.timezone, "IANA time zone, e.g. Europe/Berlin");
    command.add_option("--fallback", settings.fallback, "the reply when the knowledge base has no answer");
}

void put_settings(nlohmann::json& arguments, const BusinessSettings& settings) {
    put_if_set(arguments, "name", settings.name);
    put_if_set(arguments, "number", settings.number);
    put_if_set(arguments, "owner", settings.owner);
    put_if_set(arguments, "greeting", settings.greeting);
    put_if_set(arguments, "hours", settings.hours);
    put_if_set(arguments, "timezone", settings.timezone);
    put_if_set(arguments, "fallback", settings.fallback);
}

// --shared/--no-shared and --pause/--resume: a setting that is switched on, off, or left alone.
std::optional<bool> switch_value(const CLI::Option* on, const CLI::Option* off) {
    if (on->count() > 0) {
        return true;
    }
    if (off->count() > 0) {
        return false;
    }
    return std::nullopt;
}

void print_business_table(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& businesses = reply_arguments(reply).value("businesses", nlohmann::json::array());
    if (businesses.empty()) {
        return;
    }
    Table table({{"ID"}, {"NAME"}, {"NUMBER"}, {"OWNER"}, {"KB", Align::right}, {"PAUSED"}});
    for (const auto& business : businesses) {
        table.add_row({display_value(business.value("id", nlohmann::json())),
                       fit_cell(display_value(business.value("name", nlohmann::json())), k_text_cell_width),
                       display_value(business.value("number", nlohmann::json())),
                       display_value(business.value("owner", nlohmann::json())),
                       display_value(business.value("knowledge_count", nlohmann::json())),
                       display_value(business.value("paused", nlohmann::json()))});
    }
    fmt::print("{}", table.render());
}

void print_business(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& business = reply_arguments(reply).value("business", nlohmann::json::object());
    // The protocol's field order reads better than the alphabetical order JSON objects come in.
    static const char* const k_order[] = {
        "id",    "name",     "number",   "owner",           "shared",     "paused",    "greeting",
        "hours", "timezone", "fallback", "knowledge_count", "created_at", "updated_at"};
    KeyValues pairs;
    for (const char* key : k_order) {
        if (business.contains(key)) {
            pairs.emplace_back(key, display_value(business[key]));
        }
    }
    for (const auto& [key, value] : business.items()) {
        if (std::find(std::begin(k_order), std::end(k_order), key) == std::end(k_order)) {
            pairs.emplace_back(key, display_value(value));
        }
    }
    fmt::print("{}", render_key_values(pairs));
}

std::string stats_count(const nlohmann::json& arguments, const char* key) {
    return display_value(arguments.value(key, nlohmann::json()));
}

std::string stats_milliseconds(const nlohmann::json& arguments, const char* key) {
    auto value = arguments.value(key, nlohmann::json());
    return value.is_number() ? fmt::format("{:.0f} ms", value.get<double>()) : display_value(value);
}

// The questions that got the fallback, one per line under each other: what the knowledge base lacks. Each
// is cut to one line (fit_cell turns line breaks into spaces), so the list stays a list.
std::string recent_unanswered(const nlohmann::json& arguments) {
    std::string lines;
    for (const auto& question : arguments.value("recent_unanswered", nlohmann::json::array())) {
        lines += (lines.empty() ? "" : "\n") + fmt::format("- {}", fit_cell(display_value(question), 100));
    }
    return lines.empty() ? "-" : lines;
}

std::string dollars(const nlohmann::json& arguments, const char* key) {
    auto value = arguments.value(key, nlohmann::json());
    return value.is_number() ? fmt::format("${:.4f}", value.get<double>()) : std::string("-");
}

// "$0.0123 (chat $0.0120, embeddings $0.0003)"; the total alone from an sbcd that sends no split.
std::string estimated_cost(const nlohmann::json& arguments) {
    std::string total = dollars(arguments, "estimated_cost_usd");
    if (!arguments.contains("chat_cost_usd") || !arguments.contains("embedding_cost_usd")) {
        return total;
    }
    return fmt::format("{} (chat {}, embeddings {})", total, dollars(arguments, "chat_cost_usd"),
                       dollars(arguments, "embedding_cost_usd"));
}

void print_business_stats(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& arguments = reply_arguments(reply);
    KeyValues pairs = {
        {"total queries", stats_count(arguments, "total_queries")},
        {"answered", stats_count(arguments, "answered")},
        {"unanswered", stats_count(arguments, "unanswered")},
        {"knowledge base size", stats_count(arguments, "knowledge_base_size")},
        {"messages sent", stats_count(arguments, "messages_sent")},
        {"messages failed", stats_count(arguments, "messages_failed")},
        {"messages pending", stats_count(arguments, "messages_pending")},
        {"avg response", stats_milliseconds(arguments, "avg_response_ms")},
        {"p95 response", stats_milliseconds(arguments, "p95_response_ms")},
        {"LLM calls", stats_count(arguments, "llm_calls")},
        {"LLM failures", stats_count(arguments, "llm_failures")},
        {"prompt tokens", stats_count(arguments, "prompt_tokens")},
        {"completion tokens", stats_count(arguments, "completion_tokens")},
        {"embedding calls", stats_count(arguments, "embedding_calls")},
        {"embedding failures", stats_count(arguments, "embedding_failures")},
        {"embedding tokens", stats_count(arguments, "embedding_tokens")},
        {"estimated cost", estimated_cost(arguments)},
        {"rating question", arguments.value("satisfaction_survey", false) ? "on" : "off"},
        {"ratings", stats_count(arguments, "ratings")},
        {"customer satisfaction",
         arguments.contains("customer_satisfaction") && arguments["customer_satisfaction"].is_number()
             ? fmt::format("{:.1f} / 5", arguments["customer_satisfaction"].get<double>())
             : std::string("-")},
        {"recent unanswered", recent_unanswered(arguments)},
    };
    fmt::print("{}", render_key_values(pairs));
}

struct IdArgument {
    std::string id;
};

CLI::Option* add_id_argument(CLI::App& command, std::string& id) {
    return command.add_option("id", id, "the business's id")->required();
}

} // namespace

CommandAction define_business_register(CLI::App& command, const GlobalOptions& options,
                                       std::string_view daemon_command) {
    struct Options {
        BusinessSettings settings;
        std::optional<std::string> id;
        bool shared = false;
    };
    auto o = std::make_shared<Options>();
    add_settings_options(command, o->settings, true);
    command.add_option("--id", o->id, "the business's id (default: made from the name, e.g. pizza-palace)");
    command.add_flag("--shared", o->shared, "the number may be shared with other --shared businesses");
    return [o, &options, daemon_command] {
        nlohmann::json arguments = nlohmann::json::object();
        put_settings(arguments, o->settings);
        put_if_set(arguments, "id", o->id);
        if (o->shared) {
            arguments["shared"] = true;
        }
        return run_request(options, daemon_command, std::move(arguments));
    };
}

CommandAction define_business_list(CLI::App&, const GlobalOptions& options, std::string_view daemon_command) {
    return [&options, daemon_command] {
        return run_request(options, daemon_command, nlohmann::json::object(), print_business_table);
    };
}

CommandAction define_business_show(CLI::App& command, const GlobalOptions& options,
                                   std::string_view daemon_command) {
    auto o = std::make_shared<IdArgument>();
    add_id_argument(command, o->id);
    return [o, &options, daemon_command] {
        return run_request(options, daemon_command, {{"id", o->id}}, print_business);
    };
}

CommandAction define_business_update(CLI::App& command, const GlobalOptions& options,
                                     std::string_view daemon_command) {
    struct Options {
        std::string id;
        BusinessSettings settings;
        CLI::Option* shared = nullptr;
        CLI::Option* not_shared = nullptr;
        CLI::Option* pause = nullptr;
        CLI::Option* resume = nullptr;
        CLI::Option* llm_on = nullptr;
        CLI::Option* llm_off = nullptr;
        std::optional<std::string> tone;
        CLI::Option* survey_on = nullptr;
        CLI::Option* survey_off = nullptr;
    };
    auto o = std::make_shared<Options>();
    add_id_argument(command, o->id);
    add_settings_options(command, o->settings, false);
    o->shared =
        command.add_flag("--shared")->description("let other --shared businesses use the same number");
    o->not_shared = command.add_flag("--no-shared")
                        ->description("make the number this business's alone")
                        ->excludes(o->shared);
    o->pause =
        command.add_flag("--pause")->description("stop answering customers (owner commands still work)");
    o->resume = command.add_flag("--resume")->description("answer customers again")->excludes(o->pause);
    o->llm_on = command.add_flag("--llm")->description(
        "compose answers with the LLM provider (sbcd needs openai.chat_model)");
    o->llm_off = command.add_flag("--no-llm")
                     ->description("answer with the built-in answerer only")
                     ->excludes(o->llm_on);
    command.add_option("--tone", o->tone, "how LLM answers should sound, e.g. \"warm and brief\"");
    o->survey_on = command.add_flag("--satisfaction")
                       ->description("ask customers to rate a conversation 1-5 once it has gone quiet "
                                     "(satisfaction.quiet_seconds; inside the 24-hour window only)");
    o->survey_off = command.add_flag("--no-satisfaction")
                        ->description("do not ask customers for ratings (the default)")
                        ->excludes(o->survey_on);
    return [o, &options, daemon_command] {
        nlohmann::json arguments = {{"id", o->id}};
        put_settings(arguments, o->settings);
        put_if_set(arguments, "shared", switch_value(o->shared, o->not_shared));
        put_if_set(arguments, "paused", switch_value(o->pause, o->resume));
        put_if_set(arguments, "llm", switch_value(o->llm_on, o->llm_off));
        put_if_set(arguments, "tone", o->tone);
        put_if_set(arguments, "satisfaction", switch_value(o->survey_on, o->survey_off));
        if (arguments.size() == 1) {
            return report_failure(options,
                                  Error{k_exit_usage, "nothing to update: give at least one setting, e.g. "
                                                      "--name or --pause (sbcctl business update --help)"});
        }
        return run_request(options, daemon_command, std::move(arguments));
    };
}

CommandAction define_business_remove(CLI::App& command, const GlobalOptions& options,
                                     std::string_view daemon_command) {
    auto o = std::make_shared<IdArgument>();
    add_id_argument(command, o->id);
    return [o, &options, daemon_command] { return run_request(options, daemon_command, {{"id", o->id}}); };
}

CommandAction define_business_stats(CLI::App& command, const GlobalOptions& options,
                                    std::string_view daemon_command) {
    auto o = std::make_shared<IdArgument>();
    add_id_argument(command, o->id);
    return [o, &options, daemon_command] {
        return run_request(options, daemon_command, {{"id", o->id}}, print_business_stats);
    };
}

} // namespace sbc::cli
