#pragma once
// sbcctl's exit statuses, in one place: the man page's EXIT STATUS table and scripts rely on these numbers.

#include "common/protocol.hpp"

#include <array>
#include <string_view>

namespace sbc::cli {

enum ExitCode : int {
    k_exit_ok = 0,          // done, including "unchanged"
    k_exit_error = 1,       // sbcd could not do it (result 1 or 2), or its reply was unreadable
    k_exit_usage = 2,       // bad command line
    k_exit_unreachable = 3, // socket missing, refused, permission denied, or no answer within --timeout
    k_exit_not_found = 4,   // result 3
    k_exit_invalid = 5,     // result 5, or input sbcctl refused before sending anything (e.g. an import file)
    k_exit_conflict = 6,    // result 4
};

struct ExitCodeRow {
    ExitCode code;
    std::string_view meaning;
};

// Listed in --help so the numbers are at hand without the man page.
inline constexpr std::array k_exit_code_table = {
    ExitCodeRow{k_exit_ok, "success (including \"unchanged\")"},
    ExitCodeRow{k_exit_error, "error reported by sbcd"},
    ExitCodeRow{k_exit_usage, "usage error"},
    ExitCodeRow{k_exit_unreachable, "sbcd unreachable"},
    ExitCodeRow{k_exit_not_found, "not found"},
    ExitCodeRow{k_exit_invalid, "invalid input"},
    ExitCodeRow{k_exit_conflict, "conflict with existing data"},
};

// The exit status for a daemon result code; codes this sbcctl does not know count as errors.
constexpr ExitCode exit_code_for_result(int result) {
    switch (result) {
    case protocol::k_ok:
        return k_exit_ok;
    case protocol::k_not_found:
        return k_exit_not_found;
    case protocol::k_conflict:
        return k_exit_conflict;
    case protocol::k_invalid:
        return k_exit_invalid;
    default:
        return k_exit_error;
    }
}

// The result code sbcctl puts in its own --json document when it fails before or instead of sbcd answering.
constexpr int result_for_local_failure(int exit_code) {
    return exit_code == k_exit_invalid || exit_code == k_exit_usage ? protocol::k_invalid : protocol::k_error;
}

} // namespace sbc::cli
