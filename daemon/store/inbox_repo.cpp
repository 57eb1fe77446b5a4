#include "daemon/store/inbox_repo.hpp"

#include <nlohmann/json.hpp>

namespace sbc::store {
namespace {

// Media as a JSON array of [url, type] pairs; NULL for the usual message without any.
std::optional<std::string> media_json(const InboxRow& row) {
    if (row.media.empty()) {
        return std::nullopt;
    }
    auto items = nlohmann::json::array();
    for (const auto& [url, type] : row.media) {
        items.push_back({url, type});
    }
    return items.dump();
}

// False when the text is not what media_json writes: the row cannot be handled as it came.
bool read_media(const std::string& text, InboxRow& row) {
    auto items = nlohmann::json::parse(text, nullptr, false);
    if (!items.is_array()) {
        return false;
    }
    for (const auto& item : items) {
        if (!item.is_array() || item.size() != 2 || !item[0].is_string() || !item[1].is_string()) {
            return false;
        }
        row.media.emplace_back(item[0].get<std::string>(), item[1].get<std::string>());
    }
    return true;
}

} // namespace

bool insert_inbox(Database& db, InboxRow& row) {
    auto s =
        db.cached("INSERT INTO inbox (message_sid, from_number, to_number, body, profile_name, num_media, "
                  "media, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (message_sid) DO NOTHING");
    s->bind(1, row.message_sid).bind(2, row.from).bind(3, row.to).bind(4, row.body).bind(5, row.profile_name);
    s->bind(6, row.num_media).bind(7, media_json(row)).bind(8, row.received_at);
    s->run();
    if (db.changes() == 0) {
        return false;
    }
    row.id = db.last_insert_id();
    return true;
}

bool inbox_waiting(Database& db) {
    auto s = db.cached("SELECT 1 FROM inbox WHERE failed_at IS NULL LIMIT 1");
    return s->step();
}

InboxCounts count_inbox(Database& db) {
    auto s = db.cached("SELECT COUNT(*) - COUNT(failed_at), COUNT(failed_at) FROM inbox");
    s->step();
    return {s->int64(0), s->int64(1)};
}

std::vector<InboxRow> next_inbox(Database& db, int limit) {
    auto s =
        db.cached("SELECT id, message_sid, from_number, to_number, body, profile_name, num_media, media, "
                  "received_at FROM inbox WHERE failed_at IS NULL ORDER BY id LIMIT ?");
    s->bind(1, limit);
    std::vector<InboxRow> rows;
    while (s->step()) {
        InboxRow row;
        row.id = s->int64(0);
        row.message_sid = s->text(1);
        row.from = s->text(2);
        row.to = s->text(3);
        row.body = s->text(4);
        row.profile_name = s->text(5);
        row.num_media = s->integer(6);
        if (!s->is_null(7) && !read_media(s->text(7), row)) {
            row.unreadable = "its media list cannot be read: " + s->text(7).substr(0, 200);
        }
        row.received_at = s->int64(8);
        rows.push_back(std::move(row));
    }
    return rows;
}

bool delete_inbox(Database& db, std::int64_t id) {
    auto s = db.cached("DELETE FROM inbox WHERE id = ? AND failed_at IS NULL");
    s->bind(1, id);
    s->run();
    return db.changes() > 0;
}

void set_inbox_failed(Database& db, std::int64_t id, std::string_view error, std::int64_t now_ms) {
    auto s = db.cached("UPDATE inbox SET failed_at = ?, error = ? WHERE id = ?");
    s->bind(1, now_ms).bind(2, error).bind(3, id);
    s->run();
}

} // namespace sbc::store
