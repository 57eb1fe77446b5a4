// sbcctl webhook check: the URL Twilio must be configured with for each business number, and what sbcd saw
// on the last webhooks it refused for their signature. Exit status 1 when it finds a problem.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>

namespace sbc::cli {
namespace {

void print_webhook_check(const nlohmann::json& reply) {
    const auto& a = reply_arguments(reply);
    fmt::print("Configure these in the Twilio console (\"When a message comes in\", HTTP POST):\n");
    Table table({{"BUSINESS"}, {"NUMBER"}, {"WEBHOOK URL"}});
    for (const auto& n : a.value("numbers", nlohmann::json::array())) {
        table.add_row(
            {n.value("business", ""), "whatsapp:" + n.value("number", ""), n.value("inbound_url", "")});
    }
    if (table.empty()) {
        fmt::print("  (no business registered yet)\n");
    } else {
        fmt::print("{}", table.render());
    }
    fmt::print("status callbacks (sbcd asks for them on each reply): {}\n",
               a.value("status_callback_url", ""));
    fmt::print("signature check: {}\n", a.value("signature_check", ""));
    auto rejected = a.value("rejected", nlohmann::json::array());
    if (rejected.empty()) {
        fmt::print("refused signatures under this configuration: none\n");
    } else {
        fmt::print("refused signatures under this configuration, newest first:\n");
        for (const auto& r : rejected) {
            fmt::print("  {} {}\n", r.value("at", ""), r.value("diagnosis", ""));
        }
    }
    for (const auto& problem : a.value("problems", nlohmann::json::array())) {
        fmt::print("PROBLEM: {}\n", problem.get<std::string>());
    }
    if (a.value("problems", nlohmann::json::array()).empty()) {
        fmt::print("ok: {}\n", reply_text(reply));
    }
}

} // namespace

CommandAction define_webhook_check(CLI::App& command, const GlobalOptions& options,
                                   std::string_view daemon_command) {
    auto business = std::make_shared<std::optional<std::string>>();
    command.add_option("--business", *business, "only this business's number (default: every business's)");
    return [business, &options, daemon_command] {
        nlohmann::json arguments = nlohmann::json::object();
        if (*business) {
            arguments["business"] = **business;
        }
        auto client = ControlClient::connect(options.socket, options.timeout());
        if (!client) {
            return report_failure(options, client.error());
        }
        auto reply = client->call(protocol::make_request(daemon_command, std::move(arguments)));
        if (!reply) {
            return report_failure(options, reply.error());
        }
        int code = report_reply(options, *reply, print_webhook_check);
        bool problems = !reply_arguments(*reply).value("problems", nlohmann::json::array()).empty();
        return code == k_exit_ok && problems ? k_exit_error : code;
    };
}

} // namespace sbc::cli
