#include "common/time_format.hpp"

#include <chrono>
#include <ctime>
#include <fmt/format.h>

namespace sbc::time_format {

std::int64_t now_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

namespace {

std::tm to_tm(std::int64_t unix_ms) {
    std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
    std::tm tm{};
    gmtime_r(&seconds, &tm);
    return tm;
}

bool parse_digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
    if (pos + count > s.size()) {
        return false;
    }
    out = 0;
    for (std::size_t i = pos; i < pos + count; ++i) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        out = out * 10 + (s[i] - '0');
    }
    return true;
}

std::optional<std::int64_t> parse_relative(std::string_view text, std::int64_t now) {
    if (text.size() < 2) {
        return std::nullopt;
    }
    std::int64_t n = 0;
    for (std::size_t i = 0; i + 1 < text.size(); ++i) {
        if (text[i] < '0' || text[i] > '9' || n > 1'000'000) {
            return std::nullopt;
        }
        n = n * 10 + (text[i] - '0');
    }
    switch (text.back()) {
    case 's':
        return now - n * 1000;
    case 'm':
        return now - n * 60'000;
    case 'h':
        return now - n * 3'600'000;
    case 'd':
        return now - n * 86'400'000;
    default:
        return std::nullopt;
    }
}

// timegm() would quietly turn 2026-02-31 into 3 March; a date that does not exist is refused instead.
int days_in_month(int year, int month) {
    static constexpr int k_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : k_days[month - 1];
}

} // namespace

std::string iso8601(std::int64_t unix_ms) {
    std::tm tm = to_tm(unix_ms);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                       tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string iso8601_ms(std::int64_t unix_ms) {
    std::tm tm = to_tm(unix_ms);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(unix_ms % 1000));
}

std::optional<std::int64_t> parse_time(std::string_view text, std::int64_t now) {
    if (auto relative = parse_relative(text, now)) {
        return relative;
    }
    std::tm tm{};
    int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
    if (!parse_digits(text, 0, 4, year) || text.size() < 10 || text[4] != '-' || text[7] != '-' ||
        !parse_digits(text, 5, 2, month) || !parse_digits(text, 8, 2, day)) {
        return std::nullopt;
    }
    std::string_view rest = text.substr(10);
    if (!rest.empty()) {
        if ((rest[0] != 'T' && rest[0] != ' ') || rest.size() < 6 || !parse_digits(rest, 1, 2, hour) ||
            rest[3] != ':' || !parse_digits(rest, 4, 2, minute)) {
            return std::nullopt;
        }
        rest.remove_prefix(6);
        if (!rest.empty() && rest[0] == ':') {
            if (!parse_digits(rest, 1, 2, second)) {
                return std::nullopt;
            }
            rest.remove_prefix(3);
        }
        if (rest == "Z") {
            rest = {};
        }
        if (!rest.empty()) {
            return std::nullopt;
        }
    }
    if (month < 1 || month > 12 || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59 ||
        second > 60) {
        return std::nullopt;
    }
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_sec = second;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

} // namespace sbc::time_format
