#pragma once
// A stand-in for systemd's notification socket: an AF_UNIX datagram socket whose address a test passes to
// sbcd as NOTIFY_SOCKET, collecting what sbcd sends (READY=1, WATCHDOG=1, STOPPING=1, STATUS=...).

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace sbc::test {

class NotifySocket {
  public:
    // `address` is a file path, or "@name" for an abstract socket (no file).
    explicit NotifySocket(std::string address);
    ~NotifySocket();
    NotifySocket(const NotifySocket&) = delete;
    NotifySocket& operator=(const NotifySocket&) = delete;

    const std::string& address() const { return m_address; }
    // Reads datagrams until one contains the line `line` (e.g. "READY=1") or `timeout` passes; returns that
    // datagram. Everything read is kept in messages().
    std::optional<std::string> wait_for(const std::string& line,
                                        std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // Every datagram received so far, oldest first.
    const std::vector<std::string>& messages() const { return m_messages; }
    // How many received datagrams contain the line `line`.
    std::size_t count(const std::string& line) const;

  private:
    std::string m_address;
    int m_fd = -1;
    std::vector<std::string> m_messages;
    std::size_t m_seen = 0; // messages already checked by wait_for
};

// True when the datagram has `line` as one of its lines.
bool has_line(const std::string& datagram, const std::string& line);

} // namespace sbc::test
