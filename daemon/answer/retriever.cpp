#include "daemon/answer/retriever.hpp"

#include "daemon/answer/corpus.hpp"
#include "daemon/answer/lexicon.hpp"
#include "daemon/answer/normalise.hpp"
#include "daemon/answer/place_names.hpp"
#include "daemon/answer/query_terms.hpp"
#include "daemon/answer/rank_fusion.hpp"
#include "daemon/answer/typo.hpp"
#include "daemon/answer/vector_retriever.hpp"
#include "daemon/answer/wordnet.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/synonym_repo.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

namespace sbc::answer {
namespace {

// How much a match through a related word counts against the customer's own word.
constexpr double k_lexicon_factor = 0.8;
constexpr double k_typo_factor = 0.8;
constexpr double k_compound_factor = 0.8;
constexpr double k_place_factor = 0.8;
constexpr double k_owner_factor = 1.0;
// General English (WordNet) is less sure than the curated lexicon: a synonym there may be of another sense.
// Synonyms of the first two senses count 0.6 (0.4 and 0.8, 1 to 5 senses measured: docs/retrieval.md). For a
// word nothing else explains, the words its first sense links to (more general, same root: "cappuccino" ->
// coffee, "whiter" -> whiten) count 0.4; 0.3 and 0.5 and two senses measured worse on one set or another,
// and the words of its definition, which this replaced, lost out-of-scope questions (docs/retrieval.md).
constexpr double k_wordnet_factor = 0.6;
constexpr int k_wordnet_senses = 2;
constexpr double k_linked_factor = 0.4;
constexpr int k_linked_senses = 1;
// Owners start an entry with what it is about ("Gift cards from 20 euros", "Kids menu for under 10s"): a
// question's word that is an entry's first word (corpus.hpp's k_lead_terms) ranks that entry higher, by 0.3
// of the word's share (the best of 0.1..0.5 over the first 1..3 words on the evaluation set). Ranking only:
// the confidence stays the share of the question covered.
constexpr double k_lead_bonus = 0.3;
// What a word no entry (nor the lexicon, the owner or a typo) knows weighs, against a word found in no entry
// in plain BM25 terms (its idf). Full weight declined too many real questions wrapped in unknown small talk
// ("my mum"), no weight answered questions about things the business does not do; 0.4 is the best of
// 1, 0.6, 0.4 and 0.25 on the evaluation set (docs/retrieval.md).
constexpr double k_unknown_share = 0.4;

// Everyday words that say little about which entry is meant: in "do you guarantee your work" the entry with
// "guarantee" (or "warranty") should beat the one that says "from home or work", and in "where is the
// bathroom" the toilets the address. General English (the commonest verbs, nouns, adjectives and adverbs,
// the words customers wrap a question in: "I think", "sorry", "I've never", and the question words the stop
// list keeps), not a trade's words. They still count, at half weight: 0.4, 0.5 and 0.6 measured the same on
// both evaluation sets, 0.3 lost a held-out question (docs/retrieval.md).
constexpr std::string_view k_common_words[] = {
    "after",    "again",  "already", "always", "anyone",   "around", "ask",   "asking", "away",   "awful",
    "back",     "bad",    "before",  "best",   "better",   "big",    "bit",   "bring",  "came",   "change",
    "come",     "coming", "day",     "days",   "doing",    "done",   "else",  "even",   "ever",   "every",
    "everyone", "feel",   "getting", "give",   "going",    "gone",   "good",  "great",  "happen", "help",
    "here",     "home",   "hope",    "hoping", "horrible", "keep",   "kind",  "last",   "let",    "long",
    "lot",      "lots",   "lovely",  "make",   "making",   "many",   "maybe", "mine",   "month",  "months",
    "more",     "most",   "much",    "never",  "new",      "next",   "nice",  "now",    "old",    "one",
    "other",    "own",    "part",    "place",  "put",      "quite",  "right", "said",   "same",   "say",
    "see",      "show",   "small",   "sorry",  "start",    "still",  "stuff", "take",   "taking", "terrible",
    "things",   "think",  "thought", "tried",  "try",      "trying", "two",   "use",    "usual",  "usually",
    "very",     "way",    "week",    "weeks",  "well",     "went",   "when",  "where",  "whole",  "wondered",
    "work",     "worse",  "year",    "years",
};
constexpr double k_common_weight = 0.5;

bool common_word(const std::string& term) {
    static const std::unordered_set<std::string> stems = [] {
        std::unordered_set<std::string> out;
        for (auto w : k_common_words) {
            out.insert(stem(w));
        }
        return out;
    }();
    return stems.count(term) > 0;
}

double idf(double n, double df) {
    return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

struct Score {
    double covered = 0; // weight of the question's words the entry has
    double repeats = 0; // the same, counting each occurrence: breaks ties towards the entry about it
    double lead = 0;    // weight of the question's words among the entry's first words
};

// Ties go to the entry that repeats the question's words most, then to the older entry (the smaller rowid),
// so that the same question always gets the same answer.
std::vector<Candidate> ranked(const std::unordered_map<std::int64_t, Score>& scores, double total,
                              std::size_t limit) {
    struct Ranked {
        Candidate candidate;
        double rank, repeats;
    };
    std::vector<Ranked> all;
    if (total <= 0) {
        return {};
    }
    for (const auto& [rowid, score] : scores) {
        if (score.covered > 0) {
            double confidence = score.covered / total;
            all.push_back(
                {{rowid, confidence}, confidence + k_lead_bonus * score.lead / total, score.repeats});
        }
    }
    std::sort(all.begin(), all.end(), [](const Ranked& a, const Ranked& b) {
        if (a.rank != b.rank) {
            return a.rank > b.rank;
        }
        return a.repeats > b.repeats || (a.repeats == b.repeats && a.candidate.rowid < b.candidate.rowid);
    });
    std::vector<Candidate> out;
    for (std::size_t i = 0; i < all.size() && i < limit; ++i) {
        out.push_back(all[i].candidate);
    }
    return out;
}

// Which entries contain each term (through the index, so porter stemming applies), weighted by how rare the
// term is in this business's knowledge. A term no entry has weighs most: a question about something we know
// nothing of should not be answered from an entry that shares only its common words.
std::vector<Candidate> retrieve_fts(store::Database& db, std::int64_t business_rowid,
                                    std::string_view question, std::size_t limit) {
    auto terms = query_terms(question);
    const double n = static_cast<double>(store::count_entries(db, business_rowid));
    if (n == 0 || terms.empty()) {
        return {};
    }
    std::unordered_map<std::int64_t, Score> scores;
    double total = 0;
    for (const auto& term : terms) {
        auto rows = store::entries_matching(db, business_rowid, term, 1000);
        double weight = idf(n, static_cast<double>(rows.size()));
        total += weight;
        for (auto rowid : rows) {
            scores[rowid].covered += weight;
        }
    }
    return ranked(scores, total, limit);
}

// The owner's pairs as stem -> stems, both ways.
std::unordered_map<std::string, std::vector<std::string>> owner_synonyms(store::Database& db,
                                                                         std::int64_t business_rowid) {
    std::unordered_map<std::string, std::vector<std::string>> out;
    for (const auto& pair : store::list_synonyms(db, business_rowid)) {
        auto a = normalised_terms(pair.word);
        auto b = normalised_terms(pair.synonym);
        for (const auto& x : a) {
            for (const auto& y : b) {
                out[x].push_back(y);
                out[y].push_back(x);
            }
        }
    }
    return out;
}

// The words an entry may use for one word of the question, each with how much a match counts.
using Alternatives = std::map<std::string, double>;

void add(Alternatives& alts, const std::string& term, double factor) {
    auto& f = alts[term];
    f = std::max(f, factor);
}

Alternatives expand(const std::string& term,
                    const std::unordered_map<std::string, std::vector<std::string>>& owner, double factor) {
    Alternatives alts;
    add(alts, term, factor);
    if (auto it = owner.find(term); it != owner.end()) {
        for (const auto& s : it->second) {
            add(alts, s, factor * k_owner_factor);
            for (const auto& r : lexicon_related(s)) {
                add(alts, r, factor * k_owner_factor * k_lexicon_factor);
            }
        }
    }
    for (const auto& r : lexicon_related(term)) {
        add(alts, r, factor * k_lexicon_factor);
    }
    return alts;
}

void add_general_synonyms(Alternatives& alts, const WordNet& wordnet,
                          const std::vector<std::string>& surfaces) {
    for (const auto& surface : surfaces) {
        for (const auto& synonym : wordnet.synonyms(surface, k_wordnet_senses)) {
            for (const auto& t : normalised_terms(synonym)) {
                add(alts, t, k_wordnet_factor);
            }
        }
    }
}

// A word the business never uses may still be linked to words it does use: a cappuccino is a coffee.
Alternatives linked(const WordNet& wordnet, const std::vector<std::string>& surfaces) {
    static const std::vector<std::string_view> k_symbols = {"@", "@i", "+"};
    Alternatives alts;
    for (const auto& surface : surfaces) {
        for (const auto& word : wordnet.linked(surface, k_symbols, k_linked_senses)) {
            for (const auto& t : normalised_terms(word)) {
                add(alts, t, k_linked_factor);
            }
        }
    }
    return alts;
}

// Alternatives as term ids (term_ids_of).
using TermAlternatives = std::vector<std::pair<TermId, double>>;

bool known(const TermAlternatives& alts, const Corpus& corpus) {
    return std::any_of(alts.begin(), alts.end(), [&](const auto& a) { return corpus.has(a.first); });
}

// A word neither the entries (`vocabulary`, the corpus's words), the lexicon nor the owner know may be a typo
// of one they do.
Alternatives correct(const std::string& term, const std::vector<std::string>& vocabulary,
                     const std::unordered_map<std::string, std::vector<std::string>>& owner) {
    std::vector<std::string> candidates = vocabulary;
    const auto& lexicon = lexicon_terms();
    candidates.insert(candidates.end(), lexicon.begin(), lexicon.end());
    for (const auto& [word, _] : owner) {
        candidates.push_back(word);
    }
    Alternatives alts;
    for (const auto& fixed : nearest_words(term, candidates)) {
        for (const auto& [s, f] : expand(fixed, owner, k_typo_factor)) {
            add(alts, s, f);
        }
    }
    return alts;
}

// Whether `compound` is `head` with a word of four letters or more in front: "microchip" is a chip,
// "houseplant" a plant. English compounds are about their last word; four letters keep prefixes out
// ("unblock" is not a lock).
bool compound_of(std::string_view head, std::string_view compound) {
    return head.size() >= 4 && compound.size() >= head.size() + 4 && compound.ends_with(head);
}

// A word the business does not know may be the last word of one of its compounds ("do you chip dogs" and
// "Microchipping 20"), or a compound of one of its words ("house plants" written "houseplants").
Alternatives compounds(const std::string& term, const std::vector<std::string>& vocabulary) {
    Alternatives alts;
    for (const auto& word : vocabulary) {
        if (compound_of(term, word) || compound_of(word, term)) {
            add(alts, word, k_compound_factor);
        }
    }
    return alts;
}

// Whether the customer wrote this word as a place's name ("do you come to Shoreham"): then it asks about the
// area the business serves, whose entry names other towns. Before typos: "Hove" is one letter from "home".
bool written_as_place(const std::vector<std::string>& surfaces, const std::vector<std::string>& places) {
    return std::any_of(surfaces.begin(), surfaces.end(), [&](const std::string& s) {
        return std::find(places.begin(), places.end(), s) != places.end();
    });
}

// The alternatives some entry has, as term ids, in the order of `alts` (which decides, between two of the
// same factor, whose occurrence in an entry a question's word takes).
TermAlternatives term_ids_of(const Alternatives& alts) {
    TermAlternatives out;
    for (const auto& [s, f] : alts) {
        if (auto id = find_term(s)) {
            out.emplace_back(*id, f);
        }
    }
    return out;
}

std::vector<Candidate> retrieve_builtin(store::Database& db, std::int64_t business_rowid,
                                        std::string_view question, std::size_t limit) {
    // Each term with the words it was written as, for WordNet, which knows words, not our stems.
    std::map<std::string, std::vector<std::string>> terms;
    for (auto& w : normalised_words(question)) {
        auto& surfaces = terms[w.term];
        if (!w.surface.empty() && std::find(surfaces.begin(), surfaces.end(), w.surface) == surfaces.end()) {
            surfaces.push_back(std::move(w.surface));
        }
    }
    if (terms.empty()) {
        return {};
    }
    auto wordnet = wordnet_in_use();
    auto loaded = load_corpus(db, business_rowid);
    const Corpus& corpus = *loaded;
    if (corpus.size() == 0) {
        return {};
    }
    auto owner = owner_synonyms(db, business_rowid);
    const double n = static_cast<double>(corpus.size());
    struct Term {
        TermAlternatives alts;
        double weight = 0;
        std::vector<char> in_doc; // whether entry i has any of alts: most have none, and are skipped below
    };
    std::vector<Term> expanded;
    std::optional<std::vector<std::string>> places;
    for (const auto& [term, surfaces] : terms) {
        Alternatives alts = expand(term, owner, 1.0);
        if (wordnet) {
            add_general_synonyms(alts, *wordnet, surfaces);
        }
        auto ids = term_ids_of(alts);
        if (!known(ids, corpus) && owner.count(term) == 0) {
            auto vocabulary = term_texts(corpus.vocabulary());
            if (!places) {
                places = place_words(question); // read once, and only for a question with an unknown word
            }
            if (written_as_place(surfaces, *places)) {
                alts = expand(stem("area"), owner, k_place_factor);
            } else if (auto parts = compounds(term, vocabulary); !parts.empty()) {
                alts = std::move(parts);
            } else if (auto fixed = correct(term, vocabulary, owner); !fixed.empty()) {
                alts = std::move(fixed);
            } else if (wordnet) {
                for (const auto& [s, f] : linked(*wordnet, surfaces)) {
                    add(alts, s, f);
                }
            }
            ids = term_ids_of(alts);
        }
        double df = 0;
        std::vector<char> in_doc(corpus.size());
        for (std::size_t i = 0; i < corpus.size(); ++i) {
            auto doc_terms = corpus.terms(i);
            in_doc[i] = std::any_of(ids.begin(), ids.end(), [&](const auto& a) {
                return std::binary_search(doc_terms.begin(), doc_terms.end(), a.first);
            });
            df += in_doc[i] ? 1 : 0;
        }
        double weight =
            idf(n, df) * (df > 0 ? 1.0 : k_unknown_share) * (common_word(term) ? k_common_weight : 1.0);
        expanded.push_back({std::move(ids), weight, std::move(in_doc)});
    }
    double total = 0;
    for (const auto& t : expanded) {
        total += t.weight;
    }
    std::unordered_map<std::int64_t, Score> scores;
    std::vector<char> used;
    std::vector<double> credit;
    for (std::size_t i = 0; i < corpus.size(); ++i) {
        auto doc_terms = corpus.terms(i);
        auto doc_lead = corpus.lead(i);
        used.assign(doc_terms.size(), 0);
        credit.assign(expanded.size(), 0);
        Score score;
        // Each of the entry's words answers one word of the question: "send your CV" should not count for
        // both "bring" and "house" of "do you bring pizza to my house" through the delivery words of the
        // lexicon. The customer's own words (and the owner's synonyms) claim first, related words after.
        for (int pass = 0; pass < 2; ++pass) {
            for (std::size_t t = 0; t < expanded.size(); ++t) {
                if (credit[t] > 0 || !expanded[t].in_doc[i]) {
                    continue;
                }
                double best = 0;
                std::size_t best_at = doc_terms.size();
                for (const auto& [s, f] : expanded[t].alts) {
                    if ((pass == 0) != (f >= 1.0) || f <= best) {
                        continue;
                    }
                    auto [first, last] = std::equal_range(doc_terms.begin(), doc_terms.end(), s);
                    for (auto it = first; it != last; ++it) {
                        auto at = static_cast<std::size_t>(it - doc_terms.begin());
                        if (!used[at]) {
                            best = f;
                            best_at = at;
                            break;
                        }
                    }
                }
                if (best > 0) {
                    used[best_at] = 1;
                    credit[t] = best;
                }
            }
        }
        for (std::size_t t = 0; t < expanded.size(); ++t) {
            if (credit[t] <= 0) {
                continue;
            }
            const auto& alts = expanded[t].alts;
            double weight = expanded[t].weight;
            score.covered += weight * credit[t];
            double occurrences = 0;
            for (const auto& [s, f] : alts) {
                auto [first, last] = std::equal_range(doc_terms.begin(), doc_terms.end(), s);
                occurrences += f * static_cast<double>(last - first);
            }
            score.repeats += weight * occurrences;
            double lead = 0;
            for (const auto& [s, f] : alts) {
                if (std::find(doc_lead.begin(), doc_lead.end(), s) != doc_lead.end()) {
                    lead = std::max(lead, f);
                }
            }
            score.lead += weight * lead;
        }
        if (score.covered > 0) {
            scores[corpus.rowid(i)] = score;
        }
    }
    return ranked(scores, total, limit);
}

} // namespace

const char* mode_name(Mode mode) {
    switch (mode) {
    case Mode::fts:
        return "fts";
    case Mode::builtin:
        return "builtin";
    case Mode::embeddings:
        return "embeddings";
    case Mode::hybrid:
        return "hybrid";
    }
    return "builtin";
}

std::optional<Mode> parse_mode(std::string_view name) {
    for (Mode m : {Mode::fts, Mode::builtin, Mode::embeddings, Mode::hybrid}) {
        if (name == mode_name(m)) {
            return m;
        }
    }
    return std::nullopt;
}

std::vector<Candidate> retrieve(store::Database& db, std::int64_t business_rowid, std::string_view question,
                                Mode mode, std::size_t limit, const QueryVector* vector) {
    if (mode == Mode::fts) {
        return retrieve_fts(db, business_rowid, question, limit);
    }
    if (vector == nullptr || vector->values.empty() || mode == Mode::builtin) {
        return retrieve_builtin(db, business_rowid, question, limit);
    }
    auto by_vector = retrieve_by_vector(db, business_rowid, *vector, std::max(limit, k_fusion_depth));
    if (mode == Mode::embeddings) {
        by_vector.resize(std::min(by_vector.size(), limit));
        return by_vector;
    }
    auto lexical = retrieve_builtin(db, business_rowid, question, std::max(limit, k_fusion_depth));
    return fuse_by_rank({lexical, by_vector}, limit);
}

} // namespace sbc::answer
