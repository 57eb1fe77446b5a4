#pragma once
// Checking Twilio credentials without sending anything: GET /2010-04-01/Accounts/{sid}.json, which answers
// 200 with the account's status for a valid SID and auth token, 401 otherwise (sbcctl doctor).

#include <string>

namespace sbc::twilio {

struct AccountCheck {
    enum class Verdict { ok, warn, fail };
    Verdict verdict = Verdict::fail;
    int http_status = 0; // 0 when no answer came back
    std::string detail;  // what was found, never containing the auth token
    std::string fix;     // what to do about it; empty when ok
};

// One GET with Basic auth against `api_base_url` (https://api.twilio.com, or a fake in tests), within
// `timeout_ms`. Never throws for network or HTTP failures: they are the verdict.
AccountCheck check_account(const std::string& api_base_url, const std::string& account_sid,
                           const std::string& auth_token, long timeout_ms);

} // namespace sbc::twilio
