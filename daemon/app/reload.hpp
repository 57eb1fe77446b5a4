#pragma once
// SIGHUP: read the configuration again from the sources sbcd started with, apply what can change while it
// runs, and say what changed and what waits for a restart. A new configuration with any problem is refused
// as a whole; the running one stays.

#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"

#include <string>
#include <vector>

namespace sbc::app {

struct ReloadResult {
    bool applied = false;
    std::vector<std::string> problems;      // why it was refused (then nothing changed)
    std::vector<std::string> changed;       // "key: old -> new", applied now
    std::vector<std::string> needs_restart; // "key changed to X: needs a restart"
};

// Compares `next` with the configuration in force and, when `next` has no problems, puts the reloadable
// changes in force (restart-only options keep their running values). Logs nothing: see log_reload().
ReloadResult apply_reload(config::Live& live, const config::Loaded& next);

// One log line per change, per restart-only change and per problem, then a summary.
void log_reload(const ReloadResult& result);

} // namespace sbc::app
