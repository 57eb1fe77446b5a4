#include "daemon/config/dotenv.hpp"

#include "common/text.hpp"

#include <fmt/format.h>
#include <fstream>
#include <sstream>

namespace sbc::config::dotenv {
namespace {

bool valid_name(std::string_view name) {
    if (name.empty() || (name[0] >= '0' && name[0] <= '9')) {
        return false;
    }
    for (char c : name) {
        bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        if (!ok) {
            return false;
        }
    }
    return true;
}

// Returns the value, or nullopt-like failure through `error`.
std::string unquote(std::string_view raw, std::string& error) {
    if (raw.empty()) {
        return {};
    }
    char quote = raw.front();
    if (quote != '"' && quote != '\'') {
        auto hash = raw.find(" #");
        return std::string(text::trim(raw.substr(0, hash)));
    }
    // In double quotes a backslash escapes the next character, so "a\\" ends at its second quote.
    auto close = std::string_view::npos;
    for (std::size_t i = 1; i < raw.size(); ++i) {
        if (quote == '"' && raw[i] == '\\') {
            ++i;
        } else if (raw[i] == quote) {
            close = i;
            break;
        }
    }
    if (close == std::string_view::npos) {
        error = "unterminated quote";
        return {};
    }
    std::string_view inner = raw.substr(1, close - 1);
    if (quote == '\'') {
        return std::string(inner);
    }
    std::string out;
    for (std::size_t i = 0; i < inner.size(); ++i) {
        if (inner[i] == '\\' && i + 1 < inner.size()) {
            char next = inner[++i];
            out.push_back(next == 'n' ? '\n' : next);
        } else {
            out.push_back(inner[i]);
        }
    }
    return out;
}

} // namespace

Parsed parse(const std::string& content, const std::string& file) {
    Parsed parsed;
    std::istringstream in(content);
    std::string line;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        std::string_view view = text::trim(line);
        if (view.empty() || view.front() == '#') {
            continue;
        }
        if (view.rfind("export ", 0) == 0) {
            view = text::trim(view.substr(7));
        }
        auto equals = view.find('=');
        if (equals == std::string_view::npos) {
            parsed.problems.push_back(fmt::format("{}:{}: expected NAME=value", file, number));
            continue;
        }
        std::string_view name = text::trim(view.substr(0, equals));
        if (!valid_name(name)) {
            parsed.problems.push_back(fmt::format("{}:{}: '{}' is not a variable name", file, number, name));
            continue;
        }
        std::string error;
        std::string value = unquote(text::trim(view.substr(equals + 1)), error);
        if (!error.empty()) {
            parsed.problems.push_back(fmt::format("{}:{}: {}: {}", file, number, name, error));
            continue;
        }
        parsed.entries.push_back(Entry{std::string(name), std::move(value), number});
    }
    return parsed;
}

Parsed parse_file(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        Parsed parsed;
        parsed.problems.push_back(fmt::format("{}: cannot read (check its permissions)", file));
        return parsed;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    return parse(buffer.str(), file);
}

} // namespace sbc::config::dotenv
