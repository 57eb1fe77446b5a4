#include "tests/support/notify_socket.hpp"

#include <algorithm>
#include <cstring>
#include <poll.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sbc::test {

bool has_line(const std::string& datagram, const std::string& line) {
    std::istringstream in(datagram);
    for (std::string l; std::getline(in, l);) {
        if (l == line) {
            return true;
        }
    }
    return false;
}

NotifySocket::NotifySocket(std::string address) : m_address(std::move(address)) {
    m_fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0) {
        throw std::runtime_error("socket(AF_UNIX, SOCK_DGRAM) failed");
    }
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (m_address.size() >= sizeof addr.sun_path) {
        throw std::runtime_error("notify socket address too long: " + m_address);
    }
    std::memcpy(addr.sun_path, m_address.data(), m_address.size());
    bool abstract = m_address[0] == '@';
    if (abstract) {
        addr.sun_path[0] = '\0';
    }
    auto length =
        static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + m_address.size() + (abstract ? 0 : 1));
    if (::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), length) != 0) {
        ::close(m_fd);
        throw std::runtime_error("cannot bind notify socket " + m_address + ": " + std::strerror(errno));
    }
}

NotifySocket::~NotifySocket() {
    ::close(m_fd);
    if (!m_address.empty() && m_address[0] == '/') {
        ::unlink(m_address.c_str());
    }
}

std::optional<std::string> NotifySocket::wait_for(const std::string& line,
                                                  std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (; m_seen < m_messages.size(); ++m_seen) {
            if (has_line(m_messages[m_seen], line)) {
                return m_messages[m_seen++];
            }
        }
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            return std::nullopt;
        }
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            continue;
        }
        char buffer[4096];
        auto n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n > 0) {
            m_messages.emplace_back(buffer, static_cast<std::size_t>(n));
        }
    }
}

std::size_t NotifySocket::count(const std::string& line) const {
    return static_cast<std::size_t>(std::count_if(m_messages.begin(), m_messages.end(),
                                                  [&](const std::string& m) { return has_line(m, line); }));
}

} // namespace sbc::test
