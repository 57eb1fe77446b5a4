#include "cli/request.hpp"

#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "common/protocol.hpp"

#include <fmt/format.h>

namespace sbc::cli {

std::string reply_text(const nlohmann::json& reply) {
    auto text = reply.find(std::string(protocol::k_text));
    return text != reply.end() && text->is_string() ? text->get<std::string>() : std::string();
}

const nlohmann::json& reply_arguments(const nlohmann::json& reply) {
    static const nlohmann::json empty = nlohmann::json::object();
    auto arguments = reply.find(std::string(protocol::k_arguments));
    return arguments != reply.end() && arguments->is_object() ? *arguments : empty;
}

void print_reply_text(const nlohmann::json& reply) {
    if (auto text = reply_text(reply); !text.empty()) {
        fmt::print("{}\n", text);
    }
}

int report_reply(const GlobalOptions& options, const nlohmann::json& reply, const HumanPrinter& print) {
    int result = reply.at(std::string(protocol::k_result)).get<int>();
    if (options.json) {
        fmt::print("{}\n", compact_json(reply));
    } else if (result != protocol::k_ok) {
        std::string text = reply_text(reply);
        fmt::print(stderr, "sbcctl: {}\n", text.empty() ? std::string(protocol::result_name(result)) : text);
    } else {
        print(reply);
    }
    return exit_code_for_result(result);
}

int report_failure(const GlobalOptions& options, const Error& error, nlohmann::json arguments) {
    if (options.json) {
        auto document = protocol::make_response(result_for_local_failure(error.code), error.message,
                                                std::move(arguments));
        fmt::print("{}\n", compact_json(document));
    } else {
        fmt::print(stderr, "sbcctl: {}\n", error.message);
    }
    return error.code;
}

int run_request(const GlobalOptions& options, std::string_view command, nlohmann::json arguments,
                const HumanPrinter& print) {
    auto client = ControlClient::connect(options.socket, options.timeout());
    if (!client) {
        return report_failure(options, client.error());
    }
    auto reply = client->call(protocol::make_request(command, std::move(arguments)));
    if (!reply) {
        return report_failure(options, reply.error());
    }
    return report_reply(options, *reply, print);
}

} // namespace sbc::cli
