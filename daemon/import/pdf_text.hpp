#pragma once
// The text of a PDF, from Debian's pdftotext (poppler-utils) run as a child process: sbcd links no PDF
// library, and a malformed PDF can at worst crash or stall the child, which is killed after the timeout.

#include <chrono>
#include <string>

namespace sbc::import {

struct PdfText {
    enum class Kind { ok, missing, failed };
    Kind kind = Kind::failed;
    std::string text;  // ok: UTF-8, pages separated by form feeds
    std::string error; // missing, failed: why, for the owner or the operator
};

// Runs `program -layout -enc UTF-8 <pdf_path> -` (program is a name looked up on PATH or an absolute path),
// reading at most max_bytes of text; kills it after `timeout`. Never throws for the child's failures.
PdfText pdf_to_text(const std::string& program, const std::string& pdf_path,
                    std::chrono::milliseconds timeout, std::size_t max_bytes);

} // namespace sbc::import
