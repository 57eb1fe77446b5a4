#include "daemon/store/synonym_repo.hpp"

#include "common/time_format.hpp"

namespace sbc::store {
namespace {

bool has_pair(Database& db, std::int64_t business_rowid, const std::string& a, const std::string& b) {
    auto s = db.cached("SELECT 1 FROM synonyms WHERE business_id = ? AND ((word = ? AND synonym = ?) OR "
                       "(word = ? AND synonym = ?))");
    s->bind(1, business_rowid).bind(2, a).bind(3, b).bind(4, b).bind(5, a);
    return s->step();
}

} // namespace

bool add_synonym(Database& db, std::int64_t business_rowid, const std::string& word,
                 const std::string& synonym) {
    if (has_pair(db, business_rowid, word, synonym)) {
        return false;
    }
    auto s = db.cached("INSERT INTO synonyms (business_id, word, synonym, created_at) VALUES (?, ?, ?, ?)");
    s->bind(1, business_rowid).bind(2, word).bind(3, synonym).bind(4, time_format::now_ms());
    s->step();
    return true;
}

bool remove_synonym(Database& db, std::int64_t business_rowid, const std::string& word,
                    const std::string& synonym) {
    auto s = db.cached("DELETE FROM synonyms WHERE business_id = ? AND ((word = ? AND synonym = ?) OR "
                       "(word = ? AND synonym = ?))");
    s->bind(1, business_rowid).bind(2, word).bind(3, synonym).bind(4, synonym).bind(5, word);
    s->step();
    return db.changes() > 0;
}

std::vector<Synonym> list_synonyms(Database& db, std::int64_t business_rowid) {
    auto s =
        db.cached("SELECT word, synonym, created_at FROM synonyms WHERE business_id = ? ORDER BY created_at, "
                  "word, synonym");
    s->bind(1, business_rowid);
    std::vector<Synonym> out;
    while (s->step()) {
        out.push_back({s->text(0), s->text(1), s->int64(2)});
    }
    return out;
}

} // namespace sbc::store
