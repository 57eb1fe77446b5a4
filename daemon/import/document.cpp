#include "daemon/import/document.hpp"

#include "common/protocol.hpp"
#include "common/text.hpp"
#include "daemon/import/passages.hpp"
#include "daemon/import/pdf_text.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <unistd.h>

namespace sbc::import {
namespace {

constexpr std::size_t k_display_chars = 60;

// A PDF's bytes in a private temporary file for pdftotext, removed when this goes.
class TempPdf {
  public:
    explicit TempPdf(std::string_view bytes) {
        std::string pattern = (std::filesystem::temp_directory_path() / "sbcd-import-XXXXXX").string();
        int fd = ::mkstemp(pattern.data());
        if (fd < 0) {
            return;
        }
        std::size_t done = 0;
        while (done < bytes.size()) {
            auto n = ::write(fd, bytes.data() + done, bytes.size() - done);
            if (n <= 0) {
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
        m_path = pattern;
        m_ok = done == bytes.size();
    }
    ~TempPdf() {
        if (!m_path.empty()) {
            ::unlink(m_path.c_str());
        }
    }
    TempPdf(const TempPdf&) = delete;
    TempPdf& operator=(const TempPdf&) = delete;
    bool ok() const { return m_ok; }
    const std::string& path() const { return m_path; }

  private:
    std::string m_path;
    bool m_ok = false;
};

Result<std::string> pdf_text(std::string_view bytes, const std::string& name, const ImportLimits& limits,
                             const std::optional<std::string>& pdf_path) {
    std::optional<TempPdf> temp;
    std::string path;
    if (pdf_path) {
        path = *pdf_path;
    } else {
        temp.emplace(bytes);
        if (!temp->ok()) {
            return Error{protocol::k_error,
                         fmt::format("cannot write a temporary copy of {} for pdftotext (is {} full?)", name,
                                     std::filesystem::temp_directory_path().string())};
        }
        path = temp->path();
    }
    auto converted = pdf_to_text(limits.pdftotext, path, limits.pdf_timeout, limits.max_text_bytes);
    switch (converted.kind) {
    case PdfText::Kind::ok:
        return std::move(converted.text);
    case PdfText::Kind::missing:
        return Error{protocol::k_error,
                     fmt::format("{} is a PDF, and this server cannot read PDFs: {} is not installed (the "
                                 "administrator installs Debian's poppler-utils or sets media.pdftotext). "
                                 "Meanwhile send the text as a .txt file.",
                                 name, limits.pdftotext)};
    case PdfText::Kind::failed:
        break;
    }
    return Error{
        protocol::k_invalid,
        fmt::format("{} could not be read as a PDF ({}). Is it a valid PDF without a password? Export "
                    "it again, or send the text as a .txt file.",
                    name, converted.error)};
}

} // namespace

std::optional<DocumentKind> kind_for_type(std::string_view content_type) {
    if (content_type == "text/plain") {
        return DocumentKind::text;
    }
    if (content_type == "text/markdown") {
        return DocumentKind::markdown;
    }
    if (content_type == "text/csv") {
        return DocumentKind::csv;
    }
    if (content_type == "application/pdf") {
        return DocumentKind::pdf;
    }
    return std::nullopt;
}

std::optional<DocumentKind> kind_for_name(std::string_view file_name) {
    auto dot = file_name.rfind('.');
    if (dot == std::string_view::npos) {
        return std::nullopt;
    }
    auto extension = text::ascii_lower(file_name.substr(dot + 1));
    if (extension == "txt" || extension == "text") {
        return DocumentKind::text;
    }
    if (extension == "md" || extension == "markdown") {
        return DocumentKind::markdown;
    }
    if (extension == "csv") {
        return DocumentKind::csv;
    }
    if (extension == "pdf") {
        return DocumentKind::pdf;
    }
    return std::nullopt;
}

std::string_view kind_in_words(DocumentKind kind) {
    switch (kind) {
    case DocumentKind::text:
        return "text file";
    case DocumentKind::markdown:
        return "Markdown file";
    case DocumentKind::csv:
        return "CSV file";
    case DocumentKind::pdf:
        return "PDF";
    }
    return "file";
}

std::string display_name(std::string_view raw, DocumentKind kind) {
    auto slash = raw.find_last_of("/\\");
    if (slash != std::string_view::npos) {
        raw.remove_prefix(slash + 1);
    }
    std::string out;
    std::size_t chars = 0;
    for (char c : raw) {
        auto u = static_cast<unsigned char>(c);
        if (u < 0x20 || u == 0x7F) {
            continue; // NUL, line breaks and other control characters
        }
        if ((u & 0xC0) != 0x80 && ++chars > k_display_chars) {
            break;
        }
        out.push_back(c);
    }
    std::string trimmed(text::trim(out));
    if (trimmed.empty() || trimmed == "." || trimmed == ".." || !text::is_valid_utf8(trimmed)) {
        return fmt::format("your {}", kind_in_words(kind));
    }
    return trimmed;
}

Result<std::vector<std::string>> document_passages(DocumentKind kind, std::string_view bytes,
                                                   const std::string& name, const ImportLimits& limits,
                                                   const std::optional<std::string>& pdf_path) {
    std::string text;
    if (kind == DocumentKind::pdf) {
        auto converted = pdf_text(bytes, name, limits, pdf_path);
        if (!converted) {
            return converted.error();
        }
        text = std::move(*converted);
    } else {
        text = std::string(bytes);
    }
    if (!text::is_valid_utf8(text)) {
        return Error{
            protocol::k_invalid,
            fmt::format("{} is not UTF-8 text: save it as UTF-8 (or as PDF) and send it again.", name)};
    }
    std::vector<std::string> passages;
    switch (kind) {
    case DocumentKind::csv: {
        auto rows = split_csv(text);
        if (!rows) {
            return Error{protocol::k_invalid, fmt::format("{}: {}", name, rows.error().message)};
        }
        passages = std::move(*rows);
        break;
    }
    case DocumentKind::markdown:
        passages = split_markdown(text);
        break;
    case DocumentKind::text:
    case DocumentKind::pdf:
        passages = split_text(text);
        break;
    }
    if (passages.empty()) {
        return Error{protocol::k_invalid,
                     fmt::format("There is no text in {}{}: send a file with text in it.", name,
                                 kind == DocumentKind::pdf
                                     ? " (a scanned PDF holds pictures of text, which cannot be read)"
                                     : "")};
    }
    if (passages.size() > limits.max_passages) {
        return Error{protocol::k_invalid,
                     fmt::format("{} would make {} entries, more than the {} one file may add: split it into "
                                 "smaller files.",
                                 name, passages.size(), limits.max_passages)};
    }
    return passages;
}

} // namespace sbc::import
