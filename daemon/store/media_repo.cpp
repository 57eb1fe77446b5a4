#include "daemon/store/media_repo.hpp"

namespace sbc::store {
namespace {

constexpr const char* k_media_columns =
    "md.id, md.message_id, md.business_id, md.position, md.url, md.content_type, md.state, md.file, "
    "md.bytes, md.attempts, md.next_attempt_at, md.last_error, md.created_at, md.updated_at, m.customer, "
    "m.message_sid";

Media read_media_row(Statement& s) {
    Media m;
    m.id = s.int64(0);
    m.message_id = s.int64(1);
    m.business_rowid = s.int64(2);
    m.position = s.integer(3);
    m.url = s.text(4);
    m.content_type = s.text(5);
    m.state = s.text(6);
    if (!s.is_null(7)) {
        m.file = s.text(7);
    }
    if (!s.is_null(8)) {
        m.bytes = s.int64(8);
    }
    m.attempts = s.int64(9);
    m.next_attempt_at = s.int64(10);
    if (!s.is_null(11)) {
        m.last_error = s.text(11);
    }
    m.created_at = s.int64(12);
    m.updated_at = s.int64(13);
    m.customer = s.text(14);
    if (!s.is_null(15)) {
        m.message_sid = s.text(15);
    }
    return m;
}

std::vector<Media> read_media_rows(Statement& s) {
    std::vector<Media> out;
    while (s.step()) {
        out.push_back(read_media_row(s));
    }
    return out;
}

std::string select_media(const std::string& where) {
    return std::string("SELECT ") + k_media_columns +
           " FROM media md JOIN messages m ON m.id = md.message_id " + where;
}

} // namespace

std::int64_t insert_media(Database& db, Media& media) {
    media.updated_at = media.created_at;
    auto s = db.cached("INSERT INTO media (message_id, business_id, position, url, content_type, state, "
                       "last_error, next_attempt_at, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?)");
    s->bind(1, media.message_id).bind(2, media.business_rowid).bind(3, media.position).bind(4, media.url);
    s->bind(5, media.content_type).bind(6, media.state).bind(7, media.last_error);
    s->bind(8, media.next_attempt_at).bind(9, media.created_at).bind(10, media.updated_at);
    s->run();
    media.id = db.last_insert_id();
    return media.id;
}

std::vector<Media> due_media(Database& db, std::int64_t now_ms, int limit) {
    auto s = db.prepare(
        select_media("WHERE md.state = 'pending' AND md.next_attempt_at <= ? ORDER BY md.id LIMIT ?"));
    s.bind(1, now_ms).bind(2, limit);
    return read_media_rows(s);
}

std::optional<std::int64_t> next_media_due(Database& db) {
    auto s = db.cached("SELECT MIN(next_attempt_at) FROM media WHERE state = 'pending'");
    if (!s->step() || s->is_null(0)) {
        return std::nullopt;
    }
    return s->int64(0);
}

void record_media_stored(Database& db, std::int64_t id, const std::string& file, std::int64_t bytes,
                         const std::string& content_type, std::int64_t now_ms) {
    auto s = db.cached("UPDATE media SET state = 'stored', file = ?, bytes = ?, content_type = ?, "
                       "attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE id = ?");
    s->bind(1, file).bind(2, bytes).bind(3, content_type).bind(4, now_ms).bind(5, id);
    s->run();
    // An earlier attempt's error no longer describes the message, unless another of its files failed for
    // good.
    auto clear =
        db.cached("UPDATE messages SET error_message = NULL WHERE id = (SELECT message_id FROM media "
                  "WHERE id = ?) AND status != 'media-failed'");
    clear->bind(1, id);
    clear->run();
}

void record_media_retry(Database& db, std::int64_t id, std::int64_t attempts, std::int64_t next_at_ms,
                        const std::string& error, std::int64_t now_ms) {
    auto s = db.cached("UPDATE media SET attempts = ?, next_attempt_at = ?, last_error = ?, updated_at = ? "
                       "WHERE id = ? AND state = 'pending'");
    s->bind(1, attempts).bind(2, next_at_ms).bind(3, error).bind(4, now_ms).bind(5, id);
    s->run();
}

void record_media_failed(Database& db, std::int64_t id, std::int64_t attempts, const std::string& error,
                         std::int64_t now_ms) {
    auto s = db.cached("UPDATE media SET state = 'failed', attempts = ?, last_error = ?, updated_at = ? "
                       "WHERE id = ?");
    s->bind(1, attempts).bind(2, error).bind(3, now_ms).bind(4, id);
    s->run();
}

int mark_media_missing(Database& db, const std::vector<std::int64_t>& ids, std::int64_t now_ms) {
    int n = 0;
    for (auto id : ids) {
        auto s = db.cached("UPDATE media SET state = 'missing', last_error = 'the file was not found at "
                           "start-up', updated_at = ? WHERE id = ? AND state = 'stored'");
        s->bind(1, now_ms).bind(2, id);
        s->run();
        n += db.changes();
    }
    return n;
}

std::optional<Media> find_media(Database& db, std::int64_t id) {
    auto s = db.prepare(select_media("WHERE md.id = ?"));
    s.bind(1, id);
    if (!s.step()) {
        return std::nullopt;
    }
    return read_media_row(s);
}

std::vector<std::pair<std::int64_t, std::string>> stored_media_files(Database& db) {
    auto s = db.prepare("SELECT id, file FROM media WHERE state = 'stored' AND file IS NOT NULL");
    std::vector<std::pair<std::int64_t, std::string>> out;
    while (s.step()) {
        out.emplace_back(s.int64(0), s.text(1));
    }
    return out;
}

std::vector<Media> list_media(Database& db, std::optional<std::int64_t> business_rowid, int limit) {
    auto s =
        db.prepare(select_media("WHERE (?1 IS NULL OR md.business_id = ?1) ORDER BY md.id DESC LIMIT ?2"));
    s.bind(1, business_rowid).bind(2, limit);
    return read_media_rows(s);
}

std::int64_t stored_media_bytes(Database& db, std::int64_t business_rowid) {
    // The photos kept with knowledge entries too: each is a copy of the owner's upload, on the same disk.
    auto s = db.cached("SELECT (SELECT COALESCE(SUM(bytes), 0) FROM media WHERE business_id = ?1 AND state = "
                       "'stored') + (SELECT COALESCE(SUM(bytes), 0) FROM knowledge_attachments WHERE "
                       "business_id = ?1)");
    s->bind(1, business_rowid);
    s->step();
    return s->int64(0);
}

std::vector<Media> customer_media_created_before(Database& db, std::int64_t before_ms, int limit) {
    auto s =
        db.prepare(select_media("WHERE md.state = 'stored' AND md.created_at < ? AND m.kind != 'owner-media' "
                                "ORDER BY md.id LIMIT ?"));
    s.bind(1, before_ms).bind(2, limit);
    return read_media_rows(s);
}

bool delete_media(Database& db, std::int64_t id) {
    auto s = db.cached("DELETE FROM media WHERE id = ?");
    s->bind(1, id);
    s->run();
    return db.changes() > 0;
}

void note_media_failure(Database& db, std::int64_t message_id, bool final, const std::string& error,
                        std::int64_t now_ms) {
    auto s = db.cached("UPDATE messages SET error_message = ?, status = CASE WHEN ? THEN 'media-failed' ELSE "
                       "status END, updated_at = ? WHERE id = ?");
    s->bind(1, error).bind(2, final ? 1 : 0).bind(3, now_ms).bind(4, message_id);
    s->run();
}

MediaSettings media_settings(Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT reply, notify_owner FROM business_media WHERE business_id = ?");
    s->bind(1, business_rowid);
    MediaSettings out;
    if (s->step()) {
        out.reply = s->text(0);
        out.notify_owner = s->integer(1) != 0;
    }
    return out;
}

void set_media_settings(Database& db, std::int64_t business_rowid, const MediaSettings& settings) {
    auto s = db.cached("INSERT INTO business_media (business_id, reply, notify_owner) VALUES (?,?,?) "
                       "ON CONFLICT (business_id) DO UPDATE SET reply = excluded.reply, "
                       "notify_owner = excluded.notify_owner");
    s->bind(1, business_rowid).bind(2, settings.reply).bind(3, settings.notify_owner ? 1 : 0);
    s->run();
}

} // namespace sbc::store
