#include "common/csv_reader.hpp"

#include <variant>

namespace sbc {

namespace {

constexpr std::string_view k_bom = "\xEF\xBB\xBF";

// A cursor over the document that counts lines, treating CRLF, LF and a lone CR as one line end each.
class Cursor {
  public:
    explicit Cursor(std::string_view text) : m_text(text) {}
    bool done() const { return m_pos >= m_text.size(); }
    char peek() const { return m_text[m_pos]; }
    std::size_t line() const { return m_line; }
    bool at_line_end() const { return !done() && (peek() == '\n' || peek() == '\r'); }
    // Consumes one line end and returns it as written, so quoted fields keep their own line breaks.
    std::string_view take_line_end() {
        std::size_t start = m_pos;
        if (peek() == '\r' && m_pos + 1 < m_text.size() && m_text[m_pos + 1] == '\n') {
            m_pos += 2;
        } else {
            m_pos += 1;
        }
        ++m_line;
        return m_text.substr(start, m_pos - start);
    }
    char take() { return m_text[m_pos++]; }
    // True when only spaces or tabs stand between here and a quote: `a, "b, c"` as people write it by hand.
    bool blanks_then_quote() const {
        std::size_t i = m_pos;
        while (i < m_text.size() && (m_text[i] == ' ' || m_text[i] == '\t')) {
            ++i;
        }
        return i < m_text.size() && m_text[i] == '"';
    }
    void skip_blanks() {
        while (!done() && (peek() == ' ' || peek() == '\t')) {
            ++m_pos;
        }
    }

  private:
    std::string_view m_text;
    std::size_t m_pos = 0;
    std::size_t m_line = 1;
};

// A field, or where and why the CSV is malformed.
using Field = std::variant<std::string, CsvError>;

CsvError csv_error(std::size_t line, std::string problem) {
    return CsvError{line, std::move(problem)};
}

// Reads a quoted field starting at its opening quote; leaves the cursor after the closing quote.
Field read_quoted(Cursor& in) {
    std::size_t opened_on = in.line();
    in.take();
    std::string field;
    for (;;) {
        if (in.done()) {
            return csv_error(opened_on, "a quoted field is never closed (a \" is missing)");
        }
        if (in.at_line_end()) {
            field += in.take_line_end();
            continue;
        }
        char c = in.take();
        if (c != '"') {
            field += c;
            continue;
        }
        if (!in.done() && in.peek() == '"') {
            field += in.take(); // "" stands for one quote
            continue;
        }
        in.skip_blanks(); // tolerated, like blanks before the opening quote
        if (!in.done() && in.peek() != ',' && !in.at_line_end()) {
            return csv_error(in.line(),
                             "text after a closing quote (write a quote inside a quoted field as \"\")");
        }
        return field;
    }
}

Field read_unquoted(Cursor& in) {
    std::string field;
    while (!in.done() && in.peek() != ',' && !in.at_line_end()) {
        if (in.peek() == '"') {
            return csv_error(in.line(), "a quote inside an unquoted field (quote the whole field and double "
                                        "the quote: \"a \"\"b\"\"\")");
        }
        field += in.take();
    }
    return field;
}

} // namespace

CsvDocument read_csv(std::string_view document) {
    if (document.starts_with(k_bom)) {
        document.remove_prefix(k_bom.size());
    }
    Cursor in(document);
    CsvDocument out;
    while (!in.done()) {
        CsvRecord record{in.line(), {}};
        for (;;) {
            bool quoted = in.blanks_then_quote();
            if (quoted) {
                in.skip_blanks();
            }
            auto field = quoted ? read_quoted(in) : read_unquoted(in);
            if (auto* error = std::get_if<CsvError>(&field)) {
                out.error = std::move(*error);
                return out;
            }
            record.fields.push_back(std::move(std::get<std::string>(field)));
            if (!in.done() && in.peek() == ',') {
                in.take();
                continue;
            }
            break;
        }
        if (in.at_line_end()) {
            in.take_line_end();
        }
        // An empty line has one empty field; it is spacing, not a record.
        bool blank = record.fields.size() == 1 && record.fields[0].empty();
        if (!blank) {
            out.records.push_back(std::move(record));
        }
    }
    return out;
}

} // namespace sbc
