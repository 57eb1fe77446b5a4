// Media into and out of the knowledge base, with the real sbcd, the fake Twilio and the fake media server:
// an owner's PDF, CSV and captioned photo become entries (and the owner hears so through the Messages API),
// an answer from an entry with an attachment carries it as MediaUrl and sbcd serves exactly that file at its
// public path; sbcctl kb add --file and kb attach do the same from the shell; names from requests never
// become paths.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"
#include "tests/support/tiny_pdf.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <httplib.h>
#include <regex>

using namespace sbc::test;
using namespace sbc::test::cli;
namespace fs = std::filesystem;

namespace test_media_knowledge {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_customer = "+15557654321";
const std::string k_jpeg = std::string("\xFF\xD8\xFF\xE0", 4) + " the menu photo's bytes";

std::string media_path(int n) {
    return fmt::format("/2010-04-01/Accounts/{}/Messages/MM{:032x}/Media/ME{:032x}", k_fake_account_sid, n,
                       n);
}

// Pizza Palace on an sbcd wired to the fake Twilio, whose media the fake media server serves.
struct KnowledgeLive : WithFakeMedia, LiveDaemon {
    explicit KnowledgeLive(const Env& extra = {})
        : LiveDaemon(merge_env({{"SBC_RETRY_BASE_MS", "10"}, {"SBC_MEDIA_RETRY_BASE_MS", "10"}}, extra)) {
        REQUIRE(register_pizza(daemon()).exit_code == 0);
    }
    // Posts a signed message from `from` carrying one file, served by the fake media server with this type.
    int post_file(int n, const std::string& from, const std::string& bytes, const std::string& type,
                  const std::string& body = "") {
        media.serve(media_path(n), {bytes, type, true, std::nullopt});
        auto params = inbound_message(fmt::format("MM{:032x}", n), from, k_number, body);
        sbc::http::FormParams p;
        for (auto& [name, value] : params.pairs) {
            p.add(name, name == "NumMedia" ? std::string("1") : value);
        }
        p.add("MediaContentType0", type);
        p.add("MediaUrl0", media.url(media_path(n)));
        return post_signed(k_inbound_path, p).status;
    }
    int post_text(int n, const std::string& from, const std::string& body) {
        return message(make_sid(n), from, k_number, body).status;
    }
};

const std::string k_caption = "Our pizza menu: margherita, marinara and diavola";

// The last message sbcd created at the fake Twilio for the customer is the menu entry, with its photo's
// public URL as MediaUrl.
void check_menu_with_photo(const LiveDaemon& live, const std::string& token) {
    auto created = live.twilio().created_messages();
    const FakeRequest* answer = nullptr;
    for (const auto& r : created) {
        if (r.form.first("To").value_or("") == std::string("whatsapp:") + k_customer) {
            answer = &r;
        }
    }
    REQUIRE(answer != nullptr);
    CHECK(answer->form.first("Body").value_or("") == k_caption);
    auto urls = answer->form.all("MediaUrl");
    REQUIRE(urls.size() == 1);
    CHECK(urls[0] == std::string(k_public_base) + "/media/" + token + ".jpg");
}

std::vector<std::string> kb_texts(const Daemon& daemon) {
    auto j = ctl_json_run(daemon, {"kb", "list", "--business", "pizza-palace"});
    REQUIRE(j.exit_code == 0);
    std::vector<std::string> out;
    for (const auto& e : j.doc["arguments"]["entries"]) {
        out.push_back(e["text"]);
    }
    return out;
}

// Every file under the data directory's media folder has a generated name (digits/32 hex.ext).
void check_media_names(const Daemon& daemon) {
    std::regex safe(R"(\d+/[0-9a-f]{32}\.[a-z0-9]{1,5})");
    std::error_code ec;
    fs::path root = daemon.data_dir() + "/media";
    if (!fs::exists(root)) {
        return;
    }
    for (const auto& e : fs::recursive_directory_iterator(root, ec)) {
        if (e.is_regular_file()) {
            auto name = fs::relative(e.path(), root).string();
            INFO(name);
            CHECK(std::regex_match(name, safe));
        }
    }
}

TEST_CASE("an owner's PDF and CSV become knowledge entries and the owner hears how many", "[media][upload]") {
    KnowledgeLive live;

    auto pdf = tiny_pdf({"Margherita pizza costs 9 euros.", "We deliver until 11pm every day."});
    REQUIRE(live.post_file(1, k_owner, pdf, "application/pdf", "menu.pdf") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 1));
    CHECK(live.bodies_to(k_owner)[0] ==
          "Added 2 entries from menu.pdf: #1 to #2. !list to see them, !delete <number> to drop one.");
    CHECK(kb_texts(live.daemon()) ==
          std::vector<std::string>{"Margherita pizza costs 9 euros.", "We deliver until 11pm every day."});
    auto db = live.daemon().database();
    CHECK(query_one(db, "SELECT kind FROM messages WHERE direction = 'in'") == "owner-media");
    CHECK(query_one(db, "SELECT source FROM knowledge WHERE number = 1") == "upload:menu.pdf");

    // A CSV without a caption: one entry per row, named by its kind; a row already present is not added
    // twice.
    std::string csv = "Item,Price\nMarinara,7.50\nDiavola,10.00\n";
    REQUIRE(live.post_file(2, k_owner, csv, "text/csv") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2));
    CHECK(live.bodies_to(k_owner)[1] ==
          "Added 2 entries from your CSV file: #3 to #4. !list to see them, !delete <number> to drop one.");
    REQUIRE(live.post_file(3, k_owner, csv + "Capricciosa,11.00\n", "text/csv") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 3));
    CHECK(live.bodies_to(k_owner)[2] ==
          "Added 1 entry from your CSV file (2 already there): #5 to #5. !list to "
          "see them, !delete <number> to drop one.");
    auto texts = kb_texts(live.daemon());
    REQUIRE(texts.size() == 5);
    CHECK(texts[2] == "Item: Marinara\nPrice: 7.50");
    CHECK(texts[4] == "Item: Capricciosa\nPrice: 11.00");
    // The uploads are kept as owner-media rows, which retention leaves alone.
    CHECK(query_int(db, "SELECT COUNT(*) FROM media WHERE state = 'stored'") == 3);
    check_media_names(live.daemon());
}

TEST_CASE("a captioned photo from the owner becomes an entry whose answers carry the photo",
          "[media][upload]") {
    KnowledgeLive live;
    const std::string& caption = k_caption;
    REQUIRE(live.post_file(1, k_owner, k_jpeg, "image/jpeg", caption) == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 1));
    CHECK(live.bodies_to(k_owner)[0] ==
          "Added #1 with your photo: " + caption +
              ". Customers whose question it answers get the photo too. !delete 1 removes it.");
    auto db = live.daemon().database();
    CHECK(kb_texts(live.daemon()) == std::vector<std::string>{caption});
    auto token = query_one(db, "SELECT token FROM knowledge_attachments");
    auto file = query_one(db, "SELECT file FROM knowledge_attachments");
    REQUIRE(token.size() == 32);
    CHECK(file.find(token) == std::string::npos); // the public name reveals nothing of the stored one
    CHECK(read_file(live.daemon().data_dir() + "/media/" + file) == k_jpeg);
    auto listed = ctl_json_run(live.daemon(), {"kb", "list", "--business", "pizza-palace"});
    CHECK(listed.doc["arguments"]["entries"][0]["attachment"]["path"] == "/media/" + token + ".jpg");

    // A customer's question answered by that entry: the reply posts MediaUrl to Twilio.
    REQUIRE(live.post_text(10, k_customer, "What pizzas are on your menu?") == 200);
    REQUIRE(live.wait_for_bodies(k_customer, 1));
    check_menu_with_photo(live, token);
    CHECK(query_one(db, "SELECT media_path FROM messages WHERE direction = 'out' AND customer = '" +
                            std::string(k_customer) + "'") == "/media/" + token + ".jpg");

    // sbcd serves exactly that file at that path, and nothing else.
    auto served = get(live.daemon().http_port(), "/media/" + token + ".jpg");
    CHECK(served.status == 200);
    CHECK(served.body == k_jpeg);
    CHECK(served.content_type == "image/jpeg");
    std::string stored_hex = file.substr(file.find('/') + 1, 32);
    std::vector<std::string> wrong = {"/media/" + token + ".png",
                                      "/media/" + token,
                                      "/media/" + std::string(32, '0') + ".jpg",
                                      "/media/" + stored_hex + ".jpg",
                                      "/media/" + file,
                                      "/media/../sbc.db",
                                      "/media/%2e%2e/sbc.db",
                                      "/media/..%2f..%2fsbc.db",
                                      "/media/" + token + ".jpg%00.txt",
                                      "/media/" + token + ".jpg/..",
                                      "/media/",
                                      "/media/%2fetc%2fpasswd"};
    for (const auto& path : wrong) {
        INFO(path);
        auto r = get(live.daemon().http_port(), path);
        CHECK(r.status == 404);
        CHECK(r.body.find("the menu photo") == std::string::npos);
    }
    // The owner's downloaded photo is a customer-style media file: never served either.
    auto downloaded = query_one(db, "SELECT file FROM media");
    CHECK(get(live.daemon().http_port(), "/media/" + downloaded.substr(downloaded.find('/') + 1)).status ==
          404);

    // "!delete 1 removes it", as the owner was told: the entry, its attachment and the stored photo.
    auto stored = live.daemon().data_dir() + "/media/" + file;
    REQUIRE(live.post_text(11, k_owner, "!delete 1") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2));
    CHECK(live.bodies_to(k_owner)[1] == "Deleted #1: " + caption);
    CHECK(live.count("SELECT COUNT(*) FROM knowledge_attachments") == 0);
    CHECK(wait_until([&] { return !std::filesystem::exists(stored); }));
    CHECK(get(live.daemon().http_port(), "/media/" + token + ".jpg").status == 404);
}

TEST_CASE("an owner who answers a hand-off with an entry that has a photo sends the photo too",
          "[media][handoff]") {
    KnowledgeLive live;
    REQUIRE(live.post_file(1, k_owner, k_jpeg, "image/jpeg", k_caption) == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 1)); // "Added #1 with your photo"
    auto token = query_one(live.daemon().database(), "SELECT token FROM knowledge_attachments");

    REQUIRE(live.post_text(10, k_customer, "Can I get a calzone with extra chilli?") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2)); // the notice of question 1
    REQUIRE(live.post_text(11, k_owner, "!answer 1 #1") == 200);
    REQUIRE(live.wait_for_bodies(k_customer, 2));
    check_menu_with_photo(live, token);
    CHECK(live.count("SELECT COUNT(*) FROM messages WHERE kind = 'owner-answer' AND entry_number = 1") == 1);
}

TEST_CASE("media.quota_bytes counts the photos kept with entries and refuses downloads past it",
          "[media][upload]") {
    // Room for the owner's photo once, not for the download and its copy kept with the entry.
    KnowledgeLive live(Env{{"SBC_MEDIA_QUOTA_BYTES", std::to_string(k_jpeg.size() * 3 / 2)}});

    REQUIRE(live.post_file(1, k_owner, k_jpeg, "image/jpeg", "Our pizza menu") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 1));
    REQUIRE(live.count("SELECT COUNT(*) FROM knowledge_attachments") == 1);
    REQUIRE(live.post_file(2, k_owner, "We open at 9.\n", "text/plain") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2));
    CHECK_THAT(
        live.bodies_to(k_owner)[1],
        Contains(fmt::format("the business's media quota of {} bytes is used up", k_jpeg.size() * 3 / 2)));
    CHECK(live.media.requests().size() == 1); // the text file was never fetched
    CHECK(live.count("SELECT COUNT(*) FROM media WHERE state = 'failed'") == 1);
    CHECK(kb_texts(live.daemon()) == std::vector<std::string>{"Our pizza menu"});
}

TEST_CASE("with pdftotext missing the owner is told what to do and nothing is added", "[media][upload]") {
    KnowledgeLive live(Env{{"SBC_PDFTOTEXT", "/nonexistent/bin/pdftotext"}});

    REQUIRE(live.post_file(1, k_owner, tiny_pdf({"Hello there."}), "application/pdf", "menu.pdf") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 1));
    CHECK(live.bodies_to(k_owner)[0] == "menu.pdf is a PDF, and this server cannot read PDFs: "
                                        "/nonexistent/bin/pdftotext is not installed (the "
                                        "administrator installs Debian's poppler-utils or sets "
                                        "media.pdftotext). Meanwhile send the text as a "
                                        ".txt file.");
    CHECK(live.count("SELECT COUNT(*) FROM knowledge") == 0);
}

TEST_CASE("an owner's file that cannot become knowledge is refused before any download", "[media][upload]") {
    KnowledgeLive live;

    REQUIRE(live.post_file(1, k_owner, "OggS voice", "audio/ogg") == 200);
    REQUIRE(live.post_file(2, k_owner, k_jpeg, "image/jpeg") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2));
    auto told = live.bodies_to(k_owner);
    CHECK(told[0] ==
          "I can add text (.txt), Markdown, CSV and PDF documents, and photos with a caption, to the "
          "knowledge base; a voice message (audio/ogg) is none of those. Save it as PDF or text and "
          "send that.");
    CHECK(told[1] ==
          "To add a photo to the knowledge base, send it again with a caption: the caption becomes the "
          "entry, and customers whose question it answers get the photo with it.");
    CHECK(live.media.requests().empty());
    CHECK(live.count("SELECT COUNT(*) FROM media") == 0);
    CHECK(live.count("SELECT COUNT(*) FROM knowledge") == 0);
}

TEST_CASE("owners' uploads count against rate.media_per_hour", "[media][upload]") {
    KnowledgeLive live(Env{{"SBC_RATE_MEDIA_PER_HOUR", "1"}});

    REQUIRE(live.post_file(1, k_owner, "We open at 9.\n", "text/plain") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 1));
    REQUIRE(live.post_file(2, k_owner, "We close at 5.\n", "text/plain") == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2));
    auto told = live.bodies_to(k_owner);
    CHECK(told[0] ==
          "Added 1 entry from your text file: #1 to #1. !list to see them, !delete <number> to drop one.");
    CHECK(told[1] ==
          "You have sent 1 file in the last hour, the most I take (rate.media_per_hour). Send this "
          "one again a little later.");
    CHECK(kb_texts(live.daemon()) == std::vector<std::string>{"We open at 9."});
    CHECK(live.media.requests().size() == 1);
}

TEST_CASE("sbcctl kb add --file adds a document's passages and lists them with --json", "[media][cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);

    write_file(dir.file("faq.csv"), "question,answer\nDo you deliver?,Yes until 11pm\nVegan cheese?,Yes\n");
    auto csv =
        ctl_json_run(daemon, {"kb", "add", "--business", "pizza-palace", "--file", dir.file("faq.csv")});
    CHECK(csv.exit_code == 0);
    CHECK(csv.doc["text"] == "added 2 entries to pizza-palace from faq.csv (0 already present)");
    REQUIRE(csv.doc["arguments"]["entries"].size() == 2);
    CHECK(csv.doc["arguments"]["entries"][0]["text"] == "Do you deliver?\nYes until 11pm");
    CHECK(csv.doc["arguments"]["entries"][1]["number"] == 2);
    CHECK(csv.doc["arguments"]["entries"][1]["source"] == "file:faq.csv");

    write_file(dir.file("notes.md"), "# Hours\nEvery day 12 to 23.\n\n# Parking\nFree behind the shop.\n");
    auto md = daemon.ctl(
        {"kb", "add", "--business", "pizza-palace", "--file", dir.file("notes.md"), "--tags", "info"});
    CHECK(md.exit_code == 0);
    CHECK_THAT(md.out, StartsWith("added 2 entries to pizza-palace from notes.md (0 already present)"));
    CHECK_THAT(md.out, Contains("Parking Free behind the shop."));

    write_file(dir.file("story.txt"), "Since 1990\n\nWe bake in a wood oven.\n");
    CHECK(
        daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("story.txt")}).exit_code ==
        0);
    write_file(dir.file("menu.pdf"), tiny_pdf({"Margherita pizza costs 9 euros."}));
    auto pdf =
        ctl_json_run(daemon, {"kb", "add", "--business", "pizza-palace", "--file", dir.file("menu.pdf")});
    CHECK(pdf.exit_code == 0);
    REQUIRE(pdf.doc["arguments"]["entries"].size() == 1);
    CHECK(pdf.doc["arguments"]["entries"][0]["text"] == "Margherita pizza costs 9 euros.");

    auto texts = kb_texts(daemon);
    CHECK(texts == std::vector<std::string>{"Do you deliver?\nYes until 11pm", "Vegan cheese?\nYes",
                                            "Hours\nEvery day 12 to 23.", "Parking\nFree behind the shop.",
                                            "Since 1990\nWe bake in a wood oven.",
                                            "Margherita pizza costs 9 euros."});
    CHECK(query_one(daemon.database(), "SELECT tags FROM knowledge WHERE number = 3") == "info");

    // The same file again adds nothing.
    auto again =
        ctl_json_run(daemon, {"kb", "add", "--business", "pizza-palace", "--file", dir.file("faq.csv")});
    CHECK(again.exit_code == 0);
    CHECK(again.doc["arguments"]["added"] == 0);
    CHECK(again.doc["arguments"]["unchanged"] == 2);
}

TEST_CASE("sbcctl kb add --file refuses what it cannot import and changes nothing", "[media][cli]") {
    TempDir dir;
    Daemon daemon(dir, {{"SBC_PDFTOTEXT", "/nonexistent/pdftotext"}});
    REQUIRE(register_pizza(daemon).exit_code == 0);

    write_file(dir.file("menu.docx"), "PK\x03\x04");
    auto docx = daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("menu.docx")});
    CHECK(docx.exit_code == 5);
    CHECK_THAT(docx.err, Contains("name must end in .txt, .md, .csv or .pdf"));

    CHECK(daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("missing.txt")})
              .exit_code == 5);

    write_file(dir.file("latin1.txt"), "caf\xE9\n");
    auto latin1 = daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("latin1.txt")});
    CHECK(latin1.exit_code == 5);
    CHECK_THAT(latin1.err, Contains("latin1.txt is not UTF-8 text"));

    write_file(dir.file("bad.csv"), "Item,Price\nMargherita,\"9\n");
    CHECK(daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("bad.csv")}).exit_code ==
          5);

    write_file(dir.file("ok.txt"), "We open at 9.\n");
    CHECK(daemon.ctl({"kb", "add", "--business", "nope", "--file", dir.file("ok.txt")}).exit_code == 4);
    CHECK(daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("ok.txt"), "some text"})
              .exit_code == 2);

    write_file(dir.file("menu.pdf"), tiny_pdf({"Hello."}));
    auto pdf = daemon.ctl({"kb", "add", "--business", "pizza-palace", "--file", dir.file("menu.pdf")});
    CHECK(pdf.exit_code == 1);
    CHECK_THAT(pdf.err, Contains("cannot read PDFs"));

    CHECK(query_int(daemon.database(), "SELECT COUNT(*) FROM knowledge") == 0);
}

TEST_CASE("sbcctl kb attach sets and removes an entry's attachment, served at its public path",
          "[media][cli]") {
    TempDir dir;
    Daemon daemon(dir, {{"WEBHOOK_BASE_URL", k_public_base}});
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(daemon.ctl({"kb", "add", "--business", "pizza-palace", "Our menu has twelve pizzas"}).exit_code ==
            0);
    write_file(dir.file("menu.jpg"), k_jpeg);

    auto attached = ctl_json_run(
        daemon, {"kb", "attach", "--business", "pizza-palace", "1", "--file", dir.file("menu.jpg")});
    REQUIRE(attached.exit_code == 0);
    auto entry = attached.doc["arguments"]["entry"];
    std::string path = entry["attachment"]["path"];
    CHECK(std::regex_match(path, std::regex(R"(/media/[0-9a-f]{32}\.jpg)")));
    CHECK(entry["attachment"]["url"] == std::string(k_public_base) + path);
    CHECK(entry["attachment"]["content_type"] == "image/jpeg");
    auto served = get(daemon.http_port(), path);
    CHECK(served.status == 200);
    CHECK(served.body == k_jpeg);
    // Twilio also sends HEAD: the same headers, no body.
    httplib::Client client("127.0.0.1", daemon.http_port());
    auto head = client.Head(path.c_str());
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->get_header_value("Content-Type") == "image/jpeg");
    CHECK(head->body.empty());

    // A new file replaces the old one, whose URL then leads nowhere and whose file is gone.
    std::string png = std::string("\x89PNG\r\n\x1A\n", 8) + "png bytes";
    write_file(dir.file("menu.png"), png);
    auto replaced = ctl_json_run(
        daemon, {"kb", "attach", "--business", "pizza-palace", "1", "--file", dir.file("menu.png")});
    REQUIRE(replaced.exit_code == 0);
    std::string new_path = replaced.doc["arguments"]["entry"]["attachment"]["path"];
    CHECK(get(daemon.http_port(), path).status == 404);
    CHECK(get(daemon.http_port(), new_path).body == png);
    CHECK(query_int(daemon.database(), "SELECT COUNT(*) FROM knowledge_attachments") == 1);

    // Bad input: wrong content, unknown type, unknown entry, nothing to do; each changes nothing.
    write_file(dir.file("fake.jpg"), "not a jpeg");
    auto fake_jpeg =
        daemon.ctl({"kb", "attach", "--business", "pizza-palace", "1", "--file", dir.file("fake.jpg")});
    CHECK(fake_jpeg.exit_code == 5);
    CHECK_THAT(fake_jpeg.err, Contains("not image/jpeg"));
    write_file(dir.file("run.sh"), "#!/bin/sh\n");
    CHECK(daemon.ctl({"kb", "attach", "--business", "pizza-palace", "1", "--file", dir.file("run.sh")})
              .exit_code == 5);
    CHECK(daemon.ctl({"kb", "attach", "--business", "pizza-palace", "9", "--file", dir.file("menu.jpg")})
              .exit_code == 4);
    CHECK(daemon.ctl({"kb", "attach", "--business", "pizza-palace", "1"}).exit_code == 2);
    CHECK(get(daemon.http_port(), new_path).body == png);

    auto removed = daemon.ctl({"kb", "attach", "--business", "pizza-palace", "1", "--remove"});
    CHECK(removed.exit_code == 0);
    CHECK(get(daemon.http_port(), new_path).status == 404);
    CHECK(daemon.ctl({"kb", "attach", "--business", "pizza-palace", "1", "--remove"}).exit_code == 4);
    CHECK(query_int(daemon.database(), "SELECT COUNT(*) FROM knowledge_attachments") == 0);
    // Every file the attachments had is gone from the data directory.
    check_media_names(daemon);
    std::size_t files = 0;
    std::error_code ec;
    for (const auto& e : fs::recursive_directory_iterator(daemon.data_dir() + "/media", ec)) {
        files += e.is_regular_file() ? 1 : 0;
    }
    CHECK(files == 0);
}

TEST_CASE("path tricks in names from requests never reach outside the data directory", "[media][upload]") {
    KnowledgeLive live;

    // The owner's caption names the document: only ever display text.
    REQUIRE(live.post_file(1, k_owner, "We open at 9.\n", "text/plain", "../../etc/passwd.txt") == 200);
    REQUIRE(live.post_file(2, k_owner, "We close at 5.\n", "text/plain",
                           std::string("/abs/evil\0name.txt", 18)) == 200);
    REQUIRE(live.wait_for_bodies(k_owner, 2));
    auto told = live.bodies_to(k_owner);
    CHECK(told[0] ==
          "Added 1 entry from passwd.txt: #1 to #1. !list to see them, !delete <number> to drop one.");
    CHECK(told[1] ==
          "Added 1 entry from evilname.txt: #2 to #2. !list to see them, !delete <number> to drop one.");

    // sbcctl's path with ".." segments: the name sbcd keeps is the last component.
    fs::create_directories(live.dir().file("docs/sub"));
    write_file(live.dir().file("docs/faq.txt"), "Parking is free.\n");
    auto tricky = ctl_json_run(live.daemon(), {"kb", "add", "--business", "pizza-palace", "--file",
                                               live.dir().file("docs/sub/../../docs/faq.txt")});
    REQUIRE(tricky.exit_code == 0);
    CHECK(tricky.doc["arguments"]["entries"][0]["source"] == "file:faq.txt");

    // Nothing was written outside <data_dir>/media, and every name there is generated.
    check_media_names(live.daemon());
    CHECK_FALSE(fs::exists(live.dir().file("etc")));
    CHECK_FALSE(fs::exists(live.daemon().data_dir() + "/etc"));
    CHECK(query_int(live.daemon().database(),
                    "SELECT COUNT(*) FROM media WHERE file LIKE '%..%' OR file LIKE '/%'") == 0);
}

} // namespace test_media_knowledge
