#include "daemon/control/dispatch.hpp"

#include "daemon/control/command_table.hpp"
#include "daemon/log/log.hpp"

#include <fmt/format.h>

namespace sbc::control {
namespace {

using protocol::make_response;

nlohmann::json run(const Command& command, const nlohmann::json& arguments, Context& ctx) {
    Arguments args(arguments);
    try {
        Response response = command.handler(ctx, args);
        return make_response(response.result, std::move(response.text), std::move(response.arguments));
    } catch (const CommandError& e) {
        return make_response(e.result, e.text);
    } catch (const std::exception& e) {
        log_error("control", "{} failed: {}", command.name, e.what());
        return make_response(
            protocol::k_error,
            fmt::format("{} failed inside sbcd: {} (see sbcd's log for details)", command.name, e.what()));
    }
}

} // namespace

nlohmann::json dispatch(std::string_view line, Context& ctx) {
    nlohmann::json request = nlohmann::json::parse(line, nullptr, false);
    if (request.is_discarded()) {
        return make_response(protocol::k_invalid,
                             "request is not valid JSON (send one JSON object per line)");
    }
    if (!request.is_object()) {
        return make_response(protocol::k_invalid,
                             "request must be a JSON object with \"command\" and \"arguments\"");
    }
    auto name = request.find(std::string(protocol::k_command));
    if (name == request.end() || !name->is_string()) {
        return make_response(protocol::k_invalid, "request has no \"command\" string");
    }
    for (const auto& [key, value] : request.items()) {
        if (key != protocol::k_command && key != protocol::k_arguments) {
            return make_response(protocol::k_invalid, fmt::format("unknown request key '{}'", key));
        }
    }
    static const nlohmann::json k_empty = nlohmann::json::object();
    const nlohmann::json* arguments = &k_empty;
    if (auto it = request.find(std::string(protocol::k_arguments)); it != request.end() && !it->is_null()) {
        if (!it->is_object()) {
            return make_response(protocol::k_invalid, "\"arguments\" must be a JSON object");
        }
        arguments = &*it;
    }
    const auto& command_name = name->get_ref<const std::string&>();
    const Command* command = find_command(command_name);
    if (command == nullptr) {
        return make_response(protocol::k_unsupported,
                             fmt::format("unknown command '{}' (list-commands shows the supported ones)",
                                         command_name.substr(0, 64)));
    }
    return run(*command, *arguments, ctx);
}

} // namespace sbc::control
