#pragma once
// sbcd's life: load configuration, open the store, start the servers, wait for a signal, shut down in order.

#include "daemon/config/config.hpp"

namespace sbc::app {

// Runs the daemon until SIGTERM or SIGINT; returns the process exit code. Start-up failures are logged with
// what to do about them and give exit code 1. SIGHUP reads `sources` again (see reload.hpp). Under systemd
// (Type=notify) it reports readiness, status, watchdog pings and the drain on stop.
int run(const config::Config& config, const config::Sources& sources);

} // namespace sbc::app
