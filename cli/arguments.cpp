#include "cli/arguments.hpp"

#include <charconv>
#include <fmt/format.h>

namespace sbc::cli {

CLI::Validator integer_at_least(long long minimum) {
    return CLI::Validator(
        [minimum](std::string& input) -> std::string {
            long long value = 0;
            auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
            if (error != std::errc() || end != input.data() + input.size() || value < minimum) {
                return fmt::format("\"{}\" is not a whole number of at least {}", input, minimum);
            }
            return "";
        },
        minimum > 0 ? "N>0" : "N>=0");
}

CLI::Validator positive_seconds() {
    return CLI::Validator(
        [](std::string& input) -> std::string {
            double value = 0;
            auto [end, error] = std::from_chars(input.data(), input.data() + input.size(), value);
            if (error != std::errc() || end != input.data() + input.size() || !(value > 0) || value > 86400) {
                return fmt::format("\"{}\" is not a number of seconds greater than 0 (and at most 86400)",
                                   input);
            }
            return "";
        },
        "SECONDS");
}

} // namespace sbc::cli
