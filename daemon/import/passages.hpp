#pragma once
// Splitting a document's text into knowledge entries ("passages") the answerer can match one by one: plain
// text and PDF text by paragraphs, Markdown by headings, CSV one entry per row. Shared by the owner's
// WhatsApp uploads and `sbcctl kb add --file`, so both make the same entries from the same file.

#include "common/result.hpp"
#include "daemon/store/knowledge_repo.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::import {

// A passage becomes a knowledge entry: it holds at most as many characters.
inline constexpr std::size_t k_max_passage_chars = store::k_max_entry_chars;

// Paragraphs (separated by blank lines or page breaks); each line's runs of blanks are collapsed (pdftotext
// -layout pads columns with spaces). A lone short line without final punctuation (a title) is put in front
// of the paragraph after it; a paragraph longer than k_max_passage_chars is cut at line, then word
// boundaries.
std::vector<std::string> split_text(std::string_view text);

// Sections: a heading ("# ..." to "###### ...") starts a new passage holding the heading's text and what
// follows up to the next heading. A section too long for one entry is cut into paragraphs, each led by the
// heading. Text before the first heading is split as plain text.
std::vector<std::string> split_markdown(std::string_view text);

// One passage per data row. The first row is the header: a `text` column, or `question` and `answer` columns
// (joined by a newline), are taken as they are, as `sbcctl kb import` does; any other header makes each row
// "Column: value" lines (empty cells left out), so a menu's "Item,Price" rows read "Item: Margherita\nPrice:
// 9.50". Fails on malformed CSV or a row longer than an entry holds, naming the line.
Result<std::vector<std::string>> split_csv(std::string_view text);

} // namespace sbc::import
