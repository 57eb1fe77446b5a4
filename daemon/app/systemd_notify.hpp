#pragma once
// systemd's service notification protocol (sd_notify(3)), spoken directly: one datagram of "KEY=value" lines
// to the AF_UNIX socket named by $NOTIFY_SOCKET (a path, or an abstract name written "@name"). A few lines
// of our own instead of a libsystemd dependency. Without $NOTIFY_SOCKET (not started by systemd, or
// Type=simple) every call does nothing.

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace sbc::app {

class SystemdNotifier {
  public:
    // Reads $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID.
    static SystemdNotifier from_environment();
    SystemdNotifier() = default;
    SystemdNotifier(std::string socket, std::optional<std::chrono::microseconds> watchdog);

    bool enabled() const { return !m_socket.empty(); }
    // Sends one datagram, e.g. "READY=1\nSTATUS=serving". False (and logged once) when it cannot be sent;
    // systemd then acts on its own timeouts, so the daemon carries on.
    bool notify(std::string_view state) const;
    // The watchdog period systemd expects pings within (WatchdogSec=), when it is for this process.
    std::optional<std::chrono::microseconds> watchdog() const { return m_watchdog; }

  private:
    std::string m_socket;
    std::optional<std::chrono::microseconds> m_watchdog;
};

} // namespace sbc::app
