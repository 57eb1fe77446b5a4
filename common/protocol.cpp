#include "common/protocol.hpp"

namespace sbc::protocol {

std::string_view result_name(int code) {
    switch (code) {
    case k_ok:
        return "ok";
    case k_error:
        return "error";
    case k_unsupported:
        return "unsupported";
    case k_not_found:
        return "not-found";
    case k_conflict:
        return "conflict";
    case k_invalid:
        return "invalid";
    default:
        return "unknown";
    }
}

nlohmann::json make_request(std::string_view command, nlohmann::json arguments) {
    return {{std::string(k_command), command}, {std::string(k_arguments), std::move(arguments)}};
}

nlohmann::json make_response(int result, std::string text, nlohmann::json arguments) {
    return {{std::string(k_result), result},
            {std::string(k_text), std::move(text)},
            {std::string(k_arguments), std::move(arguments)}};
}

} // namespace sbc::protocol
