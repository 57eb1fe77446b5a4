// sbcctl: the command-line client of sbcd's control socket. Everything but the last-resort catch lives in
// app.cpp and the command files.

#include "cli/app.hpp"
#include "cli/exit_codes.hpp"

#include <exception>
#include <fmt/format.h>

int main(int argc, char** argv) {
    try {
        return sbc::cli::run_sbcctl(argc, argv);
    } catch (const std::exception& e) {
        // Only a bug gets here: expected failures are reported by the commands with their own exit codes.
        fmt::print(stderr, "sbcctl: internal error: {}\n", e.what());
        return sbc::cli::k_exit_error;
    }
}
