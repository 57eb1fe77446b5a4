#pragma once
// General English synonyms from Princeton WordNet 3.0 as Debian's wordnet-base installs it
// (/usr/share/wordnet): "voucher" -> coupon, "fix" -> repair, "cost" -> price. Read in place from the
// database files (index.*, data.*, *.exc; their format is wndb(5WN)), mapped into memory: opening costs a
// scan of the index files (a few milliseconds), a lookup a binary search and a few lines read.
//
// Only the members of a word's commonest senses are taken (WordNet lists a word's senses commonest first):
// "close" is "shut" in its first verb sense and "near" only as an adjective further down. The answerer
// counts a WordNet synonym below the curated lexicon (retriever.cpp).

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

class WordNet {
  public:
    // The folder Debian's wordnet-base installs.
    static constexpr std::string_view k_default_dir = "/usr/share/wordnet";

    // Opens the database in `dir`; nullptr and `problem` set (which file, why) when a file the lookups
    // need (index.noun/verb/adj/adv, data.noun/verb/adj/adv) is missing or unreadable. The exception lists
    // (noun.exc, ...) are optional.
    static std::shared_ptr<const WordNet> open(const std::string& dir, std::string& problem);

    // The single-word synonyms of `word` (lower case, as written: "reservations", "ran"): the other
    // members of the synsets of its base forms' first `max_senses` senses in each part of speech, lower
    // case, without repeats, `word` itself left out. Collocations ("gift_card") are left out too.
    std::vector<std::string> synonyms(std::string_view word, int max_senses = 2) const;

    // The words WordNet links `word` to, for a word the business never uses: its base forms and the
    // members of the synsets its first `max_senses` senses per part of speech point to with one of
    // `symbols`, the data files' pointer symbols ("@" more general, "@i" the class of an instance, "+"
    // derived from the same root): "cappuccino" -> coffee, "whiter" -> white, whiten. Lower case, without
    // repeats, `word` itself left out.
    std::vector<std::string> linked(std::string_view word, const std::vector<std::string_view>& symbols,
                                    int max_senses = 1) const;

    ~WordNet();
    WordNet(const WordNet&) = delete;
    WordNet& operator=(const WordNet&) = delete;

    struct Impl;

  private:
    explicit WordNet(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> m_impl;
};

// The WordNet the built-in retriever uses, process-wide: set once at start (sbcd, sbc_eval); none means
// the retriever works without general synonyms.
void use_wordnet(std::shared_ptr<const WordNet> wordnet);
std::shared_ptr<const WordNet> wordnet_in_use();

} // namespace sbc::answer
