// sbcd: command-line options, then the daemon (app/app.cpp).

#include "daemon/app/app.hpp"
#include "daemon/app/malloc_tuning.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/options.hpp"
#include "daemon/log/log.hpp"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>

namespace {

int check_config(const sbc::config::Loaded& loaded) {
    for (const auto& file : loaded.used) {
        fmt::print("read {}\n", file);
    }
    if (!loaded.problems.empty()) {
        for (const auto& problem : loaded.problems) {
            fmt::print(stderr, "{}\n", problem);
        }
        fmt::print(stderr, "{} problem{} found\n", loaded.problems.size(),
                   loaded.problems.size() == 1 ? "" : "s");
        return 1;
    }
    for (const auto& line : sbc::config::describe(loaded.config)) {
        fmt::print("{}\n", line);
    }
    fmt::print("configuration OK\n");
    return 0;
}

void register_secrets(const sbc::config::Config& config) {
    sbc::log::add_secret(config.twilio_auth_token);
    sbc::log::add_secret(config.openai_api_key);
}

} // namespace

int main(int argc, char** argv) {
    sbc::app::tune_malloc(argv);
    CLI::App app{"sbcd: WhatsApp customer care for small businesses (see sbcd(8))", "sbcd"};
    sbc::config::Sources sources;
    std::string config_file, env_file;
    bool check = false;
    app.add_option("-c,--config", config_file, "TOML configuration file (see sbcd.conf(5))");
    app.add_option("--env-file", env_file, "read environment variables from this file instead of ./.env");
    app.add_flag("--check-config", check, "validate the configuration, print it (secrets hidden) and exit");
    app.set_version_flag("-V,--version", std::string("sbcd ") + SBC_VERSION);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? 0 : 2;
    }
    if (!config_file.empty()) {
        sources.config_file = config_file;
    }
    if (!env_file.empty()) {
        sources.env_file = env_file;
    }
    auto loaded = sbc::config::load(sources);
    register_secrets(loaded.config);
    if (check) {
        return check_config(loaded);
    }
    if (!loaded.problems.empty()) {
        for (const auto& problem : loaded.problems) {
            fmt::print(stderr, "sbcd: {}\n", problem);
        }
        fmt::print(stderr,
                   "sbcd: not started: fix the configuration (sbcd --check-config lists every problem)\n");
        return 2;
    }
    sbc::log::set_level(*sbc::log::parse_level(loaded.config.log_level));
    sbc::log::set_format(*sbc::log::parse_format(loaded.config.log_format));
    if (std::string error = sbc::log::set_file(loaded.config.log_file); !error.empty()) {
        fmt::print(stderr, "sbcd: {} (check log.file / SBC_LOG_FILE and the directory's permissions)\n",
                   error);
        return 1;
    }
    for (const auto& file : loaded.used) {
        sbc::log_info("config", "read {}", file);
    }
    return sbc::app::run(loaded.config, sources);
}
