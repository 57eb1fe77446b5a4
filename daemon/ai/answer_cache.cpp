#include "daemon/ai/answer_cache.hpp"

namespace sbc::ai {

std::string normalise_question(std::string_view question) {
    std::string out;
    bool space = false;
    for (char raw : question) {
        auto c = static_cast<unsigned char>(raw);
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<unsigned char>(c - 'A' + 'a');
        }
        bool word = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
        if (!word) {
            space = !out.empty();
            continue;
        }
        if (space) {
            out.push_back(' ');
            space = false;
        }
        out.push_back(static_cast<char>(c));
    }
    return out;
}

AnswerCache::AnswerCache(std::size_t capacity) : m_capacity(capacity == 0 ? 1 : capacity) {}

std::optional<std::string> AnswerCache::find(std::int64_t business_rowid, std::int64_t kb_version,
                                             const std::string& normalised_question) {
    std::lock_guard lock(m_mutex);
    auto it = m_entries.find(Key{business_rowid, kb_version, normalised_question});
    if (it == m_entries.end()) {
        return std::nullopt;
    }
    return it->second.first;
}

void AnswerCache::put(std::int64_t business_rowid, std::int64_t kb_version,
                      const std::string& normalised_question, std::string answer) {
    std::lock_guard lock(m_mutex);
    Key key{business_rowid, kb_version, normalised_question};
    if (auto it = m_entries.find(key); it != m_entries.end()) {
        it->second.first = std::move(answer);
        return;
    }
    while (m_entries.size() >= m_capacity) {
        m_entries.erase(m_order.front());
        m_order.pop_front();
    }
    m_order.push_back(key);
    m_entries.emplace(std::move(key), std::make_pair(std::move(answer), std::prev(m_order.end())));
}

} // namespace sbc::ai
