#pragma once
// The control socket's framing, one line per message each way, shared by sbcd (requests) and sbcctl
// (responses) so that both split a byte stream the same way. Bytes arrive in whatever pieces recv() returns;
// the framer hands out whole lines without their '\n' (and a '\r' before it), and refuses to buffer a line
// longer than its limit, so a peer that never sends '\n' cannot make the other side grow without bound.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sbc {

class LineFramer {
  public:
    explicit LineFramer(std::size_t max_line_bytes) : m_max(max_line_bytes) {}

    // Adds bytes as they were received.
    void append(std::string_view bytes) { m_buffer.append(bytes); }

    // The next complete line, or nothing until more bytes arrive. Empty lines are returned as such; the
    // caller decides whether they mean anything.
    std::optional<std::string> next_line();

    // True once the unfinished line is longer than the limit: the peer must be refused, as no '\n' within
    // the limit can follow.
    bool overflowed() const { return m_buffer.size() - m_start > m_max; }

    // Bytes received and not yet returned as a line.
    std::size_t pending() const { return m_buffer.size() - m_start; }

  private:
    std::size_t m_max;
    std::string m_buffer;
    std::size_t m_start = 0; // where the first line not yet returned begins
};

} // namespace sbc
