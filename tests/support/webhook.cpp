#include "tests/support/webhook.hpp"

#include "daemon/twilio/signature.hpp"

#include <fmt/format.h>
#include <httplib.h>
#include <sqlite3.h>
#include <thread>

namespace sbc::test {
namespace {

HttpResult send(int port, const std::string& path, const std::string& body, const std::string& content_type,
                const httplib::Headers& headers) {
    httplib::Client client("127.0.0.1", port);
    client.set_connection_timeout(5);
    client.set_read_timeout(20);
    auto res = client.Post(path.c_str(), headers, body, content_type.c_str());
    if (!res) {
        return {};
    }
    return HttpResult{res->status, res->body, res->get_header_value("Content-Type")};
}

} // namespace

HttpResult post_form(int port, const std::string& path, const http::FormParams& params,
                     const std::string& token, const std::string& signature_override) {
    httplib::Headers headers;
    if (!signature_override.empty()) {
        headers.emplace("X-Twilio-Signature", signature_override);
    } else if (!token.empty()) {
        headers.emplace("X-Twilio-Signature", twilio::compute_signature(token, k_public_base + path, params));
    }
    return send(port, path, http::encode_form(params), "application/x-www-form-urlencoded", headers);
}

HttpResult post_raw(int port, const std::string& path, const std::string& body,
                    const std::string& content_type, const std::string& signature) {
    httplib::Headers headers;
    if (!signature.empty()) {
        headers.emplace("X-Twilio-Signature", signature);
    }
    return send(port, path, body, content_type, headers);
}

HttpResult get(int port, const std::string& path) {
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get(path.c_str());
    if (!res) {
        return {};
    }
    return HttpResult{res->status, res->body, res->get_header_value("Content-Type")};
}

http::FormParams inbound_message(const std::string& sid, const std::string& from, const std::string& to,
                                 const std::string& body) {
    http::FormParams p;
    p.add("AccountSid", "AC0123456789abcdef0123456789abcdef");
    p.add("ApiVersion", "2010-04-01");
    p.add("Body", body);
    p.add("From", "whatsapp:" + from);
    p.add("MessageSid", sid);
    p.add("NumMedia", "0");
    p.add("NumSegments", "1");
    p.add("ProfileName", "Test Customer");
    p.add("SmsMessageSid", sid);
    p.add("SmsSid", sid);
    p.add("SmsStatus", "received");
    p.add("To", "whatsapp:" + to);
    p.add("WaId", from.substr(1));
    return p;
}

std::string make_sid(int n) {
    return fmt::format("SM{:032x}", n);
}

bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (condition()) {
            return true;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return condition();
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

std::string query_one(const std::string& db_path, const std::string& sql) {
    sqlite3* db = nullptr;
    if (sqlite3_open_v2(db_path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        sqlite3_close(db);
        throw std::runtime_error("cannot open " + db_path);
    }
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
        std::string error = sqlite3_errmsg(db);
        sqlite3_close(db);
        throw std::runtime_error("bad test query: " + error);
    }
    std::string out;
    if (sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_type(stmt, 0) != SQLITE_NULL) {
        out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
}

long long query_int(const std::string& db_path, const std::string& sql) {
    auto text = query_one(db_path, sql);
    return text.empty() ? 0 : std::stoll(text);
}

} // namespace sbc::test
