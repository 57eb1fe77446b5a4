#include "daemon/app/watchdog.hpp"

#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"

namespace sbc::app {

Watchdog::Watchdog(const SystemdNotifier& notifier, Check healthy)
    : m_notifier(notifier), m_healthy(std::move(healthy)) {
    if (auto period = notifier.watchdog(); period && notifier.enabled()) {
        auto interval = *period / 2;
        log_info("systemd", "watchdog: pinging every {} ms", interval.count() / 1000);
        m_thread = std::thread([this, interval] {
            log::name_this_thread("sbc-watchdog");
            run(interval);
        });
    }
}

Watchdog::~Watchdog() {
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
    }
    m_cv.notify_all();
    if (m_thread.joinable()) {
        m_thread.join();
    }
}

void Watchdog::run(std::chrono::microseconds interval) {
    bool was_healthy = true;
    std::unique_lock lock(m_mutex);
    while (!m_stopping) {
        lock.unlock();
        bool healthy = m_healthy();
        if (healthy) {
            m_notifier.notify("WATCHDOG=1");
        } else if (was_healthy) {
            log_error("systemd", "health check failed: watchdog pings stop, systemd will restart sbcd");
            m_notifier.notify("STATUS=unhealthy: the database does not answer");
        }
        if (healthy && !was_healthy) {
            log_info("systemd", "health check passes again: watchdog pings resume");
            m_notifier.notify("STATUS=serving");
        }
        was_healthy = healthy;
        lock.lock();
        m_cv.wait_for(lock, interval, [this] { return m_stopping; });
    }
}

} // namespace sbc::app
