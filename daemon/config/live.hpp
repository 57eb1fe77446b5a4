#pragma once
// The configuration in force, replaceable while sbcd runs (SIGHUP). Readers take a snapshot and keep it for
// one unit of work (a webhook, a control request, a send), so a reload never changes a value halfway through
// one; the old snapshot lives until its last reader is done.

#include "daemon/config/config.hpp"

#include <memory>
#include <mutex>

namespace sbc::config {

class Live {
  public:
    explicit Live(Config initial) : m_current(std::make_shared<const Config>(std::move(initial))) {}
    Live(const Live&) = delete;
    Live& operator=(const Live&) = delete;

    std::shared_ptr<const Config> get() const {
        std::lock_guard lock(m_mutex);
        return m_current;
    }
    void replace(Config next) {
        auto fresh = std::make_shared<const Config>(std::move(next));
        std::lock_guard lock(m_mutex);
        m_current = std::move(fresh);
    }

  private:
    mutable std::mutex m_mutex; // guards m_current (the pointer, not the Config it points to)
    std::shared_ptr<const Config> m_current;
};

} // namespace sbc::config
