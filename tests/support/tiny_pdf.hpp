#pragma once
// A hand-made one-page PDF whose text pdftotext reads back, for the tests of owners' PDF uploads and
// `sbcctl kb add --file` (no PDF library, no binary fixture).

#include <string>
#include <vector>

namespace sbc::test {

// A PDF showing each line (plain ASCII, no parentheses or backslashes) 40 points below the one before, in
// the standard Helvetica font. pdftotext -layout prints a blank line between them.
std::string tiny_pdf(const std::vector<std::string>& lines);

} // namespace sbc::test
