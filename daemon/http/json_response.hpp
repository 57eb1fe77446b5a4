#pragma once
// A JSON answer, as the status pages and the admin API send it.

#include <nlohmann/json.hpp>

namespace httplib {
struct Response;
}

namespace sbc::http {

// Sets `res` to `body` as application/json with `status`. Invalid UTF-8 in a string (a business name typed
// that way, a stored message) becomes U+FFFD rather than an exception halfway through an answer.
void send_json(httplib::Response& res, const nlohmann::json& body, int status = 200);

} // namespace sbc::http
