#include "daemon/answer/message_split.hpp"

#include "common/text.hpp"

namespace sbc::answer {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\n' || c == '\t' || c == '\r';
}

} // namespace

std::vector<std::string> split_message(std::string_view text, std::size_t max_chars) {
    std::vector<std::string> parts;
    std::string_view rest = text::trim(text);
    while (!rest.empty()) {
        std::size_t cut = text::utf8_prefix_bytes(rest, max_chars);
        if (cut < rest.size()) {
            // Back up to the last whitespace inside the part, unless that would leave almost nothing.
            std::size_t space = rest.substr(0, cut + 1).find_last_of(" \n\t\r");
            if (space != std::string_view::npos && space > 0 && is_space(rest[space])) {
                cut = space;
            }
        }
        parts.emplace_back(text::trim(rest.substr(0, cut)));
        rest = text::trim(rest.substr(cut));
    }
    return parts;
}

} // namespace sbc::answer
