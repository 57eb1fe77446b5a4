#include "daemon/http/admin_api.hpp"

#include "common/protocol.hpp"
#include "daemon/http/json_response.hpp"

#include <cstdio>
#include <httplib.h>
#include <initializer_list>
#include <optional>

namespace sbc::http {
namespace {

int http_status_for(int result) {
    switch (result) {
    case protocol::k_ok:
        return 200;
    case protocol::k_not_found:
        return 404;
    case protocol::k_conflict:
        return 409;
    case protocol::k_invalid:
        return 400;
    default:
        return 500;
    }
}

// A failed control response as the API's error document; true when it was one.
bool send_if_failed(httplib::Response& res, const nlohmann::json& response) {
    int result = response.value("result", static_cast<int>(protocol::k_error));
    if (result == protocol::k_ok) {
        return false;
    }
    send_json(res, {{"success", false}, {"error", response.value("text", "")}}, http_status_for(result));
    return true;
}

// The request body as a JSON object, or a 400 sent and nullopt.
std::optional<nlohmann::json> json_body(const httplib::Request& req, httplib::Response& res) {
    auto body = nlohmann::json::parse(req.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) {
        send_json(res, {{"success", false}, {"error", "the body must be a JSON object"}}, 400);
        return std::nullopt;
    }
    return body;
}

// Copies the string fields the API names in camelCase (or sbcctl's names) into control arguments.
// A field of another type is passed on as it is, so the control command refuses it with its own message.
void copy_fields(const nlohmann::json& body, nlohmann::json& arguments,
                 std::initializer_list<std::pair<const char*, const char*>> names) {
    for (const auto& [api, control] : names) {
        if (body.contains(api)) {
            arguments[control] = body[api];
        }
    }
}

// "1.2s" as the seed API shows it, from sbc's average in milliseconds; null when nothing was answered yet.
nlohmann::json response_time(const nlohmann::json& stats) {
    auto ms = stats.value("avg_response_ms", nlohmann::json());
    if (!ms.is_number() || stats.value("answered", 0) == 0) {
        return nullptr;
    }
    char text[32];
    std::snprintf(text, sizeof text, "%.1fs", ms.get<double>() / 1000.0);
    return text;
}

} // namespace

bool AdminApi::authorized(const std::string& token, std::string_view authorization) {
    constexpr std::string_view k_scheme = "Bearer ";
    if (token.empty() || authorization.substr(0, k_scheme.size()) != k_scheme) {
        return false;
    }
    std::string_view given = authorization.substr(k_scheme.size());
    unsigned char diff = given.size() == token.size() ? 0 : 1;
    for (std::size_t i = 0; i < token.size(); ++i) {
        diff |= static_cast<unsigned char>(token[i] ^ (i < given.size() ? given[i] : 0));
    }
    return diff == 0;
}

void AdminApi::add_routes(httplib::Server& s) const {
    // Every handler first checks the token; the call it makes is the control command sbcctl would send.
    auto guarded = [this](auto handler) {
        return [this, handler](const httplib::Request& req, httplib::Response& res) {
            std::string token = m_token();
            if (token.empty()) {
                send_json(res,
                          {{"success", false},
                           {"error",
                            "the admin API is off: set admin.api_token (SBC_ADMIN_TOKEN) and reload sbcd"}},
                          404);
                return;
            }
            if (!authorized(token, req.get_header_value("Authorization"))) {
                res.set_header("WWW-Authenticate", "Bearer");
                send_json(res,
                          {{"success", false},
                           {"error",
                            "missing or wrong admin token (send Authorization: Bearer <admin.api_token>)"}},
                          401);
                return;
            }
            handler(req, res);
        };
    };
    s.Post("/api/businesses/register", guarded([this](const httplib::Request& req, httplib::Response& res) {
               auto body = json_body(req, res);
               if (!body) {
                   return;
               }
               nlohmann::json arguments = nlohmann::json::object();
               copy_fields(*body, arguments,
                           {{"businessName", "name"},
                            {"whatsappNumber", "number"},
                            {"ownerPhone", "owner"},
                            {"id", "id"},
                            {"greeting", "greeting"},
                            {"hours", "hours"},
                            {"timezone", "timezone"},
                            {"fallback", "fallback"}});
               auto response = m_call("business-register", arguments);
               if (send_if_failed(res, response)) {
                   return;
               }
               const auto& a = response["arguments"];
               bool created = a.value("status", "") == "created";
               send_json(res,
                         {{"success", true},
                          {"status", a.value("status", "")},
                          {"businessId", a["business"].value("id", "")},
                          {"business", a["business"]}},
                         created ? 201 : 200);
           }));
    s.Get("/api/businesses", guarded([this](const httplib::Request&, httplib::Response& res) {
              auto response = m_call("business-list", nlohmann::json::object());
              if (!send_if_failed(res, response)) {
                  send_json(res, {{"businesses", response["arguments"]["businesses"]}}, 200);
              }
          }));
    s.Get(R"(/api/businesses/([a-z0-9-]+))",
          guarded([this](const httplib::Request& req, httplib::Response& res) {
              std::string id = req.matches[1];
              auto shown = m_call("business-show", {{"id", id}});
              if (send_if_failed(res, shown)) {
                  return;
              }
              auto stats = m_call("business-stats", {{"id", id}});
              if (send_if_failed(res, stats)) {
                  return;
              }
              const auto& st = stats["arguments"];
              send_json(res,
                        {{"businessId", id},
                         {"business", shown["arguments"]["business"]},
                         {"metrics",
                          {{"totalQueries", st.value("total_queries", 0)},
                           {"responseTime", response_time(st)},
                           {"customerSatisfaction", st.value("customer_satisfaction", nlohmann::json())},
                           {"knowledgeBaseSize", st.value("knowledge_base_size", 0)}}}},
                        200);
          }));
    s.Get(R"(/api/businesses/([a-z0-9-]+)/knowledge)",
          guarded([this](const httplib::Request& req, httplib::Response& res) {
              nlohmann::json arguments = {{"business", std::string(req.matches[1])}};
              for (const char* key : {"limit", "offset"}) {
                  if (req.has_param(key)) {
                      auto value = req.get_param_value(key);
                      auto n = nlohmann::json::parse(value, nullptr, false);
                      arguments[key] = n.is_number_integer() ? n : nlohmann::json(value);
                  }
              }
              auto response = m_call("kb-list", arguments);
              if (!send_if_failed(res, response)) {
                  send_json(res,
                            {{"entries", response["arguments"]["entries"]},
                             {"total", response["arguments"]["total"]}},
                            200);
              }
          }));
    s.Post(R"(/api/businesses/([a-z0-9-]+)/knowledge)",
           guarded([this](const httplib::Request& req, httplib::Response& res) {
               auto body = json_body(req, res);
               if (!body) {
                   return;
               }
               nlohmann::json arguments = {{"business", std::string(req.matches[1])}};
               copy_fields(*body, arguments, {{"text", "text"}, {"tags", "tags"}, {"source", "source"}});
               auto response = m_call("kb-add", arguments);
               if (!send_if_failed(res, response)) {
                   send_json(res, {{"success", true}, {"entry", response["arguments"]["entry"]}}, 201);
               }
           }));
    s.Delete(R"(/api/businesses/([a-z0-9-]+)/knowledge/([0-9]{1,18}))",
             guarded([this](const httplib::Request& req, httplib::Response& res) {
                 auto response = m_call("kb-remove", {{"business", std::string(req.matches[1])},
                                                      {"number", std::stoll(req.matches[2])}});
                 if (!send_if_failed(res, response)) {
                     send_json(res, {{"success", true}, {"entry", response["arguments"]["entry"]}}, 200);
                 }
             }));
}

} // namespace sbc::http
