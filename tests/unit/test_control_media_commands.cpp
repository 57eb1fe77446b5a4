#include "daemon/store/media_repo.hpp"
#include "daemon/store/message_repo.hpp"
#include "tests/unit/control_fixture.hpp"

#include <filesystem>

using namespace sbc;
using namespace sbc::test;

namespace {

// A stored media row of business `rowid` naming `file`, on a new inbound message; returns its id.
std::int64_t add_media(ControlFixture& f, const std::string& file) {
    auto id = f.store().write([&](store::Database& db) -> Result<std::int64_t> {
        auto rowid = db.prepare("SELECT id FROM businesses LIMIT 1");
        rowid.step();
        store::Message m;
        m.business_rowid = rowid.int64(0);
        m.message_sid = "MM" + std::to_string(std::hash<std::string>{}(file));
        m.customer = "+15557654321";
        m.our_number = "+14155238886";
        m.kind = "media";
        m.status = "received";
        m.created_at = 1;
        auto message = store::insert_inbound(db, m);
        store::Media media;
        media.message_id = *message;
        media.business_rowid = *m.business_rowid;
        media.url = "https://api.twilio.com/x";
        media.content_type = "image/jpeg";
        media.created_at = 1;
        store::insert_media(db, media);
        store::record_media_stored(db, media.id, file, 4, "image/jpeg", 2);
        return media.id;
    });
    REQUIRE(id.ok());
    return *id;
}

} // namespace

TEST_CASE("media-settings shows the default, sets the answer and the owner switch, audited",
          "[control][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    auto shown = f.ok("media-settings", {{"business", "pizza"}});
    CHECK(shown["reply"] == "");
    CHECK(shown["notify_owner"] == false);
    auto set =
        f.ok("media-settings", {{"business", "pizza"}, {"reply", "Nice photo!"}, {"notify_owner", true}});
    CHECK(set["reply"] == "Nice photo!");
    CHECK(set["notify_owner"] == true);
    CHECK(f.ok("media-settings", {{"business", "pizza"}})["reply"] == "Nice photo!");
    CHECK(f.events().back().action == "media-settings");
    CHECK(f.fails(protocol::k_not_found, "media-settings", {{"business", "nope"}}).find("not found") !=
          std::string::npos);
    f.fails(protocol::k_invalid, "media-settings", {{"business", "pizza"}, {"notify_owner", "yes please"}});
    f.fails(protocol::k_invalid, "media-settings", {{"business", "pizza"}, {"colour", "red"}});
}

TEST_CASE("media-show and media-remove of an unknown id are not found", "[control][media]") {
    ControlFixture f;
    CHECK(f.fails(protocol::k_not_found, "media-show", {{"id", 42}}).find("sbcctl media list") !=
          std::string::npos);
    f.fails(protocol::k_not_found, "media-remove", {{"id", 42}});
    f.fails(protocol::k_invalid, "media-remove", json::object());
}

TEST_CASE("a media row naming a path outside the media folder never reaches that file", "[control][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    std::string victim = f.dir().file("sbc.db");
    REQUIRE(std::filesystem::exists(victim));
    auto id = add_media(f, "../sbc.db");
    auto shown = f.ok("media-show", {{"id", id}})["media"];
    CHECK(shown["path"].is_null());
    auto removed = f.ok("media-remove", {{"id", id}});
    CHECK(removed["file_removed"] == false);
    CHECK(std::filesystem::exists(victim));
}

TEST_CASE("media-list and media-remove: the row goes, then its file", "[control][media]") {
    ControlFixture f;
    f.register_business("pizza", "+14155238886");
    std::string name = "1/0123456789abcdef0123456789abcdef.jpg";
    std::filesystem::create_directories(f.dir().path() + "/media/1");
    write_file(f.dir().path() + "/media/" + name, "jpeg");
    auto id = add_media(f, name);
    auto list = f.ok("media-list", {{"business", "pizza"}})["media"];
    REQUIRE(list.size() == 1);
    CHECK(list[0]["file"] == name);
    CHECK(list[0]["path"] == f.dir().path() + "/media/" + name);
    CHECK(list[0]["state"] == "stored");
    CHECK(f.ok("media-remove", {{"id", id}})["file_removed"] == true);
    CHECK_FALSE(std::filesystem::exists(f.dir().path() + "/media/" + name));
    CHECK(f.ok("media-list", json::object())["media"].empty());
}
