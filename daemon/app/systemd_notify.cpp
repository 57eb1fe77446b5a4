#include "daemon/app/systemd_notify.hpp"

#include "daemon/log/log.hpp"

#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstdlib>
#include <cstring>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sbc::app {
namespace {

std::optional<long long> env_number(const char* name) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') {
        return std::nullopt;
    }
    long long value = 0;
    auto end = text + std::strlen(text);
    auto [ptr, ec] = std::from_chars(text, end, value);
    if (ec != std::errc() || ptr != end || value <= 0) {
        return std::nullopt;
    }
    return value;
}

// The sockaddr for a NOTIFY_SOCKET value; a leading '@' names an abstract socket (a NUL byte on the wire).
bool address_of(const std::string& name, sockaddr_un& addr, socklen_t& length) {
    std::memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (name.size() >= sizeof addr.sun_path || (name[0] != '/' && name[0] != '@')) {
        return false;
    }
    std::memcpy(addr.sun_path, name.data(), name.size());
    if (name[0] == '@') {
        addr.sun_path[0] = '\0';
    }
    // An abstract name's length is exact (no terminating NUL); a path's includes its NUL.
    length = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name[0] == '@' ? 0 : 1));
    return true;
}

} // namespace

SystemdNotifier::SystemdNotifier(std::string socket, std::optional<std::chrono::microseconds> watchdog)
    : m_socket(std::move(socket)), m_watchdog(watchdog) {}

SystemdNotifier SystemdNotifier::from_environment() {
    const char* socket = std::getenv("NOTIFY_SOCKET");
    std::optional<std::chrono::microseconds> watchdog;
    if (auto usec = env_number("WATCHDOG_USEC")) {
        // WATCHDOG_PID names the process the watchdog is for; absent means us.
        auto pid = env_number("WATCHDOG_PID");
        if (!pid || *pid == static_cast<long long>(::getpid())) {
            watchdog = std::chrono::microseconds(*usec);
        }
    }
    return SystemdNotifier(socket == nullptr ? std::string() : std::string(socket), watchdog);
}

bool SystemdNotifier::notify(std::string_view state) const {
    if (!enabled()) {
        return false;
    }
    static std::atomic<bool> reported{false};
    sockaddr_un addr{};
    socklen_t length = 0;
    if (!address_of(m_socket, addr, length)) {
        if (!reported.exchange(true)) {
            log_warn("systemd", "NOTIFY_SOCKET '{}' is neither a path nor an @abstract name: not notifying",
                     m_socket);
        }
        return false;
    }
    int fd = ::socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    auto sent =
        ::sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<sockaddr*>(&addr), length);
    int error = errno;
    ::close(fd);
    if (sent != static_cast<ssize_t>(state.size())) {
        if (!reported.exchange(true)) {
            log_warn("systemd", "cannot notify systemd at {}: {}", m_socket, std::strerror(error));
        }
        return false;
    }
    return true;
}

} // namespace sbc::app
