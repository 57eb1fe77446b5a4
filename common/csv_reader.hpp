#pragma once
// An RFC 4180 CSV reader: quoted fields with embedded commas, doubled quotes and line breaks; CRLF, LF or CR
// line ends; a UTF-8 byte order mark at the start is skipped. Blanks around a quoted field are tolerated,
// as hand-written files have them.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbc {

struct CsvRecord {
    std::size_t line = 0; // the line the record starts on, counting from 1
    std::vector<std::string> fields;
};

struct CsvError {
    std::size_t line = 0;
    std::string message;
};

struct CsvDocument {
    std::vector<CsvRecord> records;
    std::optional<CsvError> error; // set when reading stopped at malformed CSV
};

// The records of the document, blank lines left out. Reading stops at the first malformed spot (a quote
// inside an unquoted field, text after a closing quote, or a quote never closed): the rest of the file cannot
// be split into records reliably after that.
CsvDocument read_csv(std::string_view document);

} // namespace sbc
