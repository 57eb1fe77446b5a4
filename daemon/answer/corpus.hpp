#pragma once
// A business's knowledge as the built-in retriever reads it: each entry's normalised terms as small integer
// ids (one id per distinct term, shared by every business), sorted for binary search, and the first terms as
// written. Normalising a business's entries costs a quarter of a millisecond or more, so corpora are cached,
// within a budget in bytes: ids in flat arrays take about a tenth of what strings did, so that the budget
// holds every business of a daemon serving a thousand.

#include "daemon/store/database.hpp"

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

using TermId = std::uint32_t;
inline constexpr TermId k_no_term = std::numeric_limits<TermId>::max();

// Owners start an entry with what it is about ("Gift cards from 20 euros"): the corpus keeps each entry's
// first k_lead_terms terms as written (the retriever ranks a question's word among them higher).
inline constexpr std::size_t k_lead_terms = 1;

// The id of a term some entry (of any business) has had; nullopt for any other, which no entry has.
std::optional<TermId> find_term(std::string_view term);
// The terms themselves, in the order of `ids`.
std::vector<std::string> term_texts(const std::vector<TermId>& ids);

class Corpus {
  public:
    // Entries in the order of their number.
    std::size_t size() const { return m_rowids.size(); }
    std::int64_t rowid(std::size_t entry) const { return m_rowids[entry]; }
    // The entry's terms, sorted by id, with repeats.
    std::span<const TermId> terms(std::size_t entry) const {
        return {m_terms.data() + m_starts[entry], m_terms.data() + m_starts[entry + 1]};
    }
    // The entry's first k_lead_terms terms as written (k_no_term where it has fewer).
    std::span<const TermId> lead(std::size_t entry) const {
        return {m_leads.data() + entry * k_lead_terms, k_lead_terms};
    }
    // Every term of every entry, sorted, once.
    const std::vector<TermId>& vocabulary() const { return m_vocabulary; }
    bool has(TermId term) const;
    // What it takes in memory, for the cache's budget.
    std::size_t bytes() const;

    // Adds an entry with its terms as written.
    void add(std::int64_t rowid, const std::vector<std::string>& terms);
    // Called once after the last add().
    void finish();

  private:
    std::vector<std::int64_t> m_rowids;
    std::vector<std::uint32_t> m_starts{0}; // entry i's terms are m_terms[m_starts[i], m_starts[i + 1])
    std::vector<TermId> m_terms;
    std::vector<TermId> m_leads;
    std::vector<TermId> m_vocabulary;
};

// The business's corpus at the knowledge version read with it: from the cache, or read (and kept) now.
// Reads only; SQLite errors throw DbError.
std::shared_ptr<const Corpus> load_corpus(store::Database& db, std::int64_t business_rowid);

} // namespace sbc::answer
