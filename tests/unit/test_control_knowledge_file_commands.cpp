// kb-add with a document and kb-attach through dispatch: what they write, what they answer, and bad input
// that changes nothing.

#include "common/base64.hpp"
#include "tests/unit/control_fixture.hpp"

#include <filesystem>

using namespace sbc;
using namespace sbc::test;

namespace {

const std::string k_png = std::string("\x89PNG\r\n\x1A\n", 8) + "png bytes";

std::size_t files_under(const std::string& dir) {
    std::size_t n = 0;
    std::error_code ec;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir, ec)) {
        n += e.is_regular_file() ? 1 : 0;
    }
    return n;
}

} // namespace

TEST_CASE("kb-add with a document adds its passages, audited, and lists them", "[control][kb][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    auto added = f.ok("kb-add", {{"business", "pizza"},
                                 {"document", base64::encode("Item,Price\nMargherita,9\nMarinara,7\n")},
                                 {"name", "/home/me/../menu.csv"}});
    CHECK(added["added"] == 2);
    CHECK(added["unchanged"] == 0);
    CHECK(added["document"] == "menu.csv");
    REQUIRE(added["entries"].size() == 2);
    CHECK(added["entries"][0]["text"] == "Item: Margherita\nPrice: 9");
    CHECK(added["entries"][1]["source"] == "file:menu.csv");
    CHECK(f.events().back().action == "kb-import");
    CHECK(f.ok("kb-list", {{"business", "pizza"}})["total"] == 2);
}

TEST_CASE("kb-add refuses a bad document and changes nothing", "[control][kb][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    auto doc = base64::encode("hello.");
    CHECK(
        f.fails(protocol::k_invalid, "kb-add", {{"business", "pizza"}, {"document", doc}, {"name", "a.docx"}})
            .find(".txt, .md, .csv or .pdf") != std::string::npos);
    f.fails(protocol::k_invalid, "kb-add", {{"business", "pizza"}, {"document", doc}});
    f.fails(protocol::k_invalid, "kb-add",
            {{"business", "pizza"}, {"document", "not base64!"}, {"name", "a.txt"}});
    f.fails(protocol::k_invalid, "kb-add",
            {{"business", "pizza"}, {"document", doc}, {"name", "a.txt"}, {"text", "both"}});
    f.fails(protocol::k_invalid, "kb-add",
            {{"business", "pizza"}, {"document", base64::encode("\n\n")}, {"name", "a.txt"}});
    f.fails(protocol::k_not_found, "kb-add", {{"business", "nope"}, {"document", doc}, {"name", "a.txt"}});
    CHECK(f.ok("kb-list", {{"business", "pizza"}})["total"] == 0);
}

TEST_CASE("kb-attach stores the file under a generated name and a separate token", "[control][kb][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    f.ok("kb-add", {{"business", "pizza"}, {"text", "Our menu"}});
    auto entry = f.ok("kb-attach", {{"business", "pizza"},
                                    {"number", 1},
                                    {"content", base64::encode(k_png)},
                                    {"name", "../../menu.PNG"}})["entry"];
    std::string path = entry["attachment"]["path"];
    REQUIRE(path.size() == std::string("/media/").size() + 32 + 4);
    CHECK(path.substr(path.size() - 4) == ".png");
    CHECK(entry["attachment"]["content_type"] == "image/png");
    CHECK(entry["attachment"]["bytes"] == k_png.size());
    CHECK(entry["attachment"]["url"].is_null()); // no public base URL configured
    CHECK(f.events().back().action == "kb-attach");
    auto listed = f.ok("kb-list", {{"business", "pizza"}})["entries"][0];
    CHECK(listed["attachment"]["path"] == path);
    CHECK(files_under(f.data_dir() + "/media") == 1);

    f.ok("kb-attach", {{"business", "pizza"}, {"number", 1}, {"remove", true}});
    CHECK(files_under(f.data_dir() + "/media") == 0);
    CHECK_FALSE(f.ok("kb-list", {{"business", "pizza"}})["entries"][0].contains("attachment"));
}

TEST_CASE("kb-attach refuses bad input and leaves no file behind", "[control][kb][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    f.ok("kb-add", {{"business", "pizza"}, {"text", "Our menu"}});
    auto png = base64::encode(k_png);
    f.fails(protocol::k_invalid, "kb-attach", {{"business", "pizza"}, {"number", 1}});
    f.fails(protocol::k_invalid, "kb-attach",
            {{"business", "pizza"}, {"number", 1}, {"content", png}, {"name", "x.png"}, {"remove", true}});
    f.fails(protocol::k_invalid, "kb-attach", {{"business", "pizza"}, {"number", 1}, {"content", png}});
    f.fails(protocol::k_invalid, "kb-attach",
            {{"business", "pizza"}, {"number", 1}, {"content", png}, {"name", "x.exe"}});
    f.fails(protocol::k_invalid, "kb-attach",
            {{"business", "pizza"}, {"number", 1}, {"content", png}, {"name", "x.jpg"}});
    f.fails(protocol::k_not_found, "kb-attach",
            {{"business", "pizza"}, {"number", 7}, {"content", png}, {"name", "x.png"}});
    f.fails(protocol::k_not_found, "kb-attach", {{"business", "pizza"}, {"number", 1}, {"remove", true}});
    CHECK(files_under(f.data_dir() + "/media") == 0);
}
