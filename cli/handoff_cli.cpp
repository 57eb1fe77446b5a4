// sbcctl handoffs: the customer questions handed to owners that are still open.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>
#include <memory>

namespace sbc::cli {
namespace {

void print_handoffs(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& list = reply_arguments(reply).value("handoffs", nlohmann::json::array());
    if (list.empty()) {
        return;
    }
    Table table({{"BUSINESS"}, {"#", Align::right}, {"CUSTOMER"}, {"SINCE"}, {"QUESTION"}});
    for (const auto& h : list) {
        table.add_row({display_value(h.value("business", nlohmann::json())),
                       display_value(h.value("number", nlohmann::json())),
                       display_value(h.value("customer", nlohmann::json())),
                       display_value(h.value("created_at", nlohmann::json())),
                       fit_cell(display_value(h.value("question", nlohmann::json(""))), k_text_cell_width)});
    }
    fmt::print("{}", table.render());
}

} // namespace

CommandAction define_handoffs(CLI::App& command, const GlobalOptions& options,
                              std::string_view daemon_command) {
    auto business = std::make_shared<std::optional<std::string>>();
    command.add_option("--business", *business, "only this business's (default: every business's)");
    return [business, &options, daemon_command] {
        nlohmann::json arguments = nlohmann::json::object();
        if (*business) {
            arguments["business"] = **business;
        }
        return run_request(options, daemon_command, std::move(arguments), print_handoffs);
    };
}

} // namespace sbc::cli
