#include "daemon/import/passages.hpp"

#include "common/csv_reader.hpp"
#include "common/protocol.hpp"
#include "common/text.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <optional>

namespace sbc::import {
namespace {

constexpr std::size_t k_title_chars = 80;

bool is_blank(char c) {
    return c == ' ' || c == '\t' || c == '\v';
}

// CRLF and CR become LF, a page break (pdftotext ends each page with one) a paragraph break; a UTF-8 byte
// order mark goes.
std::string normalise_breaks(std::string_view text) {
    if (text.substr(0, 3) == "\xEF\xBB\xBF") {
        text.remove_prefix(3);
    }
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\r') {
            out.push_back('\n');
            if (i + 1 < text.size() && text[i + 1] == '\n') {
                ++i;
            }
        } else if (c == '\f') {
            out += "\n\n";
        } else {
            out.push_back(c);
        }
    }
    return out;
}

// The line with leading and trailing blanks removed and inner runs of blanks made one space.
std::string tidy_line(std::string_view line) {
    std::string out;
    bool gap = false;
    for (char c : line) {
        if (is_blank(c)) {
            gap = !out.empty();
            continue;
        }
        if (gap) {
            out.push_back(' ');
            gap = false;
        }
        out.push_back(c);
    }
    return out;
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= text.size()) {
        auto end = text.find('\n', start);
        if (end == std::string_view::npos) {
            end = text.size();
        }
        out.push_back(tidy_line(text.substr(start, end - start)));
        start = end + 1;
    }
    return out;
}

// Paragraphs as lists of non-empty lines.
std::vector<std::vector<std::string>> paragraphs_of(std::string_view text) {
    std::vector<std::vector<std::string>> out;
    std::vector<std::string> current;
    for (auto& line : lines_of(normalise_breaks(text))) {
        if (line.empty()) {
            if (!current.empty()) {
                out.push_back(std::move(current));
                current.clear();
            }
            continue;
        }
        current.push_back(std::move(line));
    }
    if (!current.empty()) {
        out.push_back(std::move(current));
    }
    return out;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += (out.empty() ? "" : "\n") + line;
    }
    return out;
}

bool looks_like_title(const std::vector<std::string>& paragraph) {
    if (paragraph.size() != 1 || text::utf8_length(paragraph[0]) > k_title_chars) {
        return false;
    }
    char last = paragraph[0].back();
    return last != '.' && last != '!' && last != '?' && last != ':' && last != ';';
}

// Cuts a passage too long for one entry: at line breaks where it can, else at spaces, else anywhere (on a
// character boundary). Every piece but the prefix fits in max_chars together with the prefix.
std::vector<std::string> cut(const std::string& passage, const std::string& prefix = "") {
    std::size_t room = k_max_passage_chars - text::utf8_length(prefix);
    std::vector<std::string> out;
    std::string_view rest = passage;
    while (!rest.empty()) {
        if (text::utf8_length(rest) <= room) {
            out.push_back(prefix + std::string(rest));
            break;
        }
        std::size_t limit = text::utf8_prefix_bytes(rest, room);
        std::string_view window = rest.substr(0, limit + 1);
        std::size_t at = window.rfind('\n');
        if (at == std::string_view::npos || at == 0) {
            at = window.rfind(' ');
        }
        if (at == std::string_view::npos || at == 0) {
            at = limit;
        }
        out.push_back(prefix + std::string(rest.substr(0, at)));
        rest.remove_prefix(at);
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\n')) {
            rest.remove_prefix(1);
        }
    }
    return out;
}

void add_passage(std::vector<std::string>& out, const std::string& passage, const std::string& prefix = "") {
    if (text::utf8_length(prefix) + text::utf8_length(passage) <= k_max_passage_chars) {
        out.push_back(prefix + passage);
        return;
    }
    for (auto& piece : cut(passage, prefix)) {
        out.push_back(std::move(piece));
    }
}

std::optional<std::size_t> column(const std::vector<std::string>& header, std::string_view name) {
    for (std::size_t i = 0; i < header.size(); ++i) {
        if (header[i] == name) {
            return i;
        }
    }
    return std::nullopt;
}

std::string cell(const CsvRecord& record, std::optional<std::size_t> index) {
    if (!index || *index >= record.fields.size()) {
        return "";
    }
    return std::string(text::trim(record.fields[*index]));
}

// The heading's text when the line is a Markdown ATX heading ("## Opening hours").
std::optional<std::string> heading_of(const std::string& line) {
    std::size_t hashes = 0;
    while (hashes < line.size() && line[hashes] == '#') {
        ++hashes;
    }
    if (hashes == 0 || hashes > 6 || (hashes < line.size() && line[hashes] != ' ')) {
        return std::nullopt;
    }
    std::string title = tidy_line(line.substr(hashes));
    while (!title.empty() && title.back() == '#') { // closing hashes are optional decoration
        title.pop_back();
    }
    return tidy_line(title);
}

} // namespace

std::vector<std::string> split_text(std::string_view text) {
    std::vector<std::string> out;
    std::string title;
    for (const auto& paragraph : paragraphs_of(text)) {
        if (looks_like_title(paragraph)) {
            title += (title.empty() ? "" : "\n") + paragraph[0];
            continue;
        }
        add_passage(out, join_lines(paragraph), title.empty() ? "" : title + "\n");
        title.clear();
    }
    if (!title.empty()) {
        add_passage(out, title);
    }
    return out;
}

std::vector<std::string> split_markdown(std::string_view text) {
    std::vector<std::string> out;
    std::optional<std::string> heading; // of the section being read; nullopt before the first
    std::string body;
    auto flush = [&] {
        if (!heading) {
            for (auto& passage : split_text(body)) {
                out.push_back(std::move(passage));
            }
        } else if (!text::trim(body).empty() || !heading->empty()) {
            std::string section = join_lines([&] {
                std::vector<std::string> lines;
                for (const auto& p : paragraphs_of(body)) {
                    lines.push_back(join_lines(p));
                }
                return lines;
            }());
            std::string prefix = heading->empty() ? "" : *heading + "\n";
            if (section.empty()) {
                add_passage(out, *heading);
            } else if (text::utf8_length(prefix) + text::utf8_length(section) <= k_max_passage_chars) {
                out.push_back(prefix + section);
            } else {
                for (const auto& p : paragraphs_of(body)) {
                    add_passage(out, join_lines(p), prefix);
                }
            }
        }
        body.clear();
    };
    bool in_fence = false; // a heading-like line inside a code block is not a heading
    std::string normalised = normalise_breaks(text);
    std::size_t start = 0;
    while (start <= normalised.size()) {
        auto end = normalised.find('\n', start);
        if (end == std::string::npos) {
            end = normalised.size();
        }
        std::string line = normalised.substr(start, end - start);
        start = end + 1;
        if (tidy_line(line).rfind("```", 0) == 0) {
            in_fence = !in_fence;
        }
        auto title = in_fence ? std::nullopt : heading_of(tidy_line(line));
        if (title) {
            // A heading with nothing under it (a chapter title) leads the section after it.
            if (heading && text::trim(body).empty()) {
                heading = *heading + (heading->empty() ? "" : "\n") + *title;
                continue;
            }
            flush();
            heading = *title;
            continue;
        }
        body += line + "\n";
    }
    flush();
    return out;
}

Result<std::vector<std::string>> split_csv(std::string_view text) {
    auto document = read_csv(text);
    if (document.error) {
        return Error{protocol::k_invalid, fmt::format("line {}: {} (fix the CSV and try again)",
                                                      document.error->line, document.error->message)};
    }
    std::vector<std::string> out;
    if (document.records.empty()) {
        return out;
    }
    std::vector<std::string> header;
    for (const auto& name : document.records.front().fields) {
        header.push_back(text::ascii_lower(text::trim(name)));
    }
    auto text_column = column(header, "text");
    auto question = column(header, "question");
    auto answer = column(header, "answer");
    for (std::size_t r = 1; r < document.records.size(); ++r) {
        const auto& record = document.records[r];
        std::string passage;
        if (text_column) {
            passage = cell(record, text_column);
        } else if (question && answer) {
            auto q = cell(record, question);
            auto a = cell(record, answer);
            passage = q.empty() ? a : (a.empty() ? q : q + "\n" + a);
        } else {
            for (std::size_t c = 0; c < record.fields.size(); ++c) {
                auto value = cell(record, c);
                if (value.empty()) {
                    continue;
                }
                std::string name = c < header.size()
                                       ? std::string(text::trim(document.records.front().fields[c]))
                                       : std::string();
                passage += (passage.empty() ? "" : "\n") + (name.empty() ? value : name + ": " + value);
            }
        }
        if (passage.empty()) {
            continue;
        }
        if (text::utf8_length(passage) > k_max_passage_chars) {
            return Error{protocol::k_invalid,
                         fmt::format("line {}: the row is {} characters; an entry holds at most {} (shorten "
                                     "it or split it into several rows)",
                                     record.line, text::utf8_length(passage), k_max_passage_chars)};
        }
        out.push_back(std::move(passage));
    }
    return out;
}

} // namespace sbc::import
