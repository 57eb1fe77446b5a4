// The passage splitter shared by owners' uploads and `sbcctl kb add --file`: paragraphs, Markdown sections,
// CSV rows, and the 4000-character limit of an entry.

#include "common/text.hpp"
#include "daemon/import/passages.hpp"

#include <catch2/catch.hpp>
#include <string>
#include <vector>

using namespace sbc::import;
using Strings = std::vector<std::string>;

TEST_CASE("plain text is split at blank lines, page breaks and CRLF included", "[media][import]") {
    CHECK(split_text("We open at 9.\nWe close at 5.\n\n\nDelivery is free over 20 euros.") ==
          Strings{"We open at 9.\nWe close at 5.", "Delivery is free over 20 euros."});
    CHECK(split_text("First page text.\r\n\fSecond page text.\r\n") ==
          Strings{"First page text.", "Second page text."});
    CHECK(split_text("   \n\n\t\n").empty());
    CHECK(split_text("\xEF\xBB\xBFWith a byte order mark.") == Strings{"With a byte order mark."});
}

TEST_CASE("runs of blanks from pdftotext -layout are collapsed", "[media][import]") {
    CHECK(split_text("  Margherita        9.00 EUR   \n  Marinara          7.50 EUR") ==
          Strings{"Margherita 9.00 EUR\nMarinara 7.50 EUR"});
}

TEST_CASE("a short title line goes with the paragraph after it", "[media][import]") {
    CHECK(split_text("Opening hours\n\nMonday to Friday 9 to 17.\n\nDelivery\n\nFree in town.") ==
          Strings{"Opening hours\nMonday to Friday 9 to 17.", "Delivery\nFree in town."});
    // A sentence is not a title, and a title at the very end stays on its own.
    CHECK(split_text("We are closed on Sundays.\n\nThanks") ==
          Strings{"We are closed on Sundays.", "Thanks"});
}

TEST_CASE("a paragraph longer than an entry is cut at word boundaries", "[media][import]") {
    std::string word = "pizza ";
    std::string long_paragraph;
    while (long_paragraph.size() < 9000) {
        long_paragraph += word;
    }
    auto passages = split_text(long_paragraph);
    REQUIRE(passages.size() == 3);
    for (const auto& p : passages) {
        CHECK(sbc::text::utf8_length(p) <= k_max_passage_chars);
        CHECK(p.rfind("pizza", 0) == 0);
        CHECK(p.back() == 'a');
    }
}

TEST_CASE("cutting never splits a multi-byte character", "[media][import]") {
    std::string text;
    for (int i = 0; i < 5000; ++i) {
        text += "\xC3\xA9"; // é, no spaces at all
    }
    auto passages = split_text(text);
    REQUIRE(passages.size() == 2);
    CHECK(sbc::text::utf8_length(passages[0]) == k_max_passage_chars);
    CHECK(sbc::text::is_valid_utf8(passages[0]));
    CHECK(sbc::text::is_valid_utf8(passages[1]));
}

TEST_CASE("markdown is split at headings, each section with its heading", "[media][import]") {
    std::string md = "Welcome to Pizza Palace, since 1990.\n\n"
                     "# Menu\n## Pizzas\nMargherita 9 euros.\n\nMarinara 7 euros.\n\n"
                     "## Drinks ##\nCola 2 euros.\n"
                     "```\n# not a heading\n```\n"
                     "### Hours\nEvery day 12 to 23.\n";
    CHECK(split_markdown(md) == Strings{"Welcome to Pizza Palace, since 1990.",
                                        "Menu\nPizzas\nMargherita 9 euros.\nMarinara 7 euros.",
                                        "Drinks\nCola 2 euros.\n```\n# not a heading\n```",
                                        "Hours\nEvery day 12 to 23."});
}

TEST_CASE("a markdown section too long for one entry is cut by paragraphs under its heading",
          "[media][import]") {
    std::string paragraph(3000, 'x');
    auto passages = split_markdown("# FAQ\n" + paragraph + "\n\n" + paragraph + "\n");
    REQUIRE(passages.size() == 2);
    CHECK(passages[0] == "FAQ\n" + paragraph);
    CHECK(passages[1] == "FAQ\n" + paragraph);
}

TEST_CASE("csv makes one entry per row, with the kb import columns or Column: value lines",
          "[media][import]") {
    auto rows = split_csv("Item,Price,Note\nMargherita,9.00,\n\"Quattro, formaggi\",11.50,spicy\n\n");
    REQUIRE(rows);
    CHECK(*rows ==
          Strings{"Item: Margherita\nPrice: 9.00", "Item: Quattro, formaggi\nPrice: 11.50\nNote: spicy"});

    auto faq = split_csv("question,answer\nDo you deliver?,Yes until 11pm\n");
    REQUIRE(faq);
    CHECK(*faq == Strings{"Do you deliver?\nYes until 11pm"});

    auto text = split_csv("Text,tags\nWe have vegan cheese,vegan\n");
    REQUIRE(text);
    CHECK(*text == Strings{"We have vegan cheese"});

    auto header_only = split_csv("Item,Price\n");
    REQUIRE(header_only);
    CHECK(header_only->empty());
}

TEST_CASE("malformed csv and over-long rows are refused with their line", "[media][import]") {
    auto bad = split_csv("Item,Price\nMargherita,\"9.00\n");
    REQUIRE_FALSE(bad);
    CHECK(bad.error().message.find("line 2") != std::string::npos);

    auto long_row = split_csv("text\nshort\n" + std::string(4001, 'y') + "\n");
    REQUIRE_FALSE(long_row);
    CHECK(long_row.error().message.find("line 3") != std::string::npos);
    CHECK(long_row.error().message.find("4000") != std::string::npos);
}
