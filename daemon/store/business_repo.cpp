#include "daemon/store/business_repo.hpp"

#include "common/time_format.hpp"

namespace sbc::store {
namespace {

constexpr const char* k_business_columns =
    "id, slug, name, whatsapp_number, owner_phone, shared, paused, greeting, hours, "
    "timezone, fallback, created_at, updated_at";

Business read_business(Statement& s) {
    Business b;
    b.rowid = s.int64(0);
    b.id = s.text(1);
    b.name = s.text(2);
    b.number = s.text(3);
    b.owner = s.text(4);
    b.shared = s.integer(5) != 0;
    b.paused = s.integer(6) != 0;
    b.greeting = s.text(7);
    b.hours = s.text(8);
    b.timezone = s.text(9);
    b.fallback = s.text(10);
    b.created_at = s.int64(11);
    b.updated_at = s.int64(12);
    return b;
}

std::vector<Business> read_businesses(Statement& s) {
    std::vector<Business> out;
    while (s.step()) {
        out.push_back(read_business(s));
    }
    return out;
}

// Binds the columns an insert and an update both write, in k_business_columns order after the id: ?1 to ?10.
void bind_fields(Statement& s, const Business& b) {
    s.bind(1, b.id).bind(2, b.name).bind(3, b.number).bind(4, b.owner).bind(5, b.shared ? 1 : 0);
    s.bind(6, b.paused ? 1 : 0).bind(7, b.greeting).bind(8, b.hours).bind(9, b.timezone).bind(10, b.fallback);
}

std::string select_businesses(const char* where) {
    return std::string("SELECT ") + k_business_columns + " FROM businesses " + where;
}

} // namespace

std::optional<Business> find_business(Database& db, std::string_view slug) {
    static const std::string sql = select_businesses("WHERE slug = ?");
    auto s = db.cached(sql);
    s->bind(1, slug);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_business(*s);
}

std::optional<Business> find_business_by_rowid(Database& db, std::int64_t rowid) {
    static const std::string sql = select_businesses("WHERE id = ?");
    auto s = db.cached(sql);
    s->bind(1, rowid);
    if (!s->step()) {
        return std::nullopt;
    }
    return read_business(*s);
}

std::vector<Business> businesses_on_number(Database& db, std::string_view number) {
    static const std::string sql = select_businesses("WHERE whatsapp_number = ? ORDER BY id");
    auto s = db.cached(sql);
    s->bind(1, number);
    return read_businesses(*s);
}

bool number_registered(Database& db, std::string_view number) {
    auto s = db.cached("SELECT 1 FROM businesses WHERE whatsapp_number = ? LIMIT 1");
    s->bind(1, number);
    return s->step();
}

std::vector<Business> list_businesses(Database& db) {
    static const std::string sql = select_businesses("ORDER BY slug");
    auto s = db.cached(sql);
    return read_businesses(*s);
}

std::int64_t count_businesses(Database& db) {
    auto s = db.cached("SELECT COUNT(*) FROM businesses");
    s->step();
    return s->int64(0);
}

std::int64_t insert_business(Database& db, Business& b) {
    b.created_at = b.updated_at = time_format::now_ms();
    auto s = db.cached(
        "INSERT INTO businesses (slug, name, whatsapp_number, owner_phone, shared, paused, greeting, "
        "hours, timezone, fallback, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)");
    bind_fields(*s, b);
    s->bind(11, b.created_at).bind(12, b.updated_at);
    s->run();
    b.rowid = db.last_insert_id();
    return b.rowid;
}

void update_business(Database& db, Business& b) {
    b.updated_at = time_format::now_ms();
    auto s = db.cached(
        "UPDATE businesses SET slug=?, name=?, whatsapp_number=?, owner_phone=?, shared=?, paused=?, "
        "greeting=?, hours=?, timezone=?, fallback=?, updated_at=? WHERE id=?");
    bind_fields(*s, b);
    s->bind(11, b.updated_at).bind(12, b.rowid);
    s->run();
}

void delete_business(Database& db, std::int64_t rowid) {
    auto s = db.cached("DELETE FROM businesses WHERE id = ?");
    s->bind(1, rowid);
    s->run();
}

} // namespace sbc::store
