#include "daemon/answer/wordnet.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <optional>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace sbc::answer {
namespace {

// A read-only file mapped into memory; empty when it could not be.
class MappedFile {
  public:
    MappedFile() = default;
    MappedFile(const MappedFile&) = delete;
    MappedFile& operator=(const MappedFile&) = delete;
    ~MappedFile() {
        if (m_data != nullptr) {
            ::munmap(m_data, m_size);
        }
    }

    // An empty string when mapped, otherwise why not.
    std::string map(const std::string& path) {
        int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            return path + ": " + std::strerror(errno);
        }
        struct stat st {};
        std::string problem;
        if (::fstat(fd, &st) != 0) {
            problem = path + ": " + std::strerror(errno);
        } else if (st.st_size > 0) {
            void* p = ::mmap(nullptr, static_cast<std::size_t>(st.st_size), PROT_READ, MAP_PRIVATE, fd, 0);
            if (p == MAP_FAILED) {
                problem = path + ": " + std::strerror(errno);
            } else {
                m_data = p;
                m_size = static_cast<std::size_t>(st.st_size);
            }
        }
        ::close(fd);
        return problem;
    }

    std::string_view text() const { return {static_cast<const char*>(m_data), m_size}; }

  private:
    void* m_data = nullptr;
    std::size_t m_size = 0;
};

// A sorted text file of lines "key rest...": the index files and the exception lists. Lines starting with a
// space are the licence header of the index files.
class SortedLines {
  public:
    std::string open(const std::string& path) {
        if (auto problem = m_file.map(path); !problem.empty()) {
            return problem;
        }
        auto text = m_file.text();
        std::size_t at = 0;
        while (at < text.size()) {
            auto end = text.find('\n', at);
            if (end == std::string_view::npos) {
                end = text.size();
            }
            if (end > at && text[at] != ' ') {
                m_lines.push_back(text.substr(at, end - at));
            }
            at = end + 1;
        }
        return {};
    }

    // The line whose first field is `key`, or empty.
    std::string_view find(std::string_view key) const {
        auto it =
            std::lower_bound(m_lines.begin(), m_lines.end(), key,
                             [](std::string_view line, std::string_view k) { return key_of(line) < k; });
        return it != m_lines.end() && key_of(*it) == key ? *it : std::string_view{};
    }

  private:
    static std::string_view key_of(std::string_view line) { return line.substr(0, line.find(' ')); }

    MappedFile m_file;
    std::vector<std::string_view> m_lines;
};

std::vector<std::string_view> fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t at = 0;
    while (at < line.size()) {
        auto end = line.find(' ', at);
        if (end == std::string_view::npos) {
            end = line.size();
        }
        if (end > at) {
            out.push_back(line.substr(at, end - at));
        }
        at = end + 1;
    }
    return out;
}

bool parse_number(std::string_view s, int base, std::size_t& out) {
    if (s.empty()) {
        return false;
    }
    std::size_t value = 0;
    for (char c : s) {
        int digit = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : base;
        if (digit >= base) {
            return false;
        }
        value = value * static_cast<std::size_t>(base) + static_cast<std::size_t>(digit);
    }
    out = value;
    return true;
}

// WordNet's own detachment rules (morphy, morph.c): the suffixes an inflected form may lose, per part of
// speech.
struct Rule {
    std::string_view suffix, ending;
};
constexpr std::array<Rule, 8> k_noun_rules = {{{"s", ""},
                                               {"ses", "s"},
                                               {"xes", "x"},
                                               {"zes", "z"},
                                               {"ches", "ch"},
                                               {"shes", "sh"},
                                               {"men", "man"},
                                               {"ies", "y"}}};
constexpr std::array<Rule, 8> k_verb_rules = {
    {{"s", ""}, {"ies", "y"}, {"es", "e"}, {"es", ""}, {"ed", "e"}, {"ed", ""}, {"ing", "e"}, {"ing", ""}}};
constexpr std::array<Rule, 4> k_adj_rules = {{{"er", ""}, {"est", ""}, {"er", "e"}, {"est", "e"}}};

struct PartOfSpeech {
    std::string_view name; // the files' suffix
    const Rule* rules;
    std::size_t rule_count;
};
constexpr std::array<PartOfSpeech, 4> k_parts = {{{"noun", k_noun_rules.data(), k_noun_rules.size()},
                                                  {"verb", k_verb_rules.data(), k_verb_rules.size()},
                                                  {"adj", k_adj_rules.data(), k_adj_rules.size()},
                                                  {"adv", nullptr, 0}}};

// A pointer's part of speech as the data files write it ("s" is an adjective in a cluster), as an index
// into k_parts.
std::optional<std::size_t> part_of(std::string_view symbol) {
    static constexpr std::array<std::pair<std::string_view, std::size_t>, 5> k_symbols = {
        {{"n", 0}, {"v", 1}, {"a", 2}, {"s", 2}, {"r", 3}}};
    for (const auto& [name, part] : k_symbols) {
        if (symbol == name) {
            return part;
        }
    }
    return std::nullopt;
}

// "big(a)" -> "big"; "Monday" -> "monday"; empty for a collocation or a word with other than letters,
// digits, '-' or '.' (abbreviations like "p.m." are not what a customer types either).
std::string plain_lemma(std::string_view word) {
    if (auto paren = word.find('('); paren != std::string_view::npos) {
        word = word.substr(0, paren);
    }
    std::string out;
    for (char c : word) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
            return {};
        }
        out.push_back(c);
    }
    return out;
}

} // namespace

struct WordNet::Impl {
    struct Part {
        SortedLines index;
        SortedLines exceptions; // may be empty
        MappedFile data;
    };
    std::array<Part, k_parts.size()> parts;

    // The base forms of `word` that this part of speech's index holds.
    std::vector<std::string> base_forms(std::size_t p, std::string_view word) const {
        std::vector<std::string> out;
        auto add = [&](std::string form) {
            if (!parts[p].index.find(form).empty() && std::find(out.begin(), out.end(), form) == out.end()) {
                out.push_back(std::move(form));
            }
        };
        add(std::string(word));
        auto exception = fields(parts[p].exceptions.find(word));
        for (std::size_t i = 1; i < exception.size(); ++i) {
            add(std::string(exception[i]));
        }
        for (std::size_t r = 0; r < k_parts[p].rule_count; ++r) {
            const auto& rule = k_parts[p].rules[r];
            if (word.size() > rule.suffix.size() + 1 && word.ends_with(rule.suffix)) {
                add(std::string(word.substr(0, word.size() - rule.suffix.size())) + std::string(rule.ending));
            }
        }
        return out;
    }

    // index line: lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
    std::vector<std::size_t> sense_offsets(std::size_t p, std::string_view lemma, int max_senses) const {
        auto f = fields(parts[p].index.find(lemma));
        std::size_t synsets = 0, pointers = 0;
        if (f.size() < 4 || !parse_number(f[2], 10, synsets) || !parse_number(f[3], 10, pointers)) {
            return {};
        }
        std::size_t first = 4 + pointers + 2;
        std::vector<std::size_t> out;
        for (std::size_t i = first;
             i < f.size() && i < first + synsets && out.size() < std::size_t(max_senses); ++i) {
            std::size_t offset = 0;
            if (parse_number(f[i], 10, offset)) {
                out.push_back(offset);
            }
        }
        return out;
    }

    // data line: offset lex_filenum ss_type w_cnt(hex) word lex_id [word lex_id]... p_cnt ...
    void members(std::size_t p, std::size_t offset, std::vector<std::string>& out) const {
        auto text = parts[p].data.text();
        if (offset >= text.size()) {
            return;
        }
        auto end = text.find('\n', offset);
        auto f =
            fields(text.substr(offset, end == std::string_view::npos ? text.size() - offset : end - offset));
        std::size_t count = 0;
        if (f.size() < 4 || !parse_number(f[3], 16, count)) {
            return;
        }
        for (std::size_t i = 0; i < count && 4 + 2 * i < f.size(); ++i) {
            auto lemma = plain_lemma(f[4 + 2 * i]);
            if (!lemma.empty() && std::find(out.begin(), out.end(), lemma) == out.end()) {
                out.push_back(std::move(lemma));
            }
        }
    }

    std::string_view line_at(std::size_t p, std::size_t offset) const {
        auto text = parts[p].data.text();
        if (offset >= text.size()) {
            return {};
        }
        auto end = text.find('\n', offset);
        return text.substr(offset, end == std::string_view::npos ? text.size() - offset : end - offset);
    }

    // The members of the synsets one synset points to with one of `symbols` (the data files' pointer
    // symbols).
    void linked(std::size_t p, std::size_t offset, const std::vector<std::string_view>& symbols,
                std::vector<std::string>& out) const {
        auto line = line_at(p, offset);
        auto f = fields(line.substr(0, line.find(" | ")));
        std::size_t count = 0, pointers = 0;
        if (f.size() < 4 || !parse_number(f[3], 16, count) || f.size() < 5 + 2 * count ||
            !parse_number(f[4 + 2 * count], 10, pointers)) {
            return;
        }
        for (std::size_t i = 0; i < pointers; ++i) {
            std::size_t at = 5 + 2 * count + 4 * i, target = 0;
            if (at + 3 >= f.size() || std::find(symbols.begin(), symbols.end(), f[at]) == symbols.end() ||
                !parse_number(f[at + 1], 10, target)) {
                continue;
            }
            if (auto target_part = part_of(f[at + 2])) {
                members(*target_part, target, out);
            }
        }
    }
};

WordNet::WordNet(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}
WordNet::~WordNet() = default;

std::shared_ptr<const WordNet> WordNet::open(const std::string& dir, std::string& problem) {
    auto impl = std::make_unique<Impl>();
    for (std::size_t p = 0; p < k_parts.size(); ++p) {
        auto suffix = std::string(k_parts[p].name);
        problem = impl->parts[p].index.open(dir + "/index." + suffix);
        if (problem.empty()) {
            problem = impl->parts[p].data.map(dir + "/data." + suffix);
        }
        if (!problem.empty()) {
            return nullptr;
        }
        (void)impl->parts[p].exceptions.open(dir + "/" + suffix + ".exc"); // optional: adv has few
    }
    return std::shared_ptr<const WordNet>(new WordNet(std::move(impl)));
}

std::vector<std::string> WordNet::synonyms(std::string_view word, int max_senses) const {
    std::vector<std::string> out;
    for (std::size_t p = 0; p < k_parts.size(); ++p) {
        for (const auto& base : m_impl->base_forms(p, word)) {
            for (auto offset : m_impl->sense_offsets(p, base, max_senses)) {
                m_impl->members(p, offset, out);
            }
        }
    }
    out.erase(std::remove(out.begin(), out.end(), std::string(word)), out.end());
    return out;
}

std::vector<std::string> WordNet::linked(std::string_view word, const std::vector<std::string_view>& symbols,
                                         int max_senses) const {
    std::vector<std::string> out;
    for (std::size_t p = 0; p < k_parts.size(); ++p) {
        for (const auto& base : m_impl->base_forms(p, word)) {
            if (base != word && std::find(out.begin(), out.end(), base) == out.end()) {
                out.push_back(base);
            }
            for (auto offset : m_impl->sense_offsets(p, base, max_senses)) {
                m_impl->linked(p, offset, symbols, out);
            }
        }
    }
    out.erase(std::remove(out.begin(), out.end(), std::string(word)), out.end());
    return out;
}

namespace {
std::mutex g_wordnet_mutex;
std::shared_ptr<const WordNet> g_wordnet;
} // namespace

void use_wordnet(std::shared_ptr<const WordNet> wordnet) {
    std::lock_guard lock(g_wordnet_mutex);
    g_wordnet = std::move(wordnet);
}

std::shared_ptr<const WordNet> wordnet_in_use() {
    std::lock_guard lock(g_wordnet_mutex);
    return g_wordnet;
}

} // namespace sbc::answer
