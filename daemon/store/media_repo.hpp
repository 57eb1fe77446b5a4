#pragma once
// Media rows: one per file an inbound message carried. Written pending with the message, in its transaction;
// the downloader then records the file it stored (a generated name relative to <data_dir>/media) or why it
// could not. A business's answer to customers' media and its owner-notification switch live here too.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

struct Media {
    std::int64_t id = 0;
    std::int64_t message_id = 0;
    std::int64_t business_rowid = 0;
    int position = 0; // N of MediaUrl{N}
    std::string url;
    std::string content_type;
    std::string state = "pending";   // pending, stored, failed, missing
    std::optional<std::string> file; // "<business rowid>/<32 hex>.<ext>", once stored
    std::optional<std::int64_t> bytes;
    std::int64_t attempts = 0;
    std::int64_t next_attempt_at = 0;
    std::optional<std::string> last_error;
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    // Joined from the message, for lists.
    std::string customer;
    std::optional<std::string> message_sid;
};

// Inserts a media row (pending and due now, or failed when `error` is given). Returns its id.
std::int64_t insert_media(Database& db, Media& media);
// Pending rows due at `now_ms`, oldest first.
std::vector<Media> due_media(Database& db, std::int64_t now_ms, int limit);
// The earliest next_attempt_at of a pending row.
std::optional<std::int64_t> next_media_due(Database& db);
void record_media_stored(Database& db, std::int64_t id, const std::string& file, std::int64_t bytes,
                         const std::string& content_type, std::int64_t now_ms);
void record_media_retry(Database& db, std::int64_t id, std::int64_t attempts, std::int64_t next_at_ms,
                        const std::string& error, std::int64_t now_ms);
void record_media_failed(Database& db, std::int64_t id, std::int64_t attempts, const std::string& error,
                         std::int64_t now_ms);
// Marks stored rows whose file is gone (a crash, or someone deleted it): state missing. Returns how many.
int mark_media_missing(Database& db, const std::vector<std::int64_t>& ids, std::int64_t now_ms);

std::optional<Media> find_media(Database& db, std::int64_t id);
// Every stored row's file name (what the start-up sweep keeps).
std::vector<std::pair<std::int64_t, std::string>> stored_media_files(Database& db);
// A business's media, newest first (every business when rowid is nullopt).
std::vector<Media> list_media(Database& db, std::optional<std::int64_t> business_rowid, int limit);
// Bytes of stored files of a business (the quota): its media and the photos kept with its entries.
std::int64_t stored_media_bytes(Database& db, std::int64_t business_rowid);
// Stored customers' media (not the owner's) created before `before_ms` (retention).
std::vector<Media> customer_media_created_before(Database& db, std::int64_t before_ms, int limit);
bool delete_media(Database& db, std::int64_t id);
// Puts a media failure on the row of the message that carried it, where `sbcctl logs` shows it; `final`
// also sets the message's status to media-failed.
void note_media_failure(Database& db, std::int64_t message_id, bool final, const std::string& error,
                        std::int64_t now_ms);

struct MediaSettings {
    std::string reply; // empty: the default answer
    bool notify_owner = false;
};
MediaSettings media_settings(Database& db, std::int64_t business_rowid);
void set_media_settings(Database& db, std::int64_t business_rowid, const MediaSettings& settings);

} // namespace sbc::store
