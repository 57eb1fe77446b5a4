#include "daemon/answer/answerer.hpp"
#include "daemon/answer/wordnet.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <fmt/format.h>
#include <fstream>
#include <map>

using namespace sbc;

namespace {

bool contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
}

// A tiny WordNet database in WordNet's own file format (wndb(5WN)): each part of speech is a list of
// synsets (their member words); a word's senses are the synsets it is in, in the order given.
class TinyWordNet {
  public:
    using Synsets = std::vector<std::vector<std::string>>;

    TinyWordNet(const std::map<std::string, Synsets>& parts, bool with_exceptions = true) {
        for (const std::string part : {"noun", "verb", "adj", "adv"}) {
            auto it = parts.find(part);
            write_part(part, it == parts.end() ? Synsets{} : it->second);
        }
        if (with_exceptions) {
            write("noun.exc", "children child\nmice mouse\n");
        }
    }

    const std::string& dir() const { return m_dir.path(); }
    void remove(const std::string& name) { std::filesystem::remove(m_dir.file(name)); }

  private:
    void write(const std::string& name, const std::string& text) {
        std::ofstream out(m_dir.file(name), std::ios::binary);
        out << text;
    }

    void write_part(const std::string& part, const Synsets& synsets) {
        // The real files start with a licence header of lines starting with spaces.
        std::string data = "  1 This software and database is being provided to you, the LICENSEE\n";
        std::map<std::string, std::vector<std::size_t>> senses; // lemma (lower case) -> synset offsets
        for (const auto& members : synsets) {
            std::size_t offset = data.size();
            std::string line = fmt::format("{:08} 00 {} {:02x}", offset, part[0], members.size());
            for (const auto& m : members) {
                line += " " + m + " 0";
                std::string lemma = m.substr(0, m.find('('));
                std::transform(lemma.begin(), lemma.end(), lemma.begin(), ::tolower);
                senses[lemma].push_back(offset);
            }
            data += line + " 000 | a gloss  \n";
        }
        std::string index = "  1 This software and database is being provided to you, the LICENSEE\n";
        for (const auto& [lemma, offsets] : senses) { // std::map: sorted as WordNet sorts them
            index += fmt::format("{} {} {} 1 @ {} 0", lemma, part[0], offsets.size(), offsets.size());
            for (auto o : offsets) {
                index += fmt::format(" {:08}", o);
            }
            index += "  \n";
        }
        write("data." + part, data);
        write("index." + part, index);
    }

    test::TempDir m_dir;
};

std::shared_ptr<const answer::WordNet> open(const TinyWordNet& tiny) {
    std::string problem;
    auto wordnet = answer::WordNet::open(tiny.dir(), problem);
    INFO(problem);
    REQUIRE(wordnet);
    return wordnet;
}

} // namespace

TEST_CASE("wordnet: a word's synonyms are the other members of its synsets, itself left out", "[answer]") {
    TinyWordNet tiny({{"noun", {{"voucher", "coupon", "token"}, {"bicycle", "bike", "wheel"}}}});
    auto wordnet = open(tiny);
    auto s = wordnet->synonyms("voucher");
    CHECK(contains(s, "coupon"));
    CHECK(contains(s, "token"));
    CHECK_FALSE(contains(s, "voucher"));
    CHECK_FALSE(contains(s, "bike"));
    CHECK(wordnet->synonyms("zeppelin").empty());
}

TEST_CASE("wordnet: only the first senses of a word count, in each part of speech", "[answer]") {
    TinyWordNet tiny({{"verb", {{"close", "shut"}, {"close", "conclude"}, {"close", "fill_up"}}},
                      {"adj", {{"close(a)", "near", "nigh"}}}});
    auto wordnet = open(tiny);
    auto one = wordnet->synonyms("close", 1);
    CHECK(contains(one, "shut"));
    CHECK(contains(one, "near")); // the adjective's first sense, its marker "(a)" dropped
    CHECK_FALSE(contains(one, "conclude"));
    auto two = wordnet->synonyms("close", 2);
    CHECK(contains(two, "conclude"));
    CHECK_FALSE(contains(two, "fill_up")); // a collocation: not a word a question's word can meet
    CHECK_FALSE(contains(wordnet->synonyms("close", 3), "fill_up"));
}

TEST_CASE("wordnet: inflected forms find their base form, by rule and by exception list", "[answer]") {
    TinyWordNet tiny({{"noun", {{"voucher", "coupon"}, {"child", "kid"}, {"Monday", "Mon"}}},
                      {"verb", {{"repair", "fix", "mend"}}}});
    auto wordnet = open(tiny);
    CHECK(contains(wordnet->synonyms("vouchers"), "coupon"));
    CHECK(contains(wordnet->synonyms("repairing"), "mend"));
    CHECK(contains(wordnet->synonyms("repaired"), "fix"));
    CHECK(contains(wordnet->synonyms("children"), "kid"));
    CHECK(contains(wordnet->synonyms("monday"), "mon")); // lower-cased
}

TEST_CASE("wordnet: a missing file is named, the exception lists are optional", "[answer]") {
    TinyWordNet without_exceptions({{"noun", {{"voucher", "coupon"}}}}, false);
    std::string problem;
    CHECK(answer::WordNet::open(without_exceptions.dir(), problem));

    TinyWordNet tiny({{"noun", {{"voucher", "coupon"}}}});
    tiny.remove("data.verb");
    auto wordnet = answer::WordNet::open(tiny.dir(), problem);
    CHECK_FALSE(wordnet);
    CHECK_THAT(problem, Catch::Contains("data.verb") && Catch::Contains("No such file"));
    CHECK_FALSE(answer::WordNet::open(tiny.dir() + "/nowhere", problem));
    CHECK_THAT(problem, Catch::Contains("nowhere/index.noun"));
}

TEST_CASE("wordnet: the built-in answerer finds an entry through a WordNet synonym, below the word itself",
          "[answer]") {
    TinyWordNet tiny({{"noun", {{"bicycle", "bike", "cycle"}}}});
    test::TempDir dir;
    store::Database db{dir.file("sbc.db"), true};
    store::migrate(db);
    store::Business business;
    business.id = "shop";
    business.name = "Shop";
    business.number = "+14155238886";
    business.owner = "+15551234567";
    business.fallback = "I'll ask the owner.";
    store::insert_business(db, business);
    for (const char* text : {"Open Tue-Sun 9-18.", "Second-hand bicycles from 200 euros."}) {
        store::Entry e;
        e.business_rowid = business.rowid;
        e.text = text;
        store::insert_entry(db, e);
    }
    auto ask = [&](std::string_view q) { return answer::answer_question(db, business, q, 0.3); };

    answer::use_wordnet(nullptr);
    CHECK_FALSE(ask("any bikes?").entry_number.has_value());

    answer::use_wordnet(open(tiny));
    auto through_wordnet = ask("any bikes?");
    answer::use_wordnet(nullptr); // process-wide: leave it as the other tests expect
    REQUIRE(through_wordnet.entry_number == 2);
    auto own_word = ask("any bicycles?");
    REQUIRE(own_word.entry_number == 2);
    CHECK(through_wordnet.confidence < own_word.confidence);
}

TEST_CASE("wordnet: a word is linked to its more general synsets and the words of its root", "[answer]") {
    TinyWordNet tiny({});
    // Written by hand: coffee; cappuccino, with a hypernym pointer (@) to coffee and a derivation pointer (+)
    // to a synset it does not mean (espresso), to tell the pointers apart.
    std::string coffee = "00000000 00 n 02 coffee 0 java 0 000 | a beverage  \n";
    std::string espresso = fmt::format("{:08} 00 n 01 espresso 0 000 | strong coffee  \n", coffee.size());
    std::string cappuccino =
        fmt::format("{:08} 00 n 01 Cappuccino 0 002 @ 00000000 n 0000 + {:08} n 0101 | equal parts of coffee "
                    "and milk  \n",
                    coffee.size() + espresso.size(), coffee.size());
    std::ofstream(tiny.dir() + "/data.noun", std::ios::binary) << coffee << espresso << cappuccino;
    std::ofstream(tiny.dir() + "/index.noun", std::ios::binary)
        << fmt::format("cappuccino n 1 2 @ + 1 0 {:08}  \n", coffee.size() + espresso.size())
        << "coffee n 1 0 1 0 00000000  \n"
        << fmt::format("espresso n 1 0 1 0 {:08}  \n", coffee.size()) << "java n 1 0 1 0 00000000  \n";
    auto wordnet = open(tiny);
    auto more_general = wordnet->linked("cappuccino", {"@"}, 1);
    CHECK(contains(more_general, "coffee"));
    CHECK(contains(more_general, "java"));
    CHECK_FALSE(contains(more_general, "espresso"));
    CHECK_FALSE(contains(more_general, "milk")); // the definition is not followed
    CHECK_FALSE(contains(more_general, "cappuccino"));
    CHECK(contains(wordnet->linked("cappuccino", {"@", "+"}, 1), "espresso"));
    auto plural = wordnet->linked("cappuccinos", {"@"}, 1);
    CHECK(contains(plural, "cappuccino")); // the base form
    CHECK(contains(plural, "coffee"));
}
