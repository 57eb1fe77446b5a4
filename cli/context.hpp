#pragma once
// What every command gets: the global options, filled in by CLI11 before any command runs.

#include <chrono>
#include <string>

namespace sbc::cli {

struct GlobalOptions {
    std::string socket;          // --socket, defaulting to SBC_SOCKET, then $SBC_DATA_DIR/sbcd.sock
    bool json = false;           // --json: one JSON document on stdout instead of text
    double timeout_seconds = 10; // --timeout: how long to wait for sbcd, per request

    std::chrono::milliseconds timeout() const {
        return std::chrono::milliseconds(static_cast<long long>(timeout_seconds * 1000.0));
    }
};

} // namespace sbc::cli
