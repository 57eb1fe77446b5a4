#pragma once
// sbcctl's command line: global options, the subcommands from the command table, parsing and running.

namespace sbc::cli {

// Parses argv, runs the chosen command and returns the exit status (2 for any command-line error).
int run_sbcctl(int argc, char** argv);

} // namespace sbc::cli
