#pragma once
// The option table: every configuration key sbcd knows, in one place.

#include "daemon/config/config.hpp"

#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace sbc::config {

struct Option {
    std::string_view key; // TOML key, dotted for sections: "twilio.auth_token"
    std::string_view env; // environment / .env variable
    std::string_view help;
    bool secret;
    // Parses and checks a value; returns an empty string when accepted, else why not.
    std::function<std::string(Config&, std::string_view)> set;
    std::function<std::string(const Config&)> show;
    // Whether two configurations hold the same value (secrets included, which `show` hides).
    std::function<bool(const Config&, const Config&)> same;
    // SIGHUP applies a new value at once; otherwise the change waits for a restart (and the reload says so).
    bool reloadable = false;
};

// Every option, ordered by key.
std::span<const Option> options();

} // namespace sbc::config
