#include "daemon/store/vector_repo.hpp"

#include "daemon/store/knowledge_repo.hpp"

#include <bit>
#include <cstring>

namespace sbc::store {
namespace {

// float32 in the machine's order; sbcd runs on little-endian machines only (x86-64, arm64), so the BLOB is
// little-endian as the schema says.
static_assert(std::endian::native == std::endian::little, "knowledge_vectors stores little-endian float32");

std::string to_blob(const std::vector<float>& v) {
    std::string bytes(v.size() * sizeof(float), '\0');
    std::memcpy(bytes.data(), v.data(), bytes.size());
    return bytes;
}

std::vector<float> from_blob(std::string_view bytes) {
    std::vector<float> v(bytes.size() / sizeof(float));
    std::memcpy(v.data(), bytes.data(), v.size() * sizeof(float));
    return v;
}

} // namespace

std::string embedding_input(std::string_view text, std::string_view tags) {
    std::string input(text);
    if (!tags.empty()) {
        input.append("\n").append(tags);
    }
    return input;
}

// FNV-1a, 64 bits: stable across builds and machines (std::hash is not), which a stored value needs.
std::int64_t content_hash(std::string_view input) {
    std::uint64_t h = 14695981039346656037ULL;
    for (unsigned char c : input) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    return static_cast<std::int64_t>(h);
}

std::vector<PendingEmbedding> pending_embeddings(Database& db, const std::string& model, int limit) {
    auto s = db.cached("SELECT k.id, k.business_id, k.text, k.tags FROM knowledge k "
                       "LEFT JOIN knowledge_vectors v ON v.entry_id = k.id AND v.model = ? "
                       "WHERE v.entry_id IS NULL ORDER BY k.id LIMIT ?");
    s->bind(1, model).bind(2, limit);
    std::vector<PendingEmbedding> out;
    while (s->step()) {
        out.push_back({s->int64(0), s->int64(1), embedding_input(s->text(2), s->text(3))});
    }
    return out;
}

bool store_embedding(Database& db, std::int64_t entry_rowid, const std::string& model, std::int64_t hash,
                     const std::vector<float>& vector, std::int64_t now_ms) {
    auto entry = find_entry_by_rowid(db, entry_rowid);
    if (!entry || content_hash(embedding_input(entry->text, entry->tags)) != hash || vector.empty()) {
        return false;
    }
    auto s = db.cached("INSERT INTO knowledge_vectors "
                       "(entry_id, business_id, model, dimensions, content_hash, vector, created_at) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?) "
                       "ON CONFLICT(entry_id) DO UPDATE SET business_id = excluded.business_id, "
                       "model = excluded.model, dimensions = excluded.dimensions, "
                       "content_hash = excluded.content_hash, vector = excluded.vector, "
                       "created_at = excluded.created_at");
    s->bind(1, entry_rowid)
        .bind(2, entry->business_rowid)
        .bind(3, model)
        .bind(4, static_cast<std::int64_t>(vector.size()))
        .bind(5, hash);
    s->bind_blob(6, to_blob(vector)).bind(7, now_ms);
    s->run();
    return true;
}

std::vector<StoredVector> business_vectors(Database& db, std::int64_t business_rowid,
                                           const std::string& model, std::int64_t limit) {
    auto s = db.cached(
        "SELECT v.entry_id, v.vector FROM knowledge_vectors v JOIN knowledge k ON k.id = v.entry_id "
        "WHERE v.business_id = ? AND v.model = ? ORDER BY k.number LIMIT ?");
    s->bind(1, business_rowid).bind(2, model).bind(3, limit);
    std::vector<StoredVector> out;
    while (s->step()) {
        out.push_back({s->int64(0), from_blob(s->blob(1))});
    }
    return out;
}

EmbeddingCounts embedding_counts(Database& db, const std::string& model) {
    auto s = db.cached("SELECT (SELECT COUNT(*) FROM knowledge_vectors WHERE model = ?), "
                       "(SELECT COUNT(*) FROM knowledge)");
    s->bind(1, model);
    s->step();
    return {s->int64(0), s->int64(1)};
}

std::int64_t knowledge_generation(Database& db) {
    // The count too: deleting a business drops its row, which a sum alone could miss.
    auto s = db.cached("SELECT COALESCE(SUM(version), 0) + (COUNT(*) << 40) FROM kb_versions");
    s->step();
    return s->int64(0);
}

} // namespace sbc::store
