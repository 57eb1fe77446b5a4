#include "daemon/log/log.hpp"

#include "common/time_format.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <nlohmann/json.hpp>
#include <random>
#include <vector>

namespace sbc::log {
namespace {

std::atomic<Level> g_level{Level::info};
std::atomic<Format> g_format{Format::text};
std::mutex g_mutex; // guards the three below and keeps lines whole
std::vector<std::string> g_secrets;
std::FILE* g_file = nullptr; // null: stderr
std::string g_file_path;
thread_local std::string t_request;

std::FILE* open_append(const std::string& path, std::string& error) {
    std::FILE* f = std::fopen(path.c_str(), "ae");
    if (f == nullptr) {
        error = fmt::format("cannot open log file {}: {}", path, std::strerror(errno));
    }
    return f;
}

std::string text_line(Level level, std::string_view component, std::string_view message) {
    static constexpr const char* k_tags[] = {"DEBUG", "INFO ", "WARN ", "ERROR", "OFF  "};
    const char* tag = t_request.empty() ? "" : "req=";
    const char* gap = t_request.empty() ? "" : " ";
    return fmt::format("{} {} [{}] {}{}{}{}\n", time_format::iso8601_ms(time_format::now_ms()),
                       k_tags[static_cast<int>(level)], component, tag, t_request, gap, message);
}

std::string json_line(Level level, std::string_view component, std::string_view message) {
    nlohmann::json line = {{"time", time_format::iso8601_ms(time_format::now_ms())},
                           {"level", level_name(level)},
                           {"component", component},
                           {"message", message}};
    if (!t_request.empty()) {
        line["request"] = t_request;
    }
    return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

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

void set_format(Format format) {
    g_format.store(format);
}

std::optional<Format> parse_format(std::string_view name) {
    if (name == "text") {
        return Format::text;
    }
    if (name == "json") {
        return Format::json;
    }
    return std::nullopt;
}

std::string set_file(const std::string& path) {
    std::string error;
    std::FILE* next = path.empty() ? nullptr : open_append(path, error);
    if (!path.empty() && next == nullptr) {
        return error;
    }
    std::lock_guard lock(g_mutex);
    if (g_file != nullptr) {
        std::fclose(g_file);
    }
    g_file = next;
    g_file_path = path;
    return {};
}

std::string reopen_file() {
    std::string path;
    {
        std::lock_guard lock(g_mutex);
        path = g_file_path;
    }
    return path.empty() ? std::string() : set_file(path);
}

RequestScope::RequestScope(std::string id) : m_previous(std::move(t_request)) {
    t_request = std::move(id);
}

RequestScope::~RequestScope() {
    t_request = std::move(m_previous);
}

std::string new_request_id() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    // By hand rather than with fmt: every webhook takes one.
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string id(13, 'r');
    auto bits = rng();
    for (std::size_t i = 12; i > 0; --i, bits >>= 4) {
        id[i] = k_hex[bits & 0xf];
    }
    return id;
}

void write(Level level, std::string_view component, std::string_view message) {
    std::string line = g_format.load(std::memory_order_relaxed) == Format::json
                           ? json_line(level, component, message)
                           : text_line(level, component, message);
    std::lock_guard lock(g_mutex);
    line = mask_secrets(std::move(line));
    std::FILE* out = g_file != nullptr ? g_file : stderr;
    std::fwrite(line.data(), 1, line.size(), out);
    std::fflush(out);
}

} // namespace sbc::log
