// sbcctl status and sbcctl commands: questions about sbcd itself rather than about a business.

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>

namespace sbc::cli {

namespace {

std::string duration_text(long long seconds) {
    long long days = seconds / 86400;
    long long hours = seconds % 86400 / 3600;
    long long minutes = seconds % 3600 / 60;
    if (days > 0) {
        return fmt::format("{}d {}h {}m", days, hours, minutes);
    }
    if (hours > 0) {
        return fmt::format("{}h {}m", hours, minutes);
    }
    return fmt::format("{}m {}s", minutes, seconds % 60);
}

std::string size_text(double bytes) {
    const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    std::size_t unit = 0;
    while (bytes >= 1024 && unit + 1 < std::size(units)) {
        bytes /= 1024;
        ++unit;
    }
    return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

// A value with a reading aid for the two fields that are hard to read as raw numbers.
std::string status_value(const std::string& key, const nlohmann::json& value) {
    if (key == "uptime_seconds" && value.is_number()) {
        return fmt::format("{} ({})", value.get<long long>(), duration_text(value.get<long long>()));
    }
    if (key == "database.size_bytes" && value.is_number()) {
        return fmt::format("{} ({})", value.get<long long>(), size_text(value.get<double>()));
    }
    return display_value(value);
}

// Nested objects become dotted keys ("database.path"), so fields sbcd adds later show up without a change
// here.
void flatten(const std::string& prefix, const nlohmann::json& object, KeyValues& out) {
    for (const auto& [key, value] : object.items()) {
        std::string name = prefix.empty() ? key : prefix + "." + key;
        if (value.is_object()) {
            flatten(name, value, out);
        } else {
            out.emplace_back(name, status_value(name, value));
        }
    }
}

void print_status(const nlohmann::json& reply) {
    print_reply_text(reply);
    const auto& arguments = reply_arguments(reply);
    // The protocol's order first: identity, then where things are, then counts.
    static const char* const k_order[] = {"version", "protocol", "started_at", "uptime_seconds",
                                          "socket",  "database", "http",       "counts"};
    KeyValues pairs;
    for (const char* key : k_order) {
        if (arguments.contains(key)) {
            flatten("", nlohmann::json{{key, arguments[key]}}, pairs);
        }
    }
    for (const auto& [key, value] : arguments.items()) {
        if (std::find(std::begin(k_order), std::end(k_order), key) == std::end(k_order)) {
            flatten("", nlohmann::json{{key, value}}, pairs);
        }
    }
    fmt::print("{}", render_key_values(pairs));
}

// The sbcctl command that sends a control command, so a daemon command without one stands out.
std::string sbcctl_path_for(const std::string& daemon_command) {
    for (const auto& spec : command_specs()) {
        if (spec.daemon_command == daemon_command) {
            return std::string(spec.path);
        }
    }
    return "-";
}

void print_command_table(const nlohmann::json& reply) {
    print_reply_text(reply);
    Table table({{"NAME"}, {"ACCESS"}, {"SBCCTL"}, {"HELP"}});
    for (const auto& command : reply_arguments(reply).value("commands", nlohmann::json::array())) {
        std::string name = command.value("name", "");
        table.add_row({name, command.value("access", ""), sbcctl_path_for(name), command.value("help", "")});
    }
    if (!table.empty()) {
        fmt::print("{}", table.render());
    }
}

} // namespace

CommandAction define_status(CLI::App&, const GlobalOptions& options, std::string_view daemon_command) {
    return [&options, daemon_command] {
        return run_request(options, daemon_command, nlohmann::json::object(), print_status);
    };
}

CommandAction define_commands(CLI::App&, const GlobalOptions& options, std::string_view daemon_command) {
    return [&options, daemon_command] {
        return run_request(options, daemon_command, nlohmann::json::object(), print_command_table);
    };
}

} // namespace sbc::cli
