// sbcctl usage [--month YYYY-MM] [--business ID] [--csv]: messages, chat and embedding tokens, estimated cost
// per business.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>
#include <memory>

namespace sbc::cli {
namespace {

void print_usage_table(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& a = reply_arguments(reply);
    Table table({{"BUSINESS"},
                 {"IN", Align::right},
                 {"OUT", Align::right},
                 {"CHAT TOKENS", Align::right},
                 {"EMBEDDING TOKENS", Align::right},
                 {fmt::format("COST ({})", a.value("currency", "")), Align::right}});
    auto add = [&](const std::string& name, const nlohmann::json& row) {
        table.add_row({name, display_value(row.value("messages_in", nlohmann::json())),
                       display_value(row.value("messages_out", nlohmann::json())),
                       display_value(row.value("llm_tokens", nlohmann::json())),
                       display_value(row.value("embedding_tokens", nlohmann::json())),
                       display_value(row.value("cost", nlohmann::json()))});
    };
    for (const auto& row : a.value("businesses", nlohmann::json::array())) {
        add(row.value("business", ""), row);
    }
    add("total", a.value("total", nlohmann::json::object()));
    fmt::print("{}", table.render());
}

// RFC 4180: quoted when it holds a comma, quote or line break.
std::string csv_field(const std::string& value) {
    if (value.find_first_of(",\"\r\n") == std::string::npos) {
        return value;
    }
    std::string out = "\"";
    for (char c : value) {
        out += c == '"' ? "\"\"" : std::string(1, c);
    }
    return out + "\"";
}

void print_usage_csv(const nlohmann::json& reply) {
    const auto& a = reply_arguments(reply);
    // embedding_tokens comes last, so that a spreadsheet reading the older columns by position still works.
    fmt::print("month,business,name,messages_in,messages_out,llm_tokens,cost,currency,embedding_tokens\n");
    for (const auto& row : a.value("businesses", nlohmann::json::array())) {
        fmt::print("{},{},{},{},{},{},{},{},{}\n", a.value("month", ""), csv_field(row.value("business", "")),
                   csv_field(row.value("name", "")), row.value("messages_in", 0LL),
                   row.value("messages_out", 0LL), row.value("llm_tokens", 0LL), row.value("cost", ""),
                   csv_field(a.value("currency", "")), row.value("embedding_tokens", 0LL));
    }
}

} // namespace

CommandAction define_usage(CLI::App& command, const GlobalOptions& options, std::string_view daemon_command) {
    struct Options {
        std::optional<std::string> month, business;
        bool csv = false;
    };
    auto o = std::make_shared<Options>();
    command.add_option("--month", o->month, "the calendar month, UTC, as YYYY-MM (default: this month)");
    command.add_option("--business", o->business, "only this business");
    command.add_flag("--csv", o->csv, "print CSV (one line per business, with a header) for a spreadsheet");
    return [o, &options, daemon_command] {
        nlohmann::json arguments = nlohmann::json::object();
        put_if_set(arguments, "month", o->month);
        put_if_set(arguments, "business", o->business);
        return run_request(options, daemon_command, std::move(arguments),
                           o->csv ? HumanPrinter(print_usage_csv) : HumanPrinter(print_usage_table));
    };
}

} // namespace sbc::cli
