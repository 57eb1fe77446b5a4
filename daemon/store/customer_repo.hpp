#pragma once
// Customers as each business sees them: their 24-hour window, opt-out, rate-limit notices; and which business
// a customer chose on a shared number.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace sbc::store {

struct Customer {
    std::int64_t business_rowid = 0;
    std::string phone;
    std::string profile_name;
    std::optional<std::int64_t> last_inbound_at;
    bool opted_out = false;
    std::optional<std::int64_t> rate_notice_at;
};

std::optional<Customer> find_customer(Database& db, std::int64_t business_rowid, std::string_view phone);
// Records an inbound message from the customer: opens or refreshes their 24-hour window.
void touch_customer(Database& db, std::int64_t business_rowid, std::string_view phone,
                    std::string_view profile_name, std::int64_t now_ms);
void set_opted_out(Database& db, std::int64_t business_rowid, std::string_view phone, bool opted_out);
void set_rate_notice(Database& db, std::int64_t business_rowid, std::string_view phone, std::int64_t at_ms);

// Inbound messages of a kind from this customer to this business since `since_ms`, counted up to `cap` (a
// rate limit only needs to know whether the limit is reached, and counting stops there).
std::int64_t count_inbound(Database& db, std::int64_t business_rowid, std::string_view phone,
                           std::string_view kind, std::int64_t since_ms, std::int64_t cap);
// Inbound messages of a kind to any business since `since_ms`, counted up to `cap`.
std::int64_t count_all_inbound(Database& db, std::string_view kind, std::int64_t since_ms, std::int64_t cap);

// The business a customer picked on a shared number; nullopt when they have not picked (or it was removed).
std::optional<std::int64_t> chosen_business(Database& db, std::string_view number, std::string_view phone);
void choose_business(Database& db, std::string_view number, std::string_view phone,
                     std::optional<std::int64_t> business_rowid, std::int64_t now_ms);

} // namespace sbc::store
