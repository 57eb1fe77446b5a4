#pragma once
// A business's settings as requests give them, checked the same way by business-register, business-update
// and onboard (business_commands.cpp defines them).

#include "common/result.hpp"
#include "daemon/control/arguments.hpp"
#include "daemon/store/business_repo.hpp"

#include <optional>
#include <string>
#include <vector>

namespace sbc::control {

inline constexpr const char* k_default_fallback =
    "Sorry, I don't have an answer to that yet. I've passed your question on and we'll get back to you soon.";

// The settings a request may set, each optional; filled from arguments and then applied to a Business.
struct Settings {
    std::optional<std::string> name, number, owner, greeting, hours, timezone, fallback;
    std::optional<bool> shared, paused;
};

// Reads and checks the settings present in args (paused only when with_paused); throws CommandError.
Settings read_settings(Arguments& args, bool with_paused);

// Applies the settings given; returns the names of the fields that changed.
std::vector<std::string> apply(const Settings& s, store::Business& b);

// A number belongs to one business, unless every business on it (this one included) is marked shared.
Status check_number_free(store::Database& db, const store::Business& b);

} // namespace sbc::control
