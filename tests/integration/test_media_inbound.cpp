// Inbound media: what a customer's message carries is downloaded off the webhook thread from a fake Twilio
// that serves media (public, behind Basic auth, through a redirect to another host, too large, of a wrong
// type, failing first), stored under the data directory with generated names, recorded with the message, and
// answered with the business's media answer. A crash's leftovers are swept at start.

#include "tests/support/fake_media.hpp"
#include "tests/support/live_daemon.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fmt/format.h>

using namespace sbc::test;
namespace fs = std::filesystem;

namespace test_media_inbound {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_customer = "+15557654321";

// Pizza Palace on an sbcd that downloads media (up to 4096 bytes) and retries quickly.
struct MediaLive : WithFakeMedia, LiveDaemon {
    MediaLive()
        : LiveDaemon({{"SBC_RETRY_BASE_MS", "10"},
                      {"SBC_MEDIA_RETRY_BASE_MS", "10"},
                      {"SBC_MEDIA_MAX_BYTES", "4096"}}) {
        register_business("Pizza Palace", k_number, k_owner);
    }
    // Posts a signed message from the customer carrying the given (url, content type) pairs.
    int post_media(int n, const std::vector<std::pair<std::string, std::string>>& files,
                   const std::string& body = "") const {
        auto params = inbound_message(fmt::format("MM{:032x}", n), k_customer, k_number, body);
        sbc::http::FormParams p;
        for (auto& [name, value] : params.pairs) {
            if (name == "NumMedia") {
                value = std::to_string(files.size());
            }
            p.add(name, value);
        }
        for (std::size_t i = 0; i < files.size(); ++i) {
            p.add(fmt::format("MediaContentType{}", i), files[i].second);
            p.add(fmt::format("MediaUrl{}", i), files[i].first);
        }
        return post_signed(k_inbound_path, p).status;
    }
};

std::string media_path(int n) {
    return fmt::format("/2010-04-01/Accounts/{}/Messages/MM{:032x}/Media/ME{:032x}", k_fake_account_sid, n,
                       n);
}

std::string media_state(const Daemon& daemon, int position = 0) {
    return query_one(daemon.database(), fmt::format("SELECT state FROM media WHERE position = {}", position));
}

bool settled(const Daemon& daemon) {
    return query_int(daemon.database(), "SELECT COUNT(*) FROM media WHERE state = 'pending'") == 0 &&
           query_int(daemon.database(), "SELECT COUNT(*) FROM media") > 0;
}

std::vector<std::string> files_under(const std::string& dir) {
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        return out;
    }
    for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
        if (e.is_regular_file()) {
            out.push_back(fs::relative(e.path(), dir).string());
        }
    }
    return out;
}

TEST_CASE("a customer's photo is downloaded with Basic auth, stored under a generated name and answered",
          "[media]") {
    MediaLive live;
    std::string jpeg = "\xFF\xD8\xFF\xE0 a small jpeg body";
    live.media.serve(media_path(1), {jpeg, "image/jpeg", true, std::nullopt});

    REQUIRE(live.post_media(1, {{live.media.url(media_path(1)), "image/jpeg"}}) == 200);
    REQUIRE(wait_until([&] { return settled(live.daemon()); }));

    auto db = live.daemon().database();
    CHECK(media_state(live.daemon()) == "stored");
    CHECK(query_one(db, "SELECT kind FROM messages WHERE direction = 'in'") == "media");
    auto file = query_one(db, "SELECT file FROM media");
    CHECK(file.rfind("1/", 0) == 0);
    CHECK(file.size() == 2 + 32 + 4);
    CHECK(file.substr(file.size() - 4) == ".jpg");
    CHECK(read_file(live.daemon().data_dir() + "/media/" + file) == jpeg);
    CHECK(query_int(db, "SELECT bytes FROM media") == static_cast<long long>(jpeg.size()));

    auto requests = live.media.requests();
    REQUIRE(requests.size() == 1);
    CHECK(requests[0].authorization == live.media.expected_authorization());

    // The customer got the default media answer through the Messages API.
    REQUIRE(live.twilio().wait_for_requests(1, std::chrono::seconds(10)));
    auto sent = live.twilio().created_messages();
    REQUIRE(sent.size() == 1);
    CHECK(sent[0].form.first("Body").value_or("") == "Thanks, we received your photo.");
    CHECK(sent[0].form.first("To").value_or("") == std::string("whatsapp:") + k_customer);
}

TEST_CASE("a redirect is followed without sending the credentials to the other host", "[media]") {
    FakeMedia cdn("ACother", "other-token");
    MediaLive live;
    live.media.serve(media_path(2), {"", "", true, cdn.url("/cdn/file-2")});
    cdn.serve("/cdn/file-2", {"%PDF-1.4 tiny", "application/pdf", false, std::nullopt});

    REQUIRE(live.post_media(2, {{live.media.url(media_path(2)), "application/pdf"}}) == 200);
    REQUIRE(wait_until([&] { return settled(live.daemon()); }));
    CHECK(media_state(live.daemon()) == "stored");
    auto file = live.one("SELECT file FROM media");
    CHECK(file.substr(file.size() - 4) == ".pdf");
    CHECK(read_file(live.daemon().data_dir() + "/media/" + file) == "%PDF-1.4 tiny");

    REQUIRE(live.media.requests().size() == 1);
    CHECK(live.media.requests()[0].authorization == live.media.expected_authorization());
    REQUIRE(cdn.requests().size() == 1);
    CHECK(cdn.requests()[0].authorization.empty());
}

TEST_CASE("an oversized file and a wrong content type are refused, recorded and shown by sbcctl logs",
          "[media]") {
    MediaLive live;
    live.media.serve(media_path(3), {std::string(100000, 'x'), "image/png", false, std::nullopt});
    live.media.serve(media_path(4), {"<html>login</html>", "text/html", false, std::nullopt});

    REQUIRE(live.post_media(3, {{live.media.url(media_path(3)), "image/png"}}) == 200);
    REQUIRE(wait_until([&] { return settled(live.daemon()); }));
    auto db = live.daemon().database();
    CHECK(media_state(live.daemon()) == "failed");
    CHECK(query_one(db, "SELECT last_error FROM media").find("larger than 4096 bytes") != std::string::npos);
    CHECK(query_int(db, "SELECT attempts FROM media") == 1); // permanent: not retried

    REQUIRE(live.post_media(4, {{live.media.url(media_path(4)), "image/jpeg"}}) == 200);
    REQUIRE(
        wait_until([&] { return query_int(db, "SELECT COUNT(*) FROM media WHERE state = 'failed'") == 2; }));
    CHECK(query_one(db, "SELECT last_error FROM media ORDER BY id DESC LIMIT 1")
              .find("'text/html' is not allowed") != std::string::npos);

    // Nothing of either file is left on disk.
    CHECK(files_under(live.daemon().data_dir() + "/media").empty());

    // The failures are on the messages, in sbcctl logs.
    auto logs = live.daemon().ctl_json({"logs", "--business", "pizza-palace"});
    int failed = 0;
    for (const auto& m : logs["arguments"]["messages"]) {
        if (m["direction"] == "in") {
            CHECK(m["status"] == "media-failed");
            CHECK(m["error_message"].get<std::string>().find("media 0 failed") != std::string::npos);
            ++failed;
        }
    }
    CHECK(failed == 2);
    auto table = live.daemon().ctl({"logs", "--business", "pizza-palace"});
    CHECK(table.out.find("media-failed") != std::string::npos);
}

TEST_CASE("a type outside the allow-list is not fetched, a failing server is retried until it answers",
          "[media]") {
    MediaLive live;
    MediaFile flaky{"\x89PNG body", "image/png", false, std::nullopt};
    flaky.fail_first = 2;
    live.media.serve(media_path(5), flaky);
    live.media.serve(media_path(6), {"MZ...", "application/x-msdownload", false, std::nullopt});

    REQUIRE(live.post_media(5, {{live.media.url(media_path(5)), "image/png"},
                                {live.media.url(media_path(6)), "application/x-msdownload"}}) == 200);
    REQUIRE(wait_until([&] { return settled(live.daemon()); }));
    auto db = live.daemon().database();
    CHECK(media_state(live.daemon(), 0) == "stored");
    CHECK(query_int(db, "SELECT attempts FROM media WHERE position = 0") == 3);
    CHECK(media_state(live.daemon(), 1) == "failed");
    CHECK(query_one(db, "SELECT last_error FROM media WHERE position = 1").find("not allowed") !=
          std::string::npos);
    // The refused one was never requested; the flaky one three times.
    int flaky_requests = 0;
    for (const auto& r : live.media.requests()) {
        CHECK(r.path == media_path(5));
        ++flaky_requests;
    }
    CHECK(flaky_requests == 3);
}

TEST_CASE("after a crash, start-up removes partial and unreferenced files and marks rows without a file",
          "[media]") {
    MediaLive live;
    live.media.serve(media_path(7), {"one", "image/jpeg", false, std::nullopt});
    live.media.serve(media_path(8), {"two", "image/jpeg", false, std::nullopt});
    REQUIRE(live.post_media(7, {{live.media.url(media_path(7)), "image/jpeg"}}) == 200);
    REQUIRE(live.post_media(8, {{live.media.url(media_path(8)), "image/jpeg"}}) == 200);
    REQUIRE(wait_until([&] { return live.count("SELECT COUNT(*) FROM media WHERE state = 'stored'") == 2; }));
    REQUIRE(live.daemon().stop(9) == 128 + 9);
    std::string data = live.dir().file("data");
    std::string lost =
        query_one(data + "/sbc.db", "SELECT file FROM media WHERE position = 0 ORDER BY id LIMIT 1");
    std::string kept = query_one(data + "/sbc.db", "SELECT file FROM media ORDER BY id DESC LIMIT 1");
    // What a crash can leave: a partial download, a renamed file whose row was never written, a row whose
    // file is gone.
    write_file(data + "/media/1/0123456789abcdef0123456789abcdef.part", "partial");
    write_file(data + "/media/1/fedcba9876543210fedcba9876543210.jpg", "orphan");
    fs::remove(data + "/media/" + lost);

    live.restart();
    auto files = files_under(data + "/media");
    REQUIRE(files.size() == 1);
    CHECK(files[0] == kept);
    CHECK(live.one("SELECT state FROM media ORDER BY id LIMIT 1") == "missing");
    CHECK(live.one("SELECT state FROM media ORDER BY id DESC LIMIT 1") == "stored");
    CHECK(
        live.daemon().log().find("1 partial download(s) and 1 unreferenced file(s) removed, 1 stored file(s) "
                                 "missing") != std::string::npos);
}

TEST_CASE("the business's media answer, the owner's notice, and sbcctl media list, show, remove", "[media]") {
    MediaLive live;
    auto set = live.daemon().ctl({"media", "settings", "--business", "pizza-palace", "--reply",
                                  "Lovely, we will look at it.", "--notify-owner"});
    REQUIRE(set.exit_code == 0);
    CHECK(live.daemon().ctl({"media", "settings", "--business", "nobody"}).exit_code == 4);
    // The owner writes first, so the notice is inside the owner's 24-hour window.
    REQUIRE(live.message(make_sid(1), k_owner, k_number, "hello").status == 200);
    live.media.serve(media_path(9), {"voice", "audio/ogg", false, std::nullopt});
    REQUIRE(live.post_media(9, {{live.media.url(media_path(9)), "audio/ogg"}}, "listen") == 200);
    REQUIRE(wait_until([&] { return settled(live.daemon()); }));
    REQUIRE(live.twilio().wait_for_requests(3, std::chrono::seconds(10)));
    bool customer_answered = false;
    bool owner_told = false;
    for (const auto& r : live.twilio().created_messages()) {
        auto to = std::string(r.form.first("To").value_or(""));
        auto body = std::string(r.form.first("Body").value_or(""));
        customer_answered |=
            to == std::string("whatsapp:") + k_customer && body == "Lovely, we will look at it.";
        owner_told |=
            to == std::string("whatsapp:") + k_owner &&
            body.find("sent Pizza Palace a voice message with the text \"listen\"") != std::string::npos;
    }
    CHECK(customer_answered);
    CHECK(owner_told);

    auto list = live.daemon().ctl_json({"media", "list", "--business", "pizza-palace"});
    REQUIRE(list["arguments"]["media"].size() == 1);
    auto item = list["arguments"]["media"][0];
    CHECK(item["state"] == "stored");
    CHECK(item["content_type"] == "audio/ogg");
    std::string id = std::to_string(item["id"].get<long long>());
    std::string path = item["path"];
    CHECK(read_file(path) == "voice");
    auto table = live.daemon().ctl({"media", "list"});
    CHECK(table.exit_code == 0);
    CHECK(table.out.find("audio/ogg") != std::string::npos);
    CHECK(live.daemon().ctl({"media", "show", id}).out.find(path) != std::string::npos);

    CHECK(live.daemon().ctl({"media", "remove", id}).exit_code == 0);
    CHECK_FALSE(fs::exists(path));
    CHECK(live.daemon().ctl({"media", "show", id}).exit_code == 4);
    CHECK(live.daemon().ctl({"media", "remove", id}).exit_code == 4);
    CHECK(live.daemon().running());
    CHECK(live.daemon().ctl({"media", "remove", "abc"}).exit_code == 2);
    CHECK(live.count("SELECT COUNT(*) FROM media") == 0);
}

} // namespace test_media_inbound
