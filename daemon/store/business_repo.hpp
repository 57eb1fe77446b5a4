#pragma once
// Businesses in the database. Functions take the connection they run on: the writer's inside Store::write, a
// reader's inside Store::read. Validation of user input happens before these are called.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

struct Business {
    std::int64_t rowid = 0;
    std::string id; // the slug users type
    std::string name;
    std::string number; // E.164
    std::string owner;  // E.164
    bool shared = false;
    bool paused = false;
    std::string greeting;
    std::string hours;
    std::string timezone = "UTC";
    std::string fallback;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
};

std::optional<Business> find_business(Database& db, std::string_view slug);
std::optional<Business> find_business_by_rowid(Database& db, std::int64_t rowid);
// Every business answering on a WhatsApp number (several when the number is shared), ordered by rowid.
std::vector<Business> businesses_on_number(Database& db, std::string_view number);
// Whether any business is on the number (cheaper than reading them).
bool number_registered(Database& db, std::string_view number);
std::vector<Business> list_businesses(Database& db);
std::int64_t count_businesses(Database& db);

// Inserts and returns the rowid; sets created_at/updated_at to now.
std::int64_t insert_business(Database& db, Business& business);
// Writes every field of an existing business (by rowid) and bumps updated_at.
void update_business(Database& db, Business& business);
// Deletes the business; its knowledge goes with it (ON DELETE CASCADE).
void delete_business(Database& db, std::int64_t rowid);

} // namespace sbc::store
