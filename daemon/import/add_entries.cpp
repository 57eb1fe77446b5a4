#include "daemon/import/add_entries.hpp"

#include "daemon/store/event_repo.hpp"

namespace sbc::import {
namespace {

constexpr std::size_t k_max_source_bytes = 100;

// At most max bytes, never cutting a UTF-8 character in two.
std::string cut_utf8(const std::string& s, std::size_t max) {
    if (s.size() <= max) {
        return s;
    }
    std::size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) {
        --end;
    }
    return s.substr(0, end);
}

} // namespace

Added add_passages(store::Database& db, std::int64_t business_rowid, const std::string& business_id,
                   const std::vector<std::string>& passages, const std::string& source,
                   const std::string& actor, const std::string& tags) {
    Added added;
    for (const auto& passage : passages) {
        if (store::has_entry_text(db, business_rowid, passage)) {
            ++added.unchanged;
            continue;
        }
        store::Entry e;
        e.business_rowid = business_rowid;
        e.text = passage;
        e.tags = tags;
        e.source = cut_utf8(source, k_max_source_bytes);
        store::insert_entry(db, e);
        added.entries.push_back(std::move(e));
    }
    if (!added.entries.empty()) {
        store::record_event(
            db, actor, "kb-import", business_id,
            {{"added", added.entries.size()}, {"unchanged", added.unchanged}, {"source", source}});
    }
    return added;
}

} // namespace sbc::import
