#include "daemon/log/log.hpp"

#include "common/time_format.hpp"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <vector>

namespace sbc::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::mutex g_mutex; // guards g_secrets and keeps lines whole
std::vector<std::string> g_secrets;

std::string mask_secrets(std::string line) {
    for (const auto& secret : g_secrets) {
        for (auto pos = line.find(secret); pos != std::string::npos; pos = line.find(secret, pos)) {
            line.replace(pos, secret.size(), "***");
        }
    }
    return line;
}

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace

std::optional<Level> parse_level(std::string_view name) {
    std::string n(name);
    std::transform(n.begin(), n.end(), n.begin(), lower);
    if (n == "debug" || n == "trace") {
        return Level::debug;
    }
    if (n == "info") {
        return Level::info;
    }
    if (n == "warn" || n == "warning") {
        return Level::warn;
    }
    if (n == "error") {
        return Level::error;
    }
    if (n == "off" || n == "none") {
        return Level::off;
    }
    return std::nullopt;
}

std::string_view level_name(Level level) {
    switch (level) {
    case Level::debug:
        return "debug";
    case Level::info:
        return "info";
    case Level::warn:
        return "warn";
    case Level::error:
        return "error";
    case Level::off:
        return "off";
    }
    return "info";
}

void set_level(Level level) {
    g_level.store(level);
}
Level level() {
    return g_level.load(std::memory_order_relaxed);
}

void add_secret(std::string secret) {
    if (secret.size() < 4) {
        return;
    }
    std::lock_guard lock(g_mutex);
    if (std::find(g_secrets.begin(), g_secrets.end(), secret) == g_secrets.end()) {
        g_secrets.push_back(std::move(secret));
        // Longest first: a secret that starts with a shorter one must not be half masked ("***rest").
        std::stable_sort(g_secrets.begin(), g_secrets.end(),
                         [](const std::string& a, const std::string& b) { return a.size() > b.size(); });
    }
}

void write(Level level, std::string_view component, std::string_view message) {
    static constexpr const char* k_tags[] = {"DEBUG", "INFO ", "WARN ", "ERROR", "OFF  "};
    std::string line = fmt::format("{} {} [{}] {}\n", time_format::iso8601_ms(time_format::now_ms()),
                                   k_tags[static_cast<int>(level)], component, message);
    std::lock_guard lock(g_mutex);
    line = mask_secrets(std::move(line));
    std::fwrite(line.data(), 1, line.size(), stderr);
    std::fflush(stderr);
}

} // namespace sbc::log
