#include "daemon/config/config.hpp"

#include "common/paths.hpp"
#include "common/phone.hpp"
#include "daemon/config/dotenv.hpp"
#include "daemon/config/options.hpp"

#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <toml++/toml.h>

namespace sbc::config {
namespace {

const Option* find_by_key(std::string_view key) {
    for (const auto& option : options()) {
        if (option.key == key) {
            return &option;
        }
    }
    return nullptr;
}

// The fewest decimals that read back the same, never an exponent: 0.005, not 0.005000000000000001; 0.00002
// (an embedding price per 1000 tokens), not 2e-05, which the price options would refuse.
std::string fixed_decimal(double d) {
    for (int places = 0; places <= 17; ++places) {
        std::string text = fmt::format("{:.{}f}", d, places);
        if (std::strtod(text.c_str(), nullptr) == d) {
            return text;
        }
    }
    return fmt::format("{}", d); // nan
}

std::string toml_scalar(const toml::node& node) {
    if (auto s = node.value<std::string>()) {
        return *s;
    }
    if (auto b = node.value_exact<bool>()) {
        return *b ? "true" : "false";
    }
    if (auto i = node.value_exact<std::int64_t>()) {
        return std::to_string(*i);
    }
    if (auto d = node.value_exact<double>()) {
        return fixed_decimal(*d);
    }
    return {};
}

void apply(Loaded& loaded, const Option& option, std::string_view value, const std::string& where) {
    if (std::string error = option.set(loaded.config, value); !error.empty()) {
        loaded.problems.push_back(fmt::format("{}: {}: {}", where, option.key, error));
    }
}

void walk_toml(Loaded& loaded, const toml::table& table, const std::string& prefix, const std::string& file) {
    for (const auto& [name, node] : table) {
        std::string key = prefix.empty() ? std::string(name.str()) : prefix + "." + std::string(name.str());
        std::string where = fmt::format("{}:{}", file, node.source().begin.line);
        if (const auto* sub = node.as_table()) {
            walk_toml(loaded, *sub, key, file);
            continue;
        }
        const Option* option = find_by_key(key);
        if (option == nullptr) {
            loaded.problems.push_back(fmt::format(
                "{}: unknown option \"{}\" (sbcd --check-config lists the known ones)", where, key));
            continue;
        }
        if (node.is_array() || node.is_table()) {
            loaded.problems.push_back(fmt::format("{}: {}: expected a single value", where, key));
            continue;
        }
        apply(loaded, *option, toml_scalar(node), where);
    }
}

void read_toml(Loaded& loaded, const std::string& file) {
    if (!std::filesystem::exists(file)) {
        loaded.problems.push_back(fmt::format("{}: no such file (check the --config path)", file));
        return;
    }
    try {
        toml::table table = toml::parse_file(file);
        loaded.used.push_back(file);
        walk_toml(loaded, table, "", file);
    } catch (const toml::parse_error& e) {
        loaded.problems.push_back(
            fmt::format("{}:{}: {} (fix the TOML syntax)", file, e.source().begin.line, e.description()));
    }
}

void read_env_file(Loaded& loaded, const std::string& file, bool required) {
    if (!std::filesystem::exists(file)) {
        if (required) {
            loaded.problems.push_back(fmt::format("{}: no such file", file));
        }
        return;
    }
    auto parsed = dotenv::parse_file(file);
    loaded.used.push_back(file);
    for (const auto& problem : parsed.problems) {
        loaded.problems.push_back(problem);
    }
    for (const auto& entry : parsed.entries) {
        for (const auto& option : options()) {
            if (option.env == entry.name) {
                apply(loaded, option, entry.value, fmt::format("{}:{}", file, entry.line));
            }
        }
    }
}

void read_environment(Loaded& loaded) {
    for (const auto& option : options()) {
        std::string name(option.env);
        if (const char* value = std::getenv(name.c_str()); value != nullptr) {
            apply(loaded, option, value, fmt::format("environment {}", name));
        }
    }
}

void normalize(Loaded& loaded) {
    auto& c = loaded.config;
    if (!c.twilio_whatsapp_number.empty()) {
        if (auto number = phone::normalize(c.twilio_whatsapp_number)) {
            c.twilio_whatsapp_number = *number;
        }
    }
    if (c.twilio_account_sid.empty() != c.twilio_auth_token.empty()) {
        loaded.problems.push_back(
            "twilio: set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, or neither for dry-run");
    }
    if (c.tls_cert_file.empty() != c.tls_key_file.empty()) {
        loaded.problems.push_back(
            "http: set both http.tls_cert_file and http.tls_key_file to serve HTTPS, or "
            "neither to serve plain HTTP behind a TLS proxy");
    }
}

} // namespace

std::string Config::socket() const {
    return socket_path.empty() ? paths::socket_in(data_dir) : socket_path;
}

std::string Config::listen() const {
    return fmt::format("{}:{}", listen_host, listen_port);
}

Loaded load(const Sources& sources) {
    Loaded loaded;
    if (sources.config_file) {
        read_toml(loaded, *sources.config_file);
    }
    if (sources.env_file) {
        read_env_file(loaded, *sources.env_file, true);
    } else if (sources.use_environment) {
        read_env_file(loaded, ".env", false);
    }
    if (sources.use_environment) {
        read_environment(loaded);
    }
    normalize(loaded);
    return loaded;
}

std::vector<std::string> describe(const Config& config) {
    std::vector<std::string> lines;
    for (const auto& option : options()) {
        lines.push_back(fmt::format("{} = {}", option.key, option.show(config)));
    }
    return lines;
}

} // namespace sbc::config
