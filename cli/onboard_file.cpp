#include "cli/onboard_file.hpp"

#include "cli/exit_codes.hpp"
#include "cli/import_file.hpp"
#include "common/csv_reader.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <map>
#include <set>
#include <sstream>

namespace sbc::cli {
namespace {

constexpr std::array<std::string_view, 11> k_columns = {"id",       "name",   "number",   "owner",
                                                        "greeting", "hours",  "timezone", "fallback",
                                                        "shared",   "paused", "knowledge"};

// "yes"/"true"/"1" and "no"/"false"/"0" become booleans; anything else goes to sbcd as text, which refuses
// it for that row with the argument's name.
nlohmann::json switch_value(const std::string& cell) {
    auto v = text::ascii_lower(text::trim(cell));
    if (v == "yes" || v == "true" || v == "1") {
        return true;
    }
    if (v == "no" || v == "false" || v == "0") {
        return false;
    }
    return cell;
}

nlohmann::json knowledge_from_cell(const std::string& cell) {
    nlohmann::json entries = nlohmann::json::array();
    std::istringstream in(cell);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (!text::trim(line).empty()) {
            entries.push_back({{"text", line}});
        }
    }
    return entries;
}

void read_csv_rows(const std::string& path, std::string_view content, OnboardFile& out) {
    auto doc = read_csv(content);
    if (doc.error) {
        out.problems.push_back(fmt::format("{}:{}: {}", path, doc.error->line, doc.error->message));
        return;
    }
    if (doc.records.empty()) {
        return;
    }
    const auto& header = doc.records.front();
    std::vector<std::string> names;
    std::set<std::string> seen;
    for (const auto& field : header.fields) {
        auto name = text::ascii_lower(text::trim(field));
        if (std::find(k_columns.begin(), k_columns.end(), name) == k_columns.end()) {
            out.problems.push_back(
                fmt::format("{}:{}: unknown column \"{}\" (the columns are id, name, number, "
                            "owner, greeting, hours, timezone, fallback, shared, paused, "
                            "knowledge)",
                            path, header.line, field));
        } else if (!seen.insert(name).second) {
            out.problems.push_back(
                fmt::format("{}:{}: column \"{}\" appears twice", path, header.line, name));
        }
        names.push_back(name);
    }
    for (const char* needed : {"name", "number", "owner"}) {
        if (!seen.contains(needed)) {
            out.problems.push_back(
                fmt::format("{}:{}: the header needs a \"{}\" column (name, number and owner "
                            "are required)",
                            path, header.line, needed));
        }
    }
    if (!out.problems.empty()) {
        return;
    }
    for (std::size_t r = 1; r < doc.records.size(); ++r) {
        const auto& record = doc.records[r];
        if (record.fields.size() != names.size()) {
            out.problems.push_back(fmt::format("{}:{}: {} fields, the header has {}", path, record.line,
                                               record.fields.size(), names.size()));
            continue;
        }
        nlohmann::json object = nlohmann::json::object();
        for (std::size_t i = 0; i < names.size(); ++i) {
            const auto& cell = record.fields[i];
            if (text::trim(cell).empty()) {
                continue; // not given: left as it is
            }
            if (names[i] == "knowledge") {
                object["knowledge"] = knowledge_from_cell(cell);
            } else if (names[i] == "shared" || names[i] == "paused") {
                object[names[i]] = switch_value(cell);
            } else {
                object[names[i]] = cell;
            }
        }
        out.rows.push_back({record.line, std::move(object)});
    }
}

// The seed deployment's field names, as its register endpoint takes them.
void rename_seed_keys(nlohmann::json& object) {
    static const std::map<std::string, std::string> k_seed = {
        {"businessName", "name"}, {"whatsappNumber", "number"}, {"ownerPhone", "owner"}};
    for (const auto& [from, to] : k_seed) {
        if (object.contains(from) && !object.contains(to)) {
            object[to] = object[from];
            object.erase(from);
        }
    }
}

void read_json_lines(const std::string& path, std::string_view content, OnboardFile& out) {
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start <= content.size()) {
        auto end = content.find('\n', start);
        std::string_view line = content.substr(start, end == std::string_view::npos ? end : end - start);
        ++line_number;
        start = end == std::string_view::npos ? content.size() + 1 : end + 1;
        if (text::trim(line).empty()) {
            continue;
        }
        auto object = nlohmann::json::parse(line.begin(), line.end(), nullptr, false);
        if (object.is_discarded() || !object.is_object()) {
            out.problems.push_back(
                fmt::format("{}:{}: not a JSON object (each line holds one business)", path, line_number));
            continue;
        }
        rename_seed_keys(object);
        if (auto k = object.find("knowledge"); k != object.end() && k->is_array()) {
            for (auto& entry : *k) {
                if (entry.is_string()) {
                    entry = nlohmann::json{{"text", entry}};
                }
            }
        }
        out.rows.push_back({line_number, std::move(object)});
    }
}

std::string format_of(const std::string& path, const std::string& format) {
    if (!format.empty()) {
        return format;
    }
    auto dot = path.rfind('.');
    auto extension = dot == std::string::npos ? "" : text::ascii_lower(path.substr(dot + 1));
    return extension == "jsonl" || extension == "ndjson" || extension == "json" ? "jsonl" : "csv";
}

} // namespace

Result<OnboardFile> read_onboard_file(const std::string& path, const std::string& format) {
    auto content = read_input_file(path);
    if (!content) {
        return content.error();
    }
    OnboardFile out;
    if (format_of(path, format) == "jsonl") {
        out.format = "JSON lines";
        read_json_lines(display_path(path), *content, out);
    } else {
        out.format = "CSV";
        read_csv_rows(display_path(path), *content, out);
    }
    return out;
}

} // namespace sbc::cli
