#include "daemon/answer/corpus.hpp"

#include "daemon/answer/normalise.hpp"
#include "daemon/answer/retriever.hpp"
#include "daemon/store/ai_repo.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

namespace sbc::answer {
namespace {

// Every term entries have had, numbered as first seen. Never shrinks: the distinct stems of all businesses'
// knowledge are some thousands, each a few dozen bytes.
class TermIds {
  public:
    std::optional<TermId> find(std::string_view term) const {
        std::shared_lock lock(m_mutex);
        auto it = m_ids.find(term);
        return it == m_ids.end() ? std::nullopt : std::optional(it->second);
    }

    TermId intern(const std::string& term) {
        if (auto id = find(term)) {
            return *id;
        }
        std::unique_lock lock(m_mutex);
        auto [it, added] = m_ids.try_emplace(term, static_cast<TermId>(m_texts.size()));
        if (added) {
            m_texts.push_back(term);
        }
        return it->second;
    }

    std::vector<std::string> texts(const std::vector<TermId>& ids) const {
        std::shared_lock lock(m_mutex);
        std::vector<std::string> out;
        out.reserve(ids.size());
        for (TermId id : ids) {
            out.push_back(m_texts[id]);
        }
        return out;
    }

  private:
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    mutable std::shared_mutex m_mutex;
    std::unordered_map<std::string, TermId, Hash, std::equal_to<>> m_ids;
    std::deque<std::string> m_texts; // by id
};

TermIds& term_ids() {
    static TermIds ids;
    return ids;
}

// Corpora by database file and business (tests and sbc_eval open several databases in one process), at the
// knowledge version the database bumps on every change, read in the same snapshot as the entries, so a
// cached corpus is never older than the knowledge.
class CorpusCache {
  public:
    // About 12 KB a business of 100 entries: every business of a daemon serving a thousand.
    static constexpr std::size_t k_budget_bytes = 16u << 20;

    std::shared_ptr<const Corpus> find(const std::string& key, std::int64_t version) {
        std::lock_guard lock(m_mutex);
        auto it = m_corpora.find(key);
        if (it == m_corpora.end() || it->second.version != version) {
            return nullptr;
        }
        return it->second.corpus;
    }

    void keep(const std::string& key, std::int64_t version, std::shared_ptr<const Corpus> corpus) {
        std::lock_guard lock(m_mutex);
        if (auto it = m_corpora.find(key); it != m_corpora.end()) {
            m_bytes -= it->second.corpus->bytes();
            m_corpora.erase(it);
        }
        // Any one goes: a simple bound, not an LRU; the budget is meant to hold them all.
        while (!m_corpora.empty() && m_bytes + corpus->bytes() > k_budget_bytes) {
            m_bytes -= m_corpora.begin()->second.corpus->bytes();
            m_corpora.erase(m_corpora.begin());
        }
        m_bytes += corpus->bytes();
        m_corpora[key] = {version, std::move(corpus)};
    }

  private:
    struct Kept {
        std::int64_t version = 0;
        std::shared_ptr<const Corpus> corpus;
    };
    std::mutex m_mutex;
    std::unordered_map<std::string, Kept> m_corpora;
    std::size_t m_bytes = 0;
};

CorpusCache& corpus_cache() {
    static CorpusCache cache;
    return cache;
}

Corpus read_corpus(store::Database& db, std::int64_t business_rowid) {
    auto s = db.cached("SELECT id, text, tags FROM knowledge WHERE business_id = ? ORDER BY number LIMIT ?");
    s->bind(1, business_rowid).bind(2, k_max_scanned);
    Corpus corpus;
    while (s->step()) {
        corpus.add(s->int64(0), normalised_terms(s->text(1) + " " + s->text(2)));
    }
    corpus.finish();
    return corpus;
}

} // namespace

std::optional<TermId> find_term(std::string_view term) {
    return term_ids().find(term);
}

std::vector<std::string> term_texts(const std::vector<TermId>& ids) {
    return term_ids().texts(ids);
}

bool Corpus::has(TermId term) const {
    return std::binary_search(m_vocabulary.begin(), m_vocabulary.end(), term);
}

std::size_t Corpus::bytes() const {
    return sizeof(Corpus) + m_rowids.capacity() * sizeof(std::int64_t) +
           m_starts.capacity() * sizeof(std::uint32_t) +
           (m_terms.capacity() + m_leads.capacity() + m_vocabulary.capacity()) * sizeof(TermId);
}

void Corpus::add(std::int64_t rowid, const std::vector<std::string>& terms) {
    auto first = m_terms.size();
    for (const auto& term : terms) {
        m_terms.push_back(term_ids().intern(term));
    }
    for (std::size_t i = 0; i < k_lead_terms; ++i) {
        m_leads.push_back(i < terms.size() ? m_terms[first + i] : k_no_term);
    }
    std::sort(m_terms.begin() + static_cast<std::ptrdiff_t>(first), m_terms.end());
    m_rowids.push_back(rowid);
    m_starts.push_back(static_cast<std::uint32_t>(m_terms.size()));
}

void Corpus::finish() {
    m_vocabulary = m_terms;
    std::sort(m_vocabulary.begin(), m_vocabulary.end());
    m_vocabulary.erase(std::unique(m_vocabulary.begin(), m_vocabulary.end()), m_vocabulary.end());
    m_rowids.shrink_to_fit();
    m_starts.shrink_to_fit();
    m_terms.shrink_to_fit();
    m_leads.shrink_to_fit();
}

std::shared_ptr<const Corpus> load_corpus(store::Database& db, std::int64_t business_rowid) {
    auto version = store::kb_version(db, business_rowid);
    auto key = std::to_string(business_rowid) + '\n' + db.path();
    if (auto cached = corpus_cache().find(key, version)) {
        return cached;
    }
    auto corpus = std::make_shared<const Corpus>(read_corpus(db, business_rowid));
    corpus_cache().keep(key, version, corpus);
    return corpus;
}

} // namespace sbc::answer
