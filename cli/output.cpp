#include "cli/output.hpp"

#include "common/text.hpp"

#include <algorithm>

namespace sbc::cli {

namespace {

constexpr std::string_view k_ellipsis = "…";
constexpr std::string_view k_replacement = "\xEF\xBF\xBD"; // U+FFFD

// Byte length of the UTF-8 sequence starting with lead, or 0 when lead cannot start one.
std::size_t sequence_length(unsigned char lead) {
    if (lead < 0x80) {
        return 1;
    }
    if (lead >= 0xC2 && lead <= 0xDF) {
        return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
        return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
        return 4;
    }
    return 0;
}

// Splits text into code points, each a valid UTF-8 sequence or a U+FFFD standing for one bad byte.
std::vector<std::string_view> code_points(std::string_view text) {
    std::vector<std::string_view> points;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t length = sequence_length(static_cast<unsigned char>(text[i]));
        if (length == 0 || i + length > text.size() || !text::is_valid_utf8(text.substr(i, length))) {
            points.push_back(k_replacement);
            i += 1;
            continue;
        }
        points.push_back(text.substr(i, length));
        i += length;
    }
    return points;
}

std::size_t display_width(std::string_view cell) {
    return text::utf8_length(cell);
}

} // namespace

std::string fit_cell(std::string_view text, std::size_t max_chars) {
    auto points = code_points(text);
    // Control characters would break the row apart or move the cursor.
    for (auto& point : points) {
        if (point.size() == 1 && (static_cast<unsigned char>(point[0]) < 0x20 || point[0] == 0x7F)) {
            point = " ";
        }
    }
    std::string out;
    if (points.size() <= max_chars) {
        for (auto point : points) {
            out += point;
        }
        return out;
    }
    std::size_t keep = max_chars == 0 ? 0 : max_chars - 1;
    for (std::size_t i = 0; i < keep; ++i) {
        out += points[i];
    }
    // Avoid "word …": the ellipsis reads better right after the last visible character.
    while (!out.empty() && out.back() == ' ') {
        out.pop_back();
    }
    if (max_chars > 0) {
        out += k_ellipsis;
    }
    return out;
}

void Table::add_row(std::vector<std::string> cells) {
    cells.resize(m_columns.size());
    m_rows.push_back(std::move(cells));
}

std::string Table::render(bool with_title) const {
    std::vector<std::size_t> widths;
    for (const auto& column : m_columns) {
        widths.push_back(std::max(column.min_width, display_width(column.title)));
    }
    for (const auto& row : m_rows) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    }
    auto render_row = [&](const std::vector<std::string>& cells) {
        std::string line;
        for (std::size_t i = 0; i < cells.size(); ++i) {
            std::string padding(widths[i] - display_width(cells[i]), ' ');
            bool last = i + 1 == cells.size();
            if (i > 0) {
                line += "  ";
            }
            if (m_columns[i].align == Align::right) {
                line += padding + cells[i];
            } else {
                line += cells[i];
                if (!last) {
                    line += padding;
                }
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        return line + "\n";
    };
    std::vector<std::string> titles;
    for (const auto& column : m_columns) {
        titles.push_back(column.title);
    }
    std::string out = with_title ? render_row(titles) : std::string();
    for (const auto& row : m_rows) {
        out += render_row(row);
    }
    return out;
}

std::string render_key_values(const KeyValues& pairs) {
    std::size_t width = 0;
    for (const auto& [key, value] : pairs) {
        width = std::max(width, display_width(key));
    }
    std::string out;
    for (const auto& [key, value] : pairs) {
        std::string line = key + ":" + std::string(width - display_width(key) + 1, ' ');
        // A value of several lines (a greeting, say) continues under its first line.
        for (char c : value) {
            line += c;
            if (c == '\n') {
                line += std::string(width + 2, ' ');
            }
        }
        while (!line.empty() && line.back() == ' ') {
            line.pop_back();
        }
        out += line + "\n";
    }
    return out;
}

std::string display_value(const nlohmann::json& value) {
    if (value.is_string()) {
        return value.get<std::string>();
    }
    if (value.is_boolean()) {
        return value.get<bool>() ? "yes" : "no";
    }
    if (value.is_null()) {
        return "-";
    }
    if (value.is_array() &&
        std::all_of(value.begin(), value.end(), [](const auto& v) { return v.is_string(); })) {
        std::string joined;
        for (const auto& item : value) {
            joined += (joined.empty() ? "" : ", ") + item.get<std::string>();
        }
        return joined;
    }
    return compact_json(value);
}

std::string compact_json(const nlohmann::json& document) {
    return document.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

} // namespace sbc::cli
