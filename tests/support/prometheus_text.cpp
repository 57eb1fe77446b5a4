#include "tests/support/prometheus_text.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace sbc::test {
namespace {

[[noreturn]] void fail(std::size_t line, const std::string& what, const std::string& text) {
    throw std::runtime_error("line " + std::to_string(line) + ": " + what + ": " + text);
}

bool name_char(char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
           (!first && c >= '0' && c <= '9');
}

std::string read_name(const std::string& s, std::size_t& at) {
    auto start = at;
    while (at < s.size() && name_char(s[at], at == start)) {
        ++at;
    }
    return s.substr(start, at - start);
}

double read_value(const std::string& text, bool& ok) {
    ok = true;
    if (text == "+Inf") {
        return INFINITY;
    }
    if (text == "-Inf") {
        return -INFINITY;
    }
    if (text == "NaN") {
        return NAN;
    }
    char* end = nullptr;
    double v = std::strtod(text.c_str(), &end);
    ok = !text.empty() && end == text.c_str() + text.size();
    return v;
}

// The family a sample name belongs to: itself, or a histogram/summary's base name.
std::string family_of(const std::string& name, const std::map<std::string, std::string>& types) {
    if (types.count(name) != 0) {
        return name;
    }
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
        std::string s(suffix);
        if (name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0) {
            auto base = name.substr(0, name.size() - s.size());
            auto it = types.find(base);
            if (it != types.end() && (it->second == "histogram" || it->second == "summary")) {
                return base;
            }
        }
    }
    return {};
}

void parse_labels(const std::string& s, std::size_t& at, PromSample& sample, std::size_t n) {
    ++at; // '{'
    while (at < s.size() && s[at] != '}') {
        auto label = read_name(s, at);
        if (label.empty() || at + 1 >= s.size() || s[at] != '=' || s[at + 1] != '"') {
            fail(n, "bad label", s);
        }
        at += 2;
        std::string value;
        for (; at < s.size() && s[at] != '"'; ++at) {
            if (s[at] == '\\') {
                if (++at >= s.size()) {
                    fail(n, "unfinished escape", s);
                }
                char e = s[at];
                if (e == 'n') {
                    value += '\n';
                } else if (e == '\\' || e == '"') {
                    value += e;
                } else {
                    fail(n, "unknown escape in a label value", s);
                }
            } else if (s[at] == '\n') {
                fail(n, "raw newline in a label value", s);
            } else {
                value += s[at];
            }
        }
        if (at >= s.size()) {
            fail(n, "unterminated label value", s);
        }
        ++at; // closing quote
        if (!sample.labels.emplace(label, value).second) {
            fail(n, "label repeated", s);
        }
        if (at < s.size() && s[at] == ',') {
            ++at;
        }
    }
    if (at >= s.size()) {
        fail(n, "unterminated label set", s);
    }
    ++at; // '}'
}

} // namespace

std::optional<double> PromScrape::value(const std::string& name,
                                        const std::map<std::string, std::string>& labels) const {
    for (const auto& s : samples) {
        if (s.name == name && s.labels == labels) {
            return s.value;
        }
    }
    return std::nullopt;
}

double PromScrape::sum(const std::string& name) const {
    double total = 0;
    for (const auto& s : samples) {
        if (s.name == name) {
            total += s.value;
        }
    }
    return total;
}

PromScrape parse_prometheus(const std::string& text) {
    PromScrape scrape;
    if (!text.empty() && text.back() != '\n') {
        throw std::runtime_error("the exposition must end with a line feed");
    }
    std::istringstream in(text);
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) {
        ++n;
        if (line.empty()) {
            continue;
        }
        if (line[0] == '#') {
            std::istringstream words(line.substr(1));
            std::string keyword, name;
            words >> keyword >> name;
            std::string rest;
            std::getline(words, rest);
            if (!rest.empty() && rest[0] == ' ') {
                rest.erase(0, 1);
            }
            if (keyword == "TYPE") {
                static const char* k_types[] = {"counter", "gauge", "histogram", "summary", "untyped"};
                bool known = false;
                for (const char* t : k_types) {
                    known = known || rest == t;
                }
                if (!known || scrape.types.count(name) != 0) {
                    fail(n, "unknown or repeated TYPE", line);
                }
                scrape.types[name] = rest;
            } else if (keyword == "HELP") {
                scrape.help[name] = rest;
            }
            continue;
        }
        PromSample sample;
        std::size_t at = 0;
        sample.name = read_name(line, at);
        if (sample.name.empty()) {
            fail(n, "no metric name", line);
        }
        if (at < line.size() && line[at] == '{') {
            parse_labels(line, at, sample, n);
        }
        if (at >= line.size() || line[at] != ' ') {
            fail(n, "expected a space before the value", line);
        }
        auto value_text = line.substr(at + 1);
        if (auto space = value_text.find(' '); space != std::string::npos) {
            value_text = value_text.substr(0, space); // a timestamp may follow
        }
        bool ok = false;
        sample.value = read_value(value_text, ok);
        if (!ok) {
            fail(n, "bad value", line);
        }
        auto family = family_of(sample.name, scrape.types);
        if (family.empty()) {
            fail(n, "sample of a family with no # TYPE before it", line);
        }
        if (scrape.help.count(family) == 0) {
            fail(n, "sample of a family with no # HELP", line);
        }
        if (scrape.types[family] == "counter" && sample.value < 0) {
            fail(n, "negative counter", line);
        }
        scrape.samples.push_back(std::move(sample));
    }
    return scrape;
}

} // namespace sbc::test
