#include "daemon/store/attachment_repo.hpp"

namespace sbc::store {
namespace {

constexpr const char* k_select =
    "SELECT entry_id, business_id, file, content_type, bytes, token, created_at FROM knowledge_attachments ";

Attachment read_attachment(Statement& s) {
    Attachment a;
    a.entry_rowid = s.int64(0);
    a.business_rowid = s.int64(1);
    a.file = s.text(2);
    a.content_type = s.text(3);
    a.bytes = s.int64(4);
    a.token = s.text(5);
    a.created_at = s.int64(6);
    return a;
}

// The attachment of the statement's first row; nullopt when it has none.
std::optional<Attachment> first_row(Statement& s) {
    if (!s.step()) {
        return std::nullopt;
    }
    return read_attachment(s);
}

} // namespace

std::string public_path(const Attachment& attachment) {
    auto dot = attachment.file.rfind('.');
    std::string extension = dot == std::string::npos ? "bin" : attachment.file.substr(dot + 1);
    return "/media/" + attachment.token + "." + extension;
}

std::optional<std::string> set_attachment(Database& db, const Attachment& attachment) {
    auto previous = find_attachment(db, attachment.entry_rowid);
    auto s = db.cached("INSERT INTO knowledge_attachments (entry_id, business_id, file, content_type, bytes, "
                       "token, created_at) VALUES (?,?,?,?,?,?,?) ON CONFLICT (entry_id) DO UPDATE SET "
                       "file = excluded.file, content_type = excluded.content_type, bytes = excluded.bytes, "
                       "token = excluded.token, created_at = excluded.created_at");
    s->bind(1, attachment.entry_rowid).bind(2, attachment.business_rowid).bind(3, attachment.file);
    s->bind(4, attachment.content_type).bind(5, attachment.bytes).bind(6, attachment.token);
    s->bind(7, attachment.created_at);
    s->run();
    if (previous && previous->file != attachment.file) {
        return previous->file;
    }
    return std::nullopt;
}

std::optional<std::string> remove_attachment(Database& db, std::int64_t entry_rowid) {
    auto previous = find_attachment(db, entry_rowid);
    if (!previous) {
        return std::nullopt;
    }
    auto s = db.cached("DELETE FROM knowledge_attachments WHERE entry_id = ?");
    s->bind(1, entry_rowid);
    s->run();
    return previous->file;
}

std::optional<Attachment> find_attachment(Database& db, std::int64_t entry_rowid) {
    static const std::string sql = std::string(k_select) + "WHERE entry_id = ?";
    auto s = db.cached(sql);
    s->bind(1, entry_rowid);
    return first_row(*s);
}

std::optional<Attachment> find_attachment_of_entry(Database& db, std::int64_t business_rowid,
                                                   std::int64_t number) {
    static const std::string sql =
        std::string(k_select) +
        "WHERE entry_id = (SELECT id FROM knowledge WHERE business_id = ? AND number = ?)";
    auto s = db.cached(sql);
    s->bind(1, business_rowid).bind(2, number);
    return first_row(*s);
}

std::optional<Attachment> find_attachment_by_token(Database& db, std::string_view token) {
    static const std::string sql = std::string(k_select) + "WHERE token = ?";
    auto s = db.cached(sql);
    s->bind(1, token);
    return first_row(*s);
}

std::map<std::int64_t, Attachment> attachments_of(Database& db, std::int64_t business_rowid) {
    auto s = db.prepare(std::string(k_select) + "WHERE business_id = ?");
    s.bind(1, business_rowid);
    std::map<std::int64_t, Attachment> out;
    while (s.step()) {
        auto a = read_attachment(s);
        out.emplace(a.entry_rowid, std::move(a));
    }
    return out;
}

std::vector<std::string> attachment_files(Database& db) {
    auto s = db.prepare("SELECT file FROM knowledge_attachments");
    std::vector<std::string> out;
    while (s.step()) {
        out.push_back(s.text(0));
    }
    return out;
}

} // namespace sbc::store
