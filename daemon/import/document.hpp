#pragma once
// A document (text, Markdown, CSV or PDF) as knowledge entries: the kind from its content type or file
// name, its bytes checked and turned into text (pdftotext for PDFs), the text split into passages
// (passages.hpp). Every failure is a message that says what to do, for an owner on WhatsApp or an operator
// at sbcctl alike.

#include "common/result.hpp"

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sbc::import {

enum class DocumentKind { text, markdown, csv, pdf };

// From a (normalised) content type: text/plain, text/markdown, text/csv, application/pdf; nullopt otherwise.
std::optional<DocumentKind> kind_for_type(std::string_view content_type);
// From a file name's extension: .txt, .text, .md, .markdown, .csv, .pdf (any case); nullopt otherwise.
std::optional<DocumentKind> kind_for_name(std::string_view file_name);
// "text file", "Markdown file", "CSV file", "PDF".
std::string_view kind_in_words(DocumentKind kind);

// A name from a request (Twilio's, a path given to sbcctl) made safe to show: its last path component, no
// control characters, at most 60 characters. It is only ever display text, never a path. Empty, "." or ".."
// give "your <kind>".
std::string display_name(std::string_view raw, DocumentKind kind);

struct ImportLimits {
    std::string pdftotext = "pdftotext"; // media.pdftotext
    std::chrono::milliseconds pdf_timeout{30000};
    std::size_t max_passages = 500;
    std::size_t max_text_bytes = 8 << 20;
};

// The passages of a document, named `name` in messages. A PDF is read from `pdf_path` when given (the stored
// download), else from a temporary copy of `bytes`. Errors (code invalid, or error when pdftotext cannot
// run) say what to do next.
Result<std::vector<std::string>> document_passages(DocumentKind kind, std::string_view bytes,
                                                   const std::string& name, const ImportLimits& limits,
                                                   const std::optional<std::string>& pdf_path = std::nullopt);

} // namespace sbc::import
