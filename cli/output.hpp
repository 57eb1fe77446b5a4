#pragma once
// Human output: aligned tables, "key: value" blocks and cells cut to a width. Widths count code points, so
// accented text lines up; East Asian wide characters and emoji still take two columns on most terminals.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sbc::cli {

// The widest TEXT cell in a table before it is cut with "…": keeps a row within a usual terminal line.
inline constexpr std::size_t k_text_cell_width = 60;

// One line of at most max_chars code points: line breaks and tabs become spaces, and a longer text is cut
// at a code point boundary and ends in "…". Invalid UTF-8 is shown with U+FFFD rather than cut mid-byte.
std::string fit_cell(std::string_view text, std::size_t max_chars);

enum class Align { left, right };

struct Column {
    std::string title;
    Align align = Align::left;
    // At least this wide, so tables printed one after another (logs --follow) line up in the usual case.
    std::size_t min_width = 0;
};

// Columns padded to their widest cell, separated by two spaces, with a title row; no trailing blanks.
class Table {
  public:
    explicit Table(std::vector<Column> columns) : m_columns(std::move(columns)) {}
    // A row with fewer cells than columns is padded with empty cells; extra cells are ignored.
    void add_row(std::vector<std::string> cells);
    bool empty() const { return m_rows.empty(); }
    // with_title false leaves out the title row: for rows that continue a table already printed.
    std::string render(bool with_title = true) const;

  private:
    std::vector<Column> m_columns;
    std::vector<std::vector<std::string>> m_rows;
};

using KeyValues = std::vector<std::pair<std::string, std::string>>;

// "key: value" lines with the values aligned.
std::string render_key_values(const KeyValues& pairs);

// A JSON scalar as a person reads it: strings bare, booleans "yes"/"no", null as "-", numbers as written;
// arrays of strings joined with ", ".
std::string display_value(const nlohmann::json& value);

// One line of compact JSON; invalid UTF-8 from the daemon is replaced rather than aborting the output.
std::string compact_json(const nlohmann::json& document);

} // namespace sbc::cli
