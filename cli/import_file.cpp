#include "cli/import_file.hpp"

#include "cli/exit_codes.hpp"
#include "common/csv_reader.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fmt/format.h>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

namespace sbc::cli {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

enum class Format { csv, json };

Result<std::string> read_all(const std::string& path) {
    if (path == "-") {
        return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    }
    std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "rb"), &std::fclose);
    if (!file) {
        return Error{k_exit_invalid, fmt::format("cannot read {}: {}", path, std::strerror(errno))};
    }
    std::string content;
    char buffer[64 * 1024];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof(buffer), file.get())) > 0) {
        content.append(buffer, n);
    }
    if (std::ferror(file.get())) {
        return Error{k_exit_invalid, fmt::format("cannot read {}: {}", path, std::strerror(errno))};
    }
    return content;
}

Format detect_format(const std::string& path, std::string_view content) {
    auto dot = path.rfind('.');
    auto slash = path.rfind('/');
    if (dot != std::string::npos && (slash == std::string::npos || dot > slash)) {
        std::string extension = text::ascii_lower(path.substr(dot + 1));
        if (extension == "csv") {
            return Format::csv;
        }
        if (extension == "jsonl" || extension == "ndjson" || extension == "json") {
            return Format::json;
        }
    }
    auto first = content.find_first_not_of(" \t\r\n");
    bool json = first != std::string_view::npos && (content[first] == '{' || content[first] == '[');
    return json ? Format::json : Format::csv;
}

// The checks sbcd would make, done here so that one bad row stops the import before anything is sent.
std::optional<std::string> check_entry_text(std::string_view entry_text) {
    if (!text::is_valid_utf8(entry_text)) {
        return "not valid UTF-8 (save the file as UTF-8)";
    }
    std::size_t length = text::utf8_length(text::trim(entry_text));
    if (length == 0) {
        return "the text is empty";
    }
    if (length > k_max_entry_chars) {
        return fmt::format("the text is {} characters long, at most {} are allowed (split it into several "
                           "entries)",
                           length, k_max_entry_chars);
    }
    return std::nullopt;
}

std::optional<std::string> check_optional_field(std::string_view name,
                                                const std::optional<std::string>& value) {
    if (value && !text::is_valid_utf8(*value)) {
        return fmt::format("{} is not valid UTF-8 (save the file as UTF-8)", name);
    }
    return std::nullopt;
}

// Adds the entry, or a problem for each thing wrong with it.
void accept_entry(ImportFile& out, ImportEntry entry, std::string_view where = "") {
    std::vector<std::string> wrong;
    if (auto problem = check_entry_text(entry.text)) {
        wrong.push_back(*problem);
    }
    for (const auto& problem :
         {check_optional_field("tags", entry.tags), check_optional_field("source", entry.source)}) {
        if (problem) {
            wrong.push_back(*problem);
        }
    }
    for (auto& message : wrong) {
        out.problems.push_back({entry.line, fmt::format("{}{}", where, message)});
    }
    if (wrong.empty()) {
        out.entries.push_back(std::move(entry));
    }
}

// Which column holds what, from the CSV header.
struct CsvColumns {
    std::optional<std::size_t> text, question, answer, tags, source;
    std::size_t count = 0;
};

std::optional<CsvColumns> map_header(const CsvRecord& header, ImportFile& out) {
    CsvColumns columns;
    columns.count = header.fields.size();
    std::set<std::string> seen;
    bool ok = true;
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
        std::string name = text::ascii_lower(text::trim(header.fields[i]));
        std::optional<std::size_t>* slot = name == "text"       ? &columns.text
                                           : name == "question" ? &columns.question
                                           : name == "answer"   ? &columns.answer
                                           : name == "tags"     ? &columns.tags
                                           : name == "source"   ? &columns.source
                                                                : nullptr;
        if (slot == nullptr) {
            out.problems.push_back(
                {header.line, fmt::format("unknown column \"{}\" in the header (the columns "
                                          "are text, or question and answer; optionally tags "
                                          "and source)",
                                          header.fields[i])});
            ok = false;
        } else if (!seen.insert(name).second) {
            out.problems.push_back(
                {header.line, fmt::format("column \"{}\" appears twice in the header", name)});
            ok = false;
        } else {
            *slot = i;
        }
    }
    bool question_answer = columns.question && columns.answer;
    if (ok && columns.text && (columns.question || columns.answer)) {
        out.problems.push_back({header.line,
                                "the header has both text and question/answer columns; use one or "
                                "the other"});
        ok = false;
    } else if (ok && !columns.text && !question_answer) {
        out.problems.push_back({header.line, "the header needs a text column, or question and answer columns "
                                             "(the first line of the file names the columns)"});
        ok = false;
    }
    return ok ? std::optional(columns) : std::nullopt;
}

// Line breaks inside quoted CSV fields come as the spreadsheet wrote them (often CRLF); entries use "\n".
std::string normalize_line_ends(std::string_view field) {
    std::string out;
    for (std::size_t i = 0; i < field.size(); ++i) {
        if (field[i] == '\r') {
            out += '\n';
            if (i + 1 < field.size() && field[i + 1] == '\n') {
                ++i;
            }
        } else {
            out += field[i];
        }
    }
    return out;
}

std::optional<std::string> optional_field(const CsvRecord& record, std::optional<std::size_t> column) {
    if (!column) {
        return std::nullopt;
    }
    return std::string(text::trim(record.fields[*column]));
}

void read_csv_rows(std::string_view content, ImportFile& out) {
    out.format = "CSV";
    auto document = read_csv(content);
    if (document.error) {
        out.problems.push_back({document.error->line, document.error->message});
        return;
    }
    const auto* records = &document.records;
    if (records->empty()) {
        return;
    }
    auto columns = map_header(records->front(), out);
    if (!columns) {
        return;
    }
    for (auto record = records->begin() + 1; record != records->end(); ++record) {
        if (std::all_of(record->fields.begin(), record->fields.end(),
                        [](const std::string& f) { return text::trim(f).empty(); })) {
            continue; // spreadsheets often save empty rows as ",,"
        }
        if (record->fields.size() != columns->count) {
            out.problems.push_back(
                {record->line, fmt::format("{} fields, but the header has {} (quote a field "
                                           "that contains a comma: \"a, b\")",
                                           record->fields.size(), columns->count)});
            continue;
        }
        ImportEntry entry{record->line,
                          {},
                          optional_field(*record, columns->tags),
                          optional_field(*record, columns->source)};
        if (columns->text) {
            entry.text = normalize_line_ends(text::trim(record->fields[*columns->text]));
        } else {
            auto question = text::trim(record->fields[*columns->question]);
            auto answer = text::trim(record->fields[*columns->answer]);
            if (question.empty() || answer.empty()) {
                out.problems.push_back(
                    {record->line, question.empty() ? "the question is empty" : "the answer is empty"});
                continue;
            }
            entry.text = normalize_line_ends(fmt::format("{}\n{}", question, answer));
        }
        accept_entry(out, std::move(entry));
    }
}

// nlohmann's messages start with "[json.exception.parse_error.101] parse error at line 1, "; in a file of
// JSON lines the line is already in front of the message, so only the column is kept.
std::string json_error_text(const std::exception& e) {
    std::string message = e.what();
    if (auto end = message.find("] "); message.starts_with("[json.exception") && end != std::string::npos) {
        message.erase(0, end + 2);
    }
    constexpr std::string_view k_first_line = "parse error at line 1, ";
    if (message.starts_with(k_first_line)) {
        message = "not valid JSON at " + message.substr(k_first_line.size());
    }
    return message;
}

// Fields a `kb export` line carries besides the three imported ones; they are ignored, not refused.
bool is_export_only_key(const std::string& key) {
    return key == "number" || key == "business" || key == "created_at" || key == "updated_at";
}

std::optional<std::string> string_member(const nlohmann::json& object, const char* key,
                                         std::string& problem) {
    auto found = object.find(key);
    if (found == object.end() || found->is_null()) {
        return std::nullopt;
    }
    if (!found->is_string()) {
        problem = fmt::format("\"{}\" must be a string", key);
        return std::nullopt;
    }
    return found->get<std::string>();
}

void read_json_object(const nlohmann::json& object, std::size_t line, std::string_view where,
                      ImportFile& out) {
    if (!object.is_object()) {
        out.problems.push_back(
            {line, fmt::format("{}expected an object such as {{\"text\": \"...\"}}", where)});
        return;
    }
    for (const auto& [key, value] : object.items()) {
        if (key != "text" && key != "tags" && key != "source" && !is_export_only_key(key)) {
            out.problems.push_back(
                {line, fmt::format("{}unknown key \"{}\" (the keys are text, tags and source)", where, key)});
            return;
        }
    }
    auto text_member = object.find("text");
    if (text_member == object.end() || !text_member->is_string()) {
        out.problems.push_back({line, fmt::format("{}\"text\" is missing or not a string", where)});
        return;
    }
    std::string problem;
    ImportEntry entry{line, text_member->get<std::string>(), string_member(object, "tags", problem),
                      string_member(object, "source", problem)};
    if (!problem.empty()) {
        out.problems.push_back({line, fmt::format("{}{}", where, problem)});
        return;
    }
    accept_entry(out, std::move(entry), where);
}

void read_json_array(std::string_view content, ImportFile& out) {
    out.format = "JSON array";
    nlohmann::json document;
    try {
        document = nlohmann::json::parse(content);
    } catch (const nlohmann::json::exception& e) {
        out.problems.push_back({0, json_error_text(e)});
        return;
    }
    if (!document.is_array()) {
        out.problems.push_back({0, "expected a JSON array of objects, or one object per line"});
        return;
    }
    for (std::size_t i = 0; i < document.size(); ++i) {
        read_json_object(document[i], 0, fmt::format("entry {}: ", i + 1), out);
    }
}

void read_json_lines(std::string_view content, ImportFile& out) {
    out.format = "JSON lines";
    std::size_t line_number = 0;
    while (!content.empty()) {
        ++line_number;
        auto end = content.find('\n');
        std::string_view line = content.substr(0, end);
        content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
        if (text::trim(line).empty()) {
            continue;
        }
        try {
            read_json_object(nlohmann::json::parse(line), line_number, "", out);
        } catch (const nlohmann::json::exception& e) {
            out.problems.push_back({line_number, json_error_text(e)});
        }
    }
}

} // namespace

Result<ImportFile> read_import_file(const std::string& path) {
    auto content = read_all(path);
    if (!content) {
        return content.error();
    }
    std::string_view body = *content;
    if (body.starts_with(k_bom)) {
        body.remove_prefix(k_bom.size());
    }
    ImportFile out;
    if (detect_format(path, body) == Format::csv) {
        read_csv_rows(body, out);
        return out;
    }
    auto first = body.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && body[first] == '[') {
        read_json_array(body, out);
    } else {
        read_json_lines(body, out);
    }
    return out;
}

std::string display_path(const std::string& path) {
    return path == "-" ? "standard input" : path;
}

std::string describe_problem(const std::string& path, const ImportProblem& problem) {
    std::string name = path == "-" ? "<stdin>" : path;
    if (problem.line == 0) {
        return fmt::format("{}: {}", name, problem.message);
    }
    return fmt::format("{}:{}: {}", name, problem.line, problem.message);
}

Result<std::string> read_input_file(const std::string& path) {
    return read_all(path);
}

} // namespace sbc::cli
