#include "daemon/media/media_files.hpp"
#include "daemon/media/media_types.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <vector>

using namespace sbc::media;

TEST_CASE("generated names have the safe shape and differ", "[media][files]") {
    auto a = new_file_name(12, "jpg");
    auto b = new_file_name(12, "jpg");
    CHECK(a != b);
    CHECK(a.rfind("12/", 0) == 0);
    CHECK(is_safe_name(a));
    CHECK(is_safe_name(new_file_name(3, "part")));
}

TEST_CASE("path tricks in a name never make a path", "[media][files]") {
    const std::string hex = "0123456789abcdef0123456789abcdef";
    const std::vector<std::string> tricks = {"../1/" + hex + ".jpg",
                                             "1/../" + hex + ".jpg",
                                             "/etc/passwd",
                                             "1/" + hex,
                                             "1/" + hex + ".jpg/..",
                                             "1/" + hex + "./",
                                             "1//" + hex + ".jpg",
                                             "1/" + hex + ".JPG",
                                             "1/" + hex + ".jp g",
                                             "a/" + hex + ".jpg",
                                             "1\\" + hex + ".jpg",
                                             "1/" + hex.substr(1) + "x.jpg",
                                             std::string("1/\0", 3),
                                             "1/0123456789ABCDEF0123456789abcdef.jpg",
                                             "",
                                             "/",
                                             "..",
                                             "1/" + hex + ".toolong"};
    for (const auto& bad : tricks) {
        INFO(bad);
        CHECK_FALSE(is_safe_name(bad));
        CHECK_FALSE(path_of("/data", bad).has_value());
    }
    auto ok = path_of("/data", "7/" + hex + ".pdf");
    REQUIRE(ok);
    CHECK(*ok == "/data/media/7/" + hex + ".pdf");
}

TEST_CASE("the sweep removes partial and unreferenced files and reports rows without a file",
          "[media][files]") {
    sbc::test::TempDir dir;
    const std::string hex = "0123456789abcdef0123456789abcdef";
    const std::string other = "fedcba9876543210fedcba9876543210";
    std::filesystem::create_directories(dir.path() + "/media/1");
    sbc::test::write_file(dir.path() + "/media/1/" + hex + ".jpg", "kept");
    sbc::test::write_file(dir.path() + "/media/1/" + other + ".part", "partial");
    sbc::test::write_file(dir.path() + "/media/1/" + other + ".png", "orphan");
    sbc::test::write_file(dir.path() + "/outside.txt", "not ours");
    auto result =
        sweep(dir.path(), {{1, "1/" + hex + ".jpg"}, {2, "1/" + other + ".jpg"}, {3, "../outside.txt"}});
    CHECK(result.temp_removed == 1);
    CHECK(result.orphans_removed == 1);
    CHECK(result.missing == std::vector<std::int64_t>{2, 3});
    CHECK(std::filesystem::exists(dir.path() + "/media/1/" + hex + ".jpg"));
    CHECK(std::filesystem::exists(dir.path() + "/outside.txt"));
}

TEST_CASE("content types: parameters and case are ignored, the allow-list gives the extension",
          "[media][types]") {
    CHECK(normalise_type(" Image/JPEG; charset=binary") == "image/jpeg");
    CHECK(extension_for("image/jpeg") == "jpg");
    CHECK(extension_for("application/pdf") == "pdf");
    CHECK(extension_for("text/csv; charset=utf-8") == "csv");
    CHECK_FALSE(extension_for("text/html").has_value());
    CHECK_FALSE(extension_for("application/x-msdownload").has_value());
    CHECK_FALSE(extension_for("").has_value());
    CHECK(kind_in_words("image/png") == "photo");
    CHECK(kind_in_words("audio/ogg") == "voice message");
    CHECK(kind_in_words("application/pdf") == "file");
}

TEST_CASE("the sweep keeps the files of knowledge attachments, which no media row names", "[media][files]") {
    sbc::test::TempDir dir;
    std::string error;
    auto attached = write_new_file(dir.path(), 4, "jpg", "photo", error);
    auto orphan = write_new_file(dir.path(), 4, "jpg", "nobody's", error);
    REQUIRE(attached);
    REQUIRE(orphan);
    CHECK(is_safe_name(*attached));
    CHECK(sbc::test::read_file(*path_of(dir.path(), *attached)) == "photo");
    auto result = sweep(dir.path(), {}, {*attached});
    CHECK(result.orphans_removed == 1);
    CHECK(std::filesystem::exists(*path_of(dir.path(), *attached)));
    CHECK_FALSE(std::filesystem::exists(*path_of(dir.path(), *orphan)));
}

TEST_CASE("public tokens are 32 lower-case hex digits and differ", "[media][files]") {
    auto a = new_token();
    CHECK(is_token(a));
    CHECK(a != new_token());
    CHECK_FALSE(is_token(a.substr(1)));
    CHECK_FALSE(is_token(std::string(31, 'a') + "G"));
    CHECK_FALSE(is_token("../" + a.substr(3)));
}

TEST_CASE("remove_file deletes a stored file by its name and nothing outside the media folder",
          "[media][files]") {
    sbc::test::TempDir dir;
    std::string error;
    auto name = write_new_file(dir.path(), 7, "pdf", "%PDF-1.4 bytes", error);
    REQUIRE(name);
    auto path = path_of(dir.path(), *name);
    REQUIRE(path);
    CHECK(read_file(*path) == std::optional<std::string>("%PDF-1.4 bytes"));
    CHECK(remove_file(dir.path(), *name));
    CHECK_FALSE(std::filesystem::exists(*path));
    CHECK_FALSE(read_file(*path));
    CHECK_FALSE(remove_file(dir.path(), *name)); // already gone: nothing to do, no error
    // An unsafe name is refused before any path is made, even one naming a file that exists.
    auto outside = dir.file("outside.txt");
    { std::ofstream(outside) << "keep me"; }
    CHECK_FALSE(remove_file(dir.path(), "../outside.txt"));
    CHECK_FALSE(remove_file(dir.path(), outside));
    CHECK(std::filesystem::exists(outside));
}

TEST_CASE("attachable types come from the extension, in any case, and only what WhatsApp shows",
          "[media][files]") {
    CHECK(attachable_type("jpg") == std::optional<std::string>("image/jpeg"));
    CHECK(attachable_type("JPEG") == std::optional<std::string>("image/jpeg"));
    CHECK(attachable_type("png") == std::optional<std::string>("image/png"));
    CHECK(attachable_type("webp") == std::optional<std::string>("image/webp"));
    CHECK(attachable_type("Pdf") == std::optional<std::string>("application/pdf"));
    CHECK(attachable_type("mp4") == std::optional<std::string>("video/mp4"));
    CHECK(attachable_type("mp3") == std::optional<std::string>("audio/mpeg"));
    CHECK(attachable_type("ogg") == std::optional<std::string>("audio/ogg"));
    for (const char* refused : {"m4a", "txt", "csv", "docx", "gif", "", "jpg.exe"}) {
        INFO(refused);
        CHECK_FALSE(attachable_type(refused));
    }
}
