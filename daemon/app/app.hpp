#pragma once
// sbcd's life: load configuration, open the store, start the servers, wait for a signal, shut down in order.

#include "daemon/config/config.hpp"

namespace sbc::app {

// Runs the daemon until SIGTERM or SIGINT; returns the process exit code. Start-up failures are logged with
// what to do about them and give exit code 1.
int run(const config::Config& config);

} // namespace sbc::app
