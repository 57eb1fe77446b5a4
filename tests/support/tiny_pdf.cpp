#include "tests/support/tiny_pdf.hpp"

#include <fmt/format.h>

namespace sbc::test {

std::string tiny_pdf(const std::vector<std::string>& lines) {
    std::string content = "BT /F1 12 Tf 72 720 Td";
    for (std::size_t i = 0; i < lines.size(); ++i) {
        content += fmt::format("{} ({}) Tj", i == 0 ? "" : " 0 -40 Td", lines[i]);
    }
    content += " ET";
    std::vector<std::string> objects = {
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 "
        "0 R >> >> >>",
        fmt::format("<< /Length {} >>\nstream\n{}\nendstream", content.size(), content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    };
    std::string out = "%PDF-1.4\n";
    std::vector<std::size_t> offsets;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        offsets.push_back(out.size());
        out += fmt::format("{} 0 obj\n{}\nendobj\n", i + 1, objects[i]);
    }
    // The cross-reference table gives each object's byte offset: pdftotext reads the file through it.
    std::size_t xref = out.size();
    out += fmt::format("xref\n0 {}\n0000000000 65535 f \n", objects.size() + 1);
    for (auto offset : offsets) {
        out += fmt::format("{:010} 00000 n \n", offset);
    }
    out +=
        fmt::format("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{}\n%%EOF\n", objects.size() + 1, xref);
    return out;
}

} // namespace sbc::test
