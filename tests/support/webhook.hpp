#pragma once
// Posting Twilio-style webhooks to a running sbcd, signed as Twilio would sign them.

#include "daemon/http/form_parser.hpp"

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace sbc::test {

// The public base URL tests configure (WEBHOOK_BASE_URL): signatures are computed against it, not the port.
inline constexpr const char* k_public_base = "https://sbc.example.com";

struct HttpResult {
    int status = 0; // 0: no answer
    std::string body;
    std::string content_type;
};

// POSTs a form to 127.0.0.1:port/path, signed with `token` for k_public_base + path (empty token: unsigned).
HttpResult post_form(int port, const std::string& path, const http::FormParams& params,
                     const std::string& token, const std::string& signature_override = "");
// Any request, for bad-input tests: raw body and content type, with an optional signature header.
HttpResult post_raw(int port, const std::string& path, const std::string& body,
                    const std::string& content_type, const std::string& signature = "");
HttpResult get(int port, const std::string& path);

// The parameters of an inbound WhatsApp message as Twilio posts them.
http::FormParams inbound_message(const std::string& sid, const std::string& from, const std::string& to,
                                 const std::string& body);
// A unique MessageSid: "SM" + 32 hex digits.
std::string make_sid(int n);

// Calls `condition` until it is true or `timeout` passes; returns its last value.
bool wait_until(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(10));

// One value from a read-only query of an SQLite file, as text ("" for NULL or no row).
std::string query_one(const std::string& db_path, const std::string& sql);
// Integer form of query_one.
long long query_int(const std::string& db_path, const std::string& sql);

// Counts what sbcd still has to do for the messages it acknowledged: webhooks not handled yet (inbox),
// questions whose answer is not composed yet (answer_jobs) and replies not yet accepted by Twilio (outbox).
// Zero once everything went out.
inline constexpr const char* k_unfinished_sql = "SELECT (SELECT COUNT(*) FROM inbox) + (SELECT COUNT(*) FROM "
                                                "answer_jobs) + (SELECT COUNT(*) FROM outbox)";

} // namespace sbc::test
