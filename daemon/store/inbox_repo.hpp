#pragma once
// The inbox: webhooks acknowledged once stored as they came, to be classified and answered right after, in
// arrival order (see pipeline::InboxDrain). Under a burst this is all the writer does per webhook before the
// acknowledgement: one row, instead of the message, customer, reply and outbox rows of a handled message.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbc::store {

struct InboxRow {
    std::int64_t id = 0;
    std::string message_sid;
    std::string from; // E.164
    std::string to;   // E.164
    std::string body;
    std::string profile_name;
    int num_media = 0;
    std::vector<std::pair<std::string, std::string>> media; // URL and declared content type
    std::int64_t received_at = 0;
    // Set by next_inbox when the stored row cannot be read back (a damaged database): the row fails, and is
    // set aside after a few attempts instead of stopping the rows behind it.
    std::optional<std::string> unreadable;
};

// Stores the webhook; false when a row with its MessageSid is there already (Twilio retried it).
bool insert_inbox(Database& db, InboxRow& row);
// Whether a webhook is waiting: a message arriving now must wait behind it, to keep each customer's order.
bool inbox_waiting(Database& db);
// Rows waiting to be handled, and rows set aside by set_inbox_failed.
struct InboxCounts {
    std::int64_t waiting = 0;
    std::int64_t set_aside = 0;
};
InboxCounts count_inbox(Database& db);
// The oldest `limit` waiting rows, oldest first; rows set aside by set_inbox_failed are skipped.
std::vector<InboxRow> next_inbox(Database& db, int limit);
// False when the row was taken already.
bool delete_inbox(Database& db, std::int64_t id);
// Sets a row aside that could not be handled, with why: it stays for the sysadmin and no longer holds up
// the messages behind it.
void set_inbox_failed(Database& db, std::int64_t id, std::string_view error, std::int64_t now_ms);

} // namespace sbc::store
