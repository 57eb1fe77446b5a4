#pragma once
// The seed deployment's admin REST API (/api/businesses...), for scripts that use curl. It is a thin HTTP
// face on the control commands: every call becomes one control request (business-register, kb-add, ...)
// handed to `call`, so validation, idempotency and the audit log are exactly sbcctl's. Off unless an admin
// token is configured; then every call needs "Authorization: Bearer <token>", compared in constant time.

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace httplib {
class Server;
}

namespace sbc::http {

// Runs one control command and returns the control protocol's response {result, text, arguments}.
using ControlCall = std::function<nlohmann::json(std::string_view command, nlohmann::json arguments)>;

// The admin token in force; read on every call so that a SIGHUP can set, change or clear it.
using TokenSource = std::function<std::string()>;

class AdminApi {
  public:
    AdminApi(TokenSource token, ControlCall call) : m_token(std::move(token)), m_call(std::move(call)) {}

    // Adds the /api/businesses routes to the server. While no token is configured they answer 404.
    void add_routes(httplib::Server& server) const;

    // True when `authorization` is "Bearer <token>" and token is not empty; the comparison takes the same
    // time for every wrong token of a given length, and the length is compared without an early return.
    static bool authorized(const std::string& token, std::string_view authorization);

  private:
    TokenSource m_token;
    ControlCall m_call;
};

} // namespace sbc::http
