#pragma once
// Attachments of knowledge entries: a stored file (under <data_dir>/media, owned by the entry) sent with the
// entry's answer, and the random token of its public URL (/media/<token>.<ext>). At most one per entry; it
// goes when the entry goes (ON DELETE CASCADE; the file is then collected by the next start-up sweep).

#include "daemon/store/database.hpp"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

struct Attachment {
    std::int64_t entry_rowid = 0;
    std::int64_t business_rowid = 0;
    std::string file; // "<business rowid>/<32 hex>.<ext>", relative to <data_dir>/media
    std::string content_type;
    std::int64_t bytes = 0;
    std::string token; // 32 lower-case hex digits from the OS's random source
    std::int64_t created_at = 0;
};

// "/media/<token>.<ext>": the path sbcd serves the file at, appended to the public base URL.
std::string public_path(const Attachment& attachment);

// Sets the entry's attachment, replacing any; returns the file of the one replaced (for the caller to delete
// after the commit).
std::optional<std::string> set_attachment(Database& db, const Attachment& attachment);
// Removes the entry's attachment; returns its file, nullopt when it had none.
std::optional<std::string> remove_attachment(Database& db, std::int64_t entry_rowid);
std::optional<Attachment> find_attachment(Database& db, std::int64_t entry_rowid);
// The attachment of entry `number` of a business (one indexed read: every built-in answer asks).
std::optional<Attachment> find_attachment_of_entry(Database& db, std::int64_t business_rowid,
                                                   std::int64_t number);
// The attachment whose public token this is; nullopt for any other string.
std::optional<Attachment> find_attachment_by_token(Database& db, std::string_view token);
// The attachments of a business's entries, by entry rowid (for lists).
std::map<std::int64_t, Attachment> attachments_of(Database& db, std::int64_t business_rowid);
// Every attachment's file name: what the start-up sweep must keep.
std::vector<std::string> attachment_files(Database& db);

} // namespace sbc::store
