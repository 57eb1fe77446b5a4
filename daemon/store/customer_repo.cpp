#include "daemon/store/customer_repo.hpp"

namespace sbc::store {

std::optional<Customer> find_customer(Database& db, std::int64_t business_rowid, std::string_view phone) {
    auto s = db.cached("SELECT profile_name, last_inbound_at, opted_out, rate_notice_at FROM customers "
                       "WHERE business_id = ? AND phone = ?");
    s->bind(1, business_rowid).bind(2, phone);
    if (!s->step()) {
        return std::nullopt;
    }
    Customer c;
    c.business_rowid = business_rowid;
    c.phone = std::string(phone);
    c.profile_name = s->text(0);
    if (!s->is_null(1)) {
        c.last_inbound_at = s->int64(1);
    }
    c.opted_out = s->integer(2) != 0;
    if (!s->is_null(3)) {
        c.rate_notice_at = s->int64(3);
    }
    return c;
}

void touch_customer(Database& db, std::int64_t business_rowid, std::string_view phone,
                    std::string_view profile_name, std::int64_t now_ms) {
    auto s = db.cached(
        "INSERT INTO customers (business_id, phone, profile_name, last_inbound_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (business_id, phone) DO UPDATE SET last_inbound_at = excluded.last_inbound_at, "
        "profile_name = CASE WHEN excluded.profile_name = '' THEN profile_name "
        "ELSE excluded.profile_name END");
    s->bind(1, business_rowid).bind(2, phone).bind(3, profile_name).bind(4, now_ms);
    s->run();
}

void set_opted_out(Database& db, std::int64_t business_rowid, std::string_view phone, bool opted_out) {
    auto s = db.cached("INSERT INTO customers (business_id, phone, opted_out) VALUES (?, ?, ?) "
                       "ON CONFLICT (business_id, phone) DO UPDATE SET opted_out = excluded.opted_out");
    s->bind(1, business_rowid).bind(2, phone).bind(3, opted_out ? 1 : 0);
    s->run();
}

void set_rate_notice(Database& db, std::int64_t business_rowid, std::string_view phone, std::int64_t at_ms) {
    auto s = db.cached("UPDATE customers SET rate_notice_at = ? WHERE business_id = ? AND phone = ?");
    s->bind(1, at_ms).bind(2, business_rowid).bind(3, phone);
    s->run();
}

std::int64_t count_inbound(Database& db, std::int64_t business_rowid, std::string_view phone,
                           std::string_view kind, std::int64_t since_ms, std::int64_t cap) {
    auto s =
        db.cached("SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE business_id = ? AND customer = ? AND "
                  "direction = 'in' AND created_at >= ? AND kind = ? LIMIT ?)");
    s->bind(1, business_rowid).bind(2, phone).bind(3, since_ms).bind(4, kind).bind(5, cap);
    s->step();
    return s->int64(0);
}

std::int64_t count_all_inbound(Database& db, std::string_view kind, std::int64_t since_ms, std::int64_t cap) {
    auto s = db.cached("SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE direction = 'in' AND kind = ? AND "
                       "created_at >= ? LIMIT ?)");
    s->bind(1, kind).bind(2, since_ms).bind(3, cap);
    s->step();
    return s->int64(0);
}

std::optional<std::int64_t> chosen_business(Database& db, std::string_view number, std::string_view phone) {
    auto s = db.cached("SELECT business_id FROM number_choices WHERE number = ? AND phone = ?");
    s->bind(1, number).bind(2, phone);
    if (!s->step() || s->is_null(0)) {
        return std::nullopt;
    }
    return s->int64(0);
}

void choose_business(Database& db, std::string_view number, std::string_view phone,
                     std::optional<std::int64_t> business_rowid, std::int64_t now_ms) {
    auto s =
        db.cached("INSERT INTO number_choices (number, phone, business_id, updated_at) VALUES (?, ?, ?, ?) "
                  "ON CONFLICT (number, phone) DO UPDATE SET business_id = excluded.business_id, "
                  "updated_at = excluded.updated_at");
    s->bind(1, number).bind(2, phone).bind(3, business_rowid).bind(4, now_ms);
    s->run();
}

} // namespace sbc::store
