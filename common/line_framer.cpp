#include "common/line_framer.hpp"

namespace sbc {

std::optional<std::string> LineFramer::next_line() {
    auto newline = m_buffer.find('\n', m_start);
    if (newline == std::string::npos) {
        // Compact only when nothing complete is left: many lines in one read cost one copy, not one each.
        m_buffer.erase(0, m_start);
        m_start = 0;
        return std::nullopt;
    }
    std::string line = m_buffer.substr(m_start, newline - m_start);
    m_start = newline + 1;
    if (!line.empty() && line.back() == '\r') {
        line.pop_back();
    }
    return line;
}

} // namespace sbc
