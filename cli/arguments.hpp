#pragma once
// Building a request's arguments from options the user may or may not have given: an option left out is
// left out of the request too, so sbcd applies its own default and "unchanged" stays meaningful.

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace sbc::cli {

template <typename T>
void put_if_set(nlohmann::json& arguments, const char* key, const std::optional<T>& value) {
    if (value) {
        arguments[key] = *value;
    }
}

// Whole numbers greater than 0 (or at least 0), with a message a person can act on; CLI11's own range check
// prints the limits of a double.
CLI::Validator integer_at_least(long long minimum);

// A number of seconds greater than 0, fractions allowed.
CLI::Validator positive_seconds();

// --business ID, required by every kb command.
inline CLI::Option* add_business_option(CLI::App& command, std::string& business) {
    return command.add_option("--business", business, "the business's id (see sbcctl business list)")
        ->required();
}

} // namespace sbc::cli
