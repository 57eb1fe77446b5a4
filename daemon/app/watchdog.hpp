#pragma once
// The systemd watchdog: a thread that sends WATCHDOG=1 at half the period systemd expects, but only while
// the daemon's health check passes. A daemon whose store no longer answers stops pinging, and systemd
// restarts it (WatchdogSec= in the unit); a hung daemon stops pinging by itself.

#include "daemon/app/systemd_notify.hpp"

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace sbc::app {

class Watchdog {
  public:
    using Check = std::function<bool()>;
    // Starts pinging every period/2 when the notifier has a watchdog period; otherwise does nothing.
    Watchdog(const SystemdNotifier& notifier, Check healthy);
    Watchdog(const Watchdog&) = delete;
    Watchdog& operator=(const Watchdog&) = delete;
    ~Watchdog();

  private:
    void run(std::chrono::microseconds interval);

    const SystemdNotifier& m_notifier;
    Check m_healthy;
    std::mutex m_mutex; // guards m_stopping
    std::condition_variable m_cv;
    bool m_stopping = false;
    std::thread m_thread;
};

} // namespace sbc::app
