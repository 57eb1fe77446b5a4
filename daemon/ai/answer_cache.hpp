#pragma once
// Composed answers per business, keyed by the normalised question and the knowledge base's version: any
// change to the knowledge bumps the version, so a stale answer is never found again. Bounded (the oldest
// entry goes first) and thread-safe.

#include <cstdint>
#include <list>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>

namespace sbc::ai {

// Lower case, punctuation dropped, runs of spaces made one: "What time do you CLOSE?" == "what time do you
// close".
std::string normalise_question(std::string_view question);

class AnswerCache {
  public:
    explicit AnswerCache(std::size_t capacity = 4096);

    std::optional<std::string> find(std::int64_t business_rowid, std::int64_t kb_version,
                                    const std::string& normalised_question);
    void put(std::int64_t business_rowid, std::int64_t kb_version, const std::string& normalised_question,
             std::string answer);

  private:
    using Key = std::tuple<std::int64_t, std::int64_t, std::string>;
    std::mutex m_mutex;
    std::size_t m_capacity;
    std::list<Key> m_order; // oldest first
    std::map<Key, std::pair<std::string, std::list<Key>::iterator>> m_entries;
};

} // namespace sbc::ai
