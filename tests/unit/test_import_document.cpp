// Documents as knowledge: the kind from a type or a name, names from requests only ever shown, pdftotext run
// (or missing), and the failures that tell the user what to do.

#include "common/protocol.hpp"
#include "daemon/import/document.hpp"
#include "tests/support/tiny_pdf.hpp"

#include <catch2/catch.hpp>

using namespace sbc::import;
using sbc::test::tiny_pdf;

TEST_CASE("a document's kind comes from its content type or its extension", "[media][import]") {
    CHECK(kind_for_type("application/pdf") == DocumentKind::pdf);
    CHECK(kind_for_type("text/csv") == DocumentKind::csv);
    CHECK_FALSE(kind_for_type("image/jpeg"));
    CHECK(kind_for_name("Menu.PDF") == DocumentKind::pdf);
    CHECK(kind_for_name("notes.markdown") == DocumentKind::markdown);
    CHECK(kind_for_name("faq.txt") == DocumentKind::text);
    CHECK_FALSE(kind_for_name("menu.docx"));
    CHECK_FALSE(kind_for_name("README"));
}

TEST_CASE("names from requests are display text: last component, no control characters", "[media][import]") {
    CHECK(display_name("../../etc/passwd.txt", DocumentKind::text) == "passwd.txt");
    CHECK(display_name("/abs/path/menu.pdf", DocumentKind::pdf) == "menu.pdf");
    CHECK(display_name("C:\\Users\\me\\menu.pdf", DocumentKind::pdf) == "menu.pdf");
    CHECK(display_name(std::string("me\0nu\n.pdf", 10), DocumentKind::pdf) == "menu.pdf");
    CHECK(display_name("..", DocumentKind::csv) == "your CSV file");
    CHECK(display_name("", DocumentKind::pdf) == "your PDF");
    CHECK(display_name(std::string(200, 'a'), DocumentKind::text).size() == 60);
}

TEST_CASE("a pdf's text is read with pdftotext and split into passages", "[media][import]") {
    auto passages = document_passages(
        DocumentKind::pdf, tiny_pdf({"Margherita pizza costs 9 euros.", "We deliver until 11pm every day."}),
        "menu.pdf", ImportLimits{});
    REQUIRE(passages);
    CHECK(*passages ==
          std::vector<std::string>{"Margherita pizza costs 9 euros.", "We deliver until 11pm every day."});
}

TEST_CASE("a missing pdftotext gives a message that says what to do", "[media][import]") {
    ImportLimits limits;
    limits.pdftotext = "/nonexistent/pdftotext";
    auto passages = document_passages(DocumentKind::pdf, tiny_pdf({"a.", "b."}), "menu.pdf", limits);
    REQUIRE_FALSE(passages);
    CHECK(passages.error().code == sbc::protocol::k_error);
    CHECK(passages.error().message.find("poppler-utils") != std::string::npos);
    CHECK(passages.error().message.find(".txt") != std::string::npos);

    limits.pdftotext = "sbc-no-such-program-anywhere";
    auto on_path = document_passages(DocumentKind::pdf, tiny_pdf({"a.", "b."}), "menu.pdf", limits);
    REQUIRE_FALSE(on_path);
    CHECK(on_path.error().message.find("cannot read PDFs") != std::string::npos);
}

TEST_CASE("a broken pdf, non-UTF-8 text, an empty file and too many passages are refused",
          "[media][import]") {
    auto broken = document_passages(DocumentKind::pdf, "%PDF-1.4 this is not a pdf", "x.pdf", ImportLimits{});
    REQUIRE_FALSE(broken);
    CHECK(broken.error().code == sbc::protocol::k_invalid);
    CHECK(broken.error().message.find("x.pdf could not be read as a PDF") != std::string::npos);

    auto latin1 = document_passages(DocumentKind::text, "caf\xE9 au lait", "menu.txt", ImportLimits{});
    REQUIRE_FALSE(latin1);
    CHECK(latin1.error().message.find("not UTF-8") != std::string::npos);

    auto empty = document_passages(DocumentKind::markdown, "\n\n  \n", "notes.md", ImportLimits{});
    REQUIRE_FALSE(empty);
    CHECK(empty.error().message.find("There is no text in notes.md") != std::string::npos);

    ImportLimits two;
    two.max_passages = 2;
    auto many = document_passages(DocumentKind::csv, "text\na\nb\nc\n", "faq.csv", two);
    REQUIRE_FALSE(many);
    CHECK(many.error().message.find("3 entries, more than the 2") != std::string::npos);
}
