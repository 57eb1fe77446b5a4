#include "daemon/pipeline/owner_command_parser.hpp"

#include "common/text.hpp"

#include <cstdint>

namespace sbc::pipeline {

std::optional<OwnerCommand> parse_owner_command(std::string_view body) {
    std::string_view s = text::trim(body);
    if (s.size() < 2 || s.front() != '!') {
        return std::nullopt;
    }
    s.remove_prefix(1);
    std::size_t end = 0;
    while (end < s.size() && s[end] != ' ' && s[end] != '\n' && s[end] != '\t' && s[end] != '\r') {
        ++end;
    }
    OwnerCommand cmd;
    for (char c : s.substr(0, end)) {
        cmd.name.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    if (cmd.name.empty()) {
        return std::nullopt;
    }
    cmd.args = std::string(text::trim(s.substr(end)));
    return cmd;
}

std::optional<std::int64_t> leading_number(std::string_view args, std::string_view* rest) {
    std::string_view s = text::trim(args);
    if (!s.empty() && s.front() == '#') {
        s.remove_prefix(1);
    }
    std::int64_t n = 0;
    std::size_t i = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
        if (n > (INT64_MAX - 9) / 10) {
            return std::nullopt;
        }
        n = n * 10 + (s[i] - '0');
        ++i;
    }
    // The number ends at the same spaces that end a command's name ("!edit 3\r\nnew text" from a CRLF
    // client).
    if (i == 0 || n == 0 || (i < s.size() && s[i] != ' ' && s[i] != '\n' && s[i] != '\t' && s[i] != '\r')) {
        return std::nullopt;
    }
    if (rest != nullptr) {
        *rest = text::trim(s.substr(i));
    }
    return n;
}

} // namespace sbc::pipeline
