#include "daemon/pipeline/taught_questions.hpp"

#include "common/text.hpp"

#include <vector>

namespace sbc::pipeline {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto end = text.find('\n');
        auto line = text::trim(text.substr(0, end));
        if (!line.empty()) {
            out.push_back(line);
        }
        if (end == std::string_view::npos) {
            break;
        }
        text.remove_prefix(end + 1);
    }
    return out;
}

} // namespace

std::string with_taught_question(std::string_view tags, std::string_view question) {
    auto lines = lines_of(tags);
    // One line: a question sent over several lines is still one phrasing.
    std::string asked;
    for (auto line : lines_of(question)) {
        asked += asked.empty() ? "" : " ";
        asked += line;
    }
    asked.resize(text::utf8_prefix_bytes(asked, k_max_taught_question_chars));
    asked = std::string(text::trim(asked));
    bool known = asked.empty();
    for (auto line : lines) {
        known = known || text::iequals(line, asked);
    }
    if (!known) {
        lines.push_back(asked);
    }
    // Lines are cut at characters and the limit counts bytes of whole lines, so what is kept stays UTF-8.
    std::size_t size = lines.empty() ? 0 : lines.size() - 1; // the newlines between them
    for (auto line : lines) {
        size += line.size();
    }
    std::size_t first = 0;
    for (; first + 1 < lines.size() && size > k_max_taught_chars; ++first) {
        size -= lines[first].size() + 1;
    }
    std::string out;
    for (std::size_t i = first; i < lines.size(); ++i) {
        out += i > first ? "\n" : "";
        out += lines[i];
    }
    return out;
}

} // namespace sbc::pipeline
