#pragma once
// Invariant checks shared by the fuzz targets. A broken invariant prints what broke, with the bytes involved,
// and aborts: libFuzzer reports that as a crash and saves the input, and the replay driver fails its test.

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace sbc::fuzz {

// Bytes as a C-like string literal for messages: printable ASCII kept, everything else as \xNN. Never fails.
inline std::string printable(std::string_view bytes) {
    static constexpr char k_hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char ch : bytes) {
        auto c = static_cast<unsigned char>(ch);
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(ch);
        } else if (c >= 0x20 && c < 0x7f) {
            out.push_back(ch);
        } else {
            out += "\\x";
            out.push_back(k_hex[c >> 4]);
            out.push_back(k_hex[c & 0x0f]);
        }
    }
    out.push_back('"');
    return out;
}

// Reports a broken invariant on stderr and aborts; never returns.
[[noreturn]] inline void invariant_broken(const char* file, int line, const char* condition,
                                          const std::string& detail) {
    std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s\n", file, line, condition);
    if (!detail.empty()) {
        std::fprintf(stderr, "  %s\n", detail.c_str());
    }
    std::fflush(stderr);
    std::abort();
}

} // namespace sbc::fuzz

// Aborts with `detail` (a std::string, evaluated only on failure) when `condition` is false.
#define FUZZ_CHECK(condition, detail)                                                                        \
    do {                                                                                                     \
        if (!(condition)) {                                                                                  \
            ::sbc::fuzz::invariant_broken(__FILE__, __LINE__, #condition, (detail));                         \
        }                                                                                                    \
    } while (false)
