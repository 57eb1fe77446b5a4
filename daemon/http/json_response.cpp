#include "daemon/http/json_response.hpp"

#include <httplib.h>

namespace sbc::http {

void send_json(httplib::Response& res, const nlohmann::json& body, int status) {
    res.status = status;
    res.set_content(body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "application/json");
}

} // namespace sbc::http
