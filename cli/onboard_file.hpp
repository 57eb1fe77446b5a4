#pragma once
// Reading a bulk-onboarding file (CSV or JSON lines) into one request object per business. Only the file's
// shape is checked here (columns, JSON syntax); the values are checked by sbcd, row by row, with the same
// rules as `business register` and `kb import`, so a bad value fails its own row and nothing else.

#include "common/result.hpp"

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sbc::cli {

struct OnboardRow {
    std::size_t line = 0;  // where the row starts in the file
    nlohmann::json object; // the onboard request's item: name, number, owner, ... knowledge
};

struct OnboardFile {
    std::string format; // "CSV" or "JSON lines"
    std::vector<OnboardRow> rows;
    std::vector<std::string> problems; // "file:line: message"; when not empty nothing may be sent
};

// CSV: a header naming columns among id, name, number, owner, greeting, hours, timezone, fallback, shared,
// paused, knowledge (one entry per line of the cell); name, number and owner are required; an empty cell
// leaves that setting as it is. JSON lines: one object per line with the same keys, knowledge an array of
// strings or of {"text", "tags", "source"}; the seed deployment's businessName, whatsappNumber and ownerPhone
// are accepted for name, number and owner. `format` is "csv", "jsonl" or "" (from the extension).
Result<OnboardFile> read_onboard_file(const std::string& path, const std::string& format);

} // namespace sbc::cli
