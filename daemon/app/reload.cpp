#include "daemon/app/reload.hpp"

#include "daemon/config/options.hpp"
#include "daemon/log/log.hpp"

#include <fmt/format.h>

namespace sbc::app {

ReloadResult apply_reload(config::Live& live, const config::Loaded& next) {
    ReloadResult result;
    if (!next.problems.empty()) {
        result.problems = next.problems;
        return result;
    }
    auto running = live.get();
    config::Config applied = next.config;
    for (const auto& option : config::options()) {
        if (option.same(*running, next.config)) {
            continue;
        }
        if (option.reloadable) {
            result.changed.push_back(option.secret
                                         ? fmt::format("{} changed (secret, not shown)", option.key)
                                         : fmt::format("{}: {} -> {}", option.key, option.show(*running),
                                                       option.show(next.config)));
            continue;
        }
        result.needs_restart.push_back(fmt::format("{} changed to {}: needs a restart (still {})", option.key,
                                                   option.show(next.config), option.show(*running)));
        // Restart-only options are never secret, so their shown value reads back as the same value.
        option.set(applied, option.show(*running));
    }
    if (!result.changed.empty()) {
        live.replace(std::move(applied));
    }
    result.applied = true;
    return result;
}

void log_reload(const ReloadResult& result) {
    if (!result.applied) {
        for (const auto& problem : result.problems) {
            log_error("config", "reload: {}", problem);
        }
        log_error("config",
                  "reload refused: the new configuration has {} problem(s); the running configuration is "
                  "unchanged (sbcd --check-config shows them)",
                  result.problems.size());
        return;
    }
    for (const auto& line : result.changed) {
        log_info("config", "reload: {}", line);
    }
    for (const auto& line : result.needs_restart) {
        log_warn("config", "reload: {}", line);
    }
    log_info("config", "reload done: {} change(s) applied, {} waiting for a restart", result.changed.size(),
             result.needs_restart.size());
}

} // namespace sbc::app
