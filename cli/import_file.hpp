#pragma once
// Reading a knowledge import file (CSV or JSON lines) into entries, checking every row before anything is
// sent, so a bad file imports nothing rather than half of itself.

#include "common/result.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace sbc::cli {

// A knowledge entry's text is 1 to 4,000 characters after trimming (docs/control-protocol.md).
inline constexpr std::size_t k_max_entry_chars = 4000;

struct ImportEntry {
    std::size_t line = 0; // where the entry starts in the file, for messages
    std::string text;
    std::optional<std::string> tags;
    std::optional<std::string> source;
};

struct ImportProblem {
    std::size_t line = 0; // 0 when the problem is not on one line (e.g. an entry of a JSON array)
    std::string message;
};

struct ImportFile {
    std::string format; // "CSV", "JSON lines" or "JSON array", for the summary
    std::vector<ImportEntry> entries;
    std::vector<ImportProblem> problems; // every malformed row; when not empty nothing may be imported
};

// Reads path ("-" for standard input). The format comes from the extension (.csv; .jsonl, .ndjson, .json),
// else from the first non-blank character ('{' or '[' means JSON). CSV needs a header with a `text` column
// or `question` and `answer` columns (joined by a newline), plus optional `tags` and `source`; JSON lines
// hold objects with `text` and optional `tags` and `source` (the other fields of a `kb export` line are
// ignored). Fails only when the file cannot be read; malformed content is reported in problems.
Result<ImportFile> read_import_file(const std::string& path);

// The whole content of path ("-" for standard input); fails with k_exit_invalid saying why.
Result<std::string> read_input_file(const std::string& path);

// "file:line: message", or "file: message" without a line.
std::string describe_problem(const std::string& path, const ImportProblem& problem);

// How a path is named in messages: "standard input" for "-".
std::string display_path(const std::string& path);

} // namespace sbc::cli
