#include "common/base64.hpp"
#include "common/time_format.hpp"
#include "daemon/control/command_table.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/customer_repo.hpp"
#include "daemon/store/media_repo.hpp"
#include "daemon/store/message_repo.hpp"
#include "tests/unit/control_fixture.hpp"

#include <catch2/catch.hpp>
#include <map>
#include <set>

using Catch::Matchers::Contains;
using nlohmann::json;
using sbc::control::Access;
using sbc::control::command_table;
using sbc::control::find_command;
using sbc::protocol::k_invalid;
using sbc::test::ControlFixture;

namespace {

constexpr const char* k_customer = "+15550001111";

// A valid request for every command, against a fixture holding business "pizza" with entry 1 and a customer
// who wrote to it, the arguments it cannot do without, and whether it changes data. A command missing here
// fails the test below, so every new command gets its cases.
struct Example {
    json arguments;
    std::vector<std::string> required;
    Access access;
};

const std::map<std::string, Example>& examples() {
    static const std::map<std::string, Example> k_examples = {
        // "@dir" stands for the fixture's temporary directory (see with_fixture_dir).
        {"backup", {{{"dir", "@dir"}, {"keep", 3}}, {}, Access::write}},
        {"business-list", {json::object(), {}, Access::read}},
        {"business-register",
         {{{"name", "Cafe"}, {"number", "+14155230000"}, {"owner", "+15551234567"}},
          {"name", "number", "owner"},
          Access::write}},
        {"business-remove", {{{"id", "pizza"}}, {"id"}, Access::write}},
        {"business-show", {{{"id", "pizza"}}, {"id"}, Access::read}},
        {"business-stats", {{{"id", "pizza"}}, {"id"}, Access::read}},
        {"business-update", {{{"id", "pizza"}, {"greeting", "Hello"}}, {"id"}, Access::write}},
        {"doctor", {json::object(), {}, Access::read}},
        {"handoffs", {{{"business", "pizza"}}, {}, Access::read}},
        {"kb-add", {{{"business", "pizza"}, {"text", "We have wifi"}}, {"business", "text"}, Access::write}},
        {"kb-attach",
         {{{"business", "pizza"},
           {"number", 1},
           {"content", sbc::base64::encode(std::string("\x89PNG\r\n\x1A\n", 8) + "png")},
           {"name", "menu.png"}},
          {"business", "number"},
          Access::write}},
        {"kb-export", {{{"business", "pizza"}}, {"business"}, Access::read}},
        {"kb-import",
         {{{"business", "pizza"}, {"entries", {{{"text", "Cash only"}}}}},
          {"business", "entries"},
          Access::write}},
        {"kb-list", {{{"business", "pizza"}}, {"business"}, Access::read}},
        {"kb-remove", {{{"business", "pizza"}, {"number", 1}}, {"business", "number"}, Access::write}},
        {"kb-search", {{{"business", "pizza"}, {"query", "deliver"}}, {"business", "query"}, Access::read}},
        {"kb-synonym-add",
         {{{"business", "pizza"}, {"word", "voucher"}, {"synonym", "coupon"}},
          {"business", "word", "synonym"},
          Access::write}},
        {"kb-synonym-list", {{{"business", "pizza"}}, {"business"}, Access::read}},
        {"kb-synonym-remove",
         {{{"business", "pizza"}, {"word", "shipping"}, {"synonym", "delivery"}},
          {"business", "word", "synonym"},
          Access::write}},
        {"list-commands", {json::object(), {}, Access::read}},
        {"logs", {{{"business", "pizza"}, {"limit", 10}}, {}, Access::read}},
        {"media-list", {{{"business", "pizza"}}, {}, Access::read}},
        {"media-remove", {{{"id", 1}}, {"id"}, Access::write}},
        {"media-settings",
         {{{"business", "pizza"}, {"reply", "Thanks for the photo"}}, {"business"}, Access::write}},
        {"media-show", {{{"id", 1}}, {"id"}, Access::read}},
        {"onboard",
         {{{"businesses",
            json::array({{{"name", "Cafe"}, {"number", "+14155230000"}, {"owner", "+15551234567"}}})}},
          {"businesses"},
          Access::write}},
        {"send",
         {{{"business", "pizza"}, {"to", k_customer}, {"text", "Your order is ready"}},
          {"business", "to", "text"},
          Access::write}},
        {"send-test",
         {{{"business", "pizza"}, {"from", k_customer}, {"text", "Do you deliver?"}},
          {"business", "text"},
          Access::write}},
        {"status", {json::object(), {}, Access::read}},
        {"usage", {{{"month", "2026-11"}, {"business", "pizza"}}, {}, Access::read}},
        {"webhook-check", {{{"business", "pizza"}}, {}, Access::read}},
    };
    return k_examples;
}

// A fixture with business "pizza", its entry 1, a synonym pair, and a customer who wrote to it (so that send
// may answer) with a photo (media 1).
void seed(ControlFixture& f) {
    f.register_business("pizza", "+14155238886");
    f.ok("kb-add", {{"business", "pizza"}, {"text", "We deliver until 10pm"}});
    f.ok("kb-synonym-add", {{"business", "pizza"}, {"word", "delivery"}, {"synonym", "shipping"}});
    // A customer message through the store, as a webhook would record it: send-test does not open the window.
    auto opened = f.store().write([](sbc::store::Database& db) -> sbc::Result<bool> {
        auto pizza = sbc::store::find_business(db, "pizza");
        sbc::store::touch_customer(db, pizza->rowid, k_customer, "Customer", sbc::time_format::now_ms());
        // A photo the customer sent (media 1), still waiting for the downloader.
        sbc::store::Message photo;
        photo.business_rowid = pizza->rowid;
        photo.message_sid = "MM00000000000000000000000000000001";
        photo.customer = k_customer;
        photo.our_number = "+14155238886";
        photo.kind = "media";
        photo.status = "received";
        photo.created_at = sbc::time_format::now_ms();
        sbc::store::Media media;
        media.message_id = *sbc::store::insert_inbound(db, photo);
        media.business_rowid = pizza->rowid;
        media.url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1";
        media.content_type = "image/jpeg";
        media.created_at = photo.created_at;
        sbc::store::insert_media(db, media);
        return true;
    });
    REQUIRE(opened.ok());
}

// The example's arguments with "@dir" replaced by the fixture's directory: a backup needs a real place.
json with_fixture_dir(json arguments, ControlFixture& f) {
    for (auto& [key, value] : arguments.items()) {
        if (value == "@dir") {
            value = f.dir().path();
        }
    }
    return arguments;
}

// A value of the wrong type for an argument.
json wrong_type(const json& value) {
    if (value.is_string()) {
        return 42;
    }
    return "1";
}

} // namespace

TEST_CASE("the command table is sorted alphabetically with unique names", "[control][table]") {
    auto table = command_table();
    REQUIRE(table.size() >= 13);
    for (std::size_t i = 1; i < table.size(); ++i) {
        INFO(table[i - 1].name << " then " << table[i].name);
        REQUIRE(table[i - 1].name < table[i].name);
    }
}

TEST_CASE("every command has a handler, a one-line help and lower-case dashed name", "[control][table]") {
    for (const auto& command : command_table()) {
        INFO(command.name);
        REQUIRE(command.handler != nullptr);
        REQUIRE_FALSE(command.help.empty());
        REQUIRE(command.help.find('\n') == std::string_view::npos);
        for (char c : command.name) {
            REQUIRE(((c >= 'a' && c <= 'z') || c == '-'));
        }
    }
}

TEST_CASE("commands that change data are marked write, the others read", "[control][table]") {
    for (const auto& [name, example] : examples()) {
        INFO(name);
        const auto* command = find_command(name);
        REQUIRE(command != nullptr);
        REQUIRE(command->access == example.access);
    }
}

TEST_CASE("find_command finds every command by its exact name only", "[control][table]") {
    for (const auto& command : command_table()) {
        REQUIRE(find_command(command.name) == &command);
    }
    REQUIRE(find_command("") == nullptr);
    REQUIRE(find_command("Status") == nullptr);
    REQUIRE(find_command("status ") == nullptr);
    REQUIRE(find_command("kb") == nullptr);
}

TEST_CASE("every command in the table has test examples", "[control][table]") {
    std::set<std::string> names;
    for (const auto& command : command_table()) {
        names.emplace(command.name);
    }
    std::set<std::string> tested;
    for (const auto& [name, example] : examples()) {
        tested.insert(name);
    }
    REQUIRE(names == tested);
}

TEST_CASE("every command succeeds with valid arguments", "[control][table]") {
    for (const auto& [name, example] : examples()) {
        ControlFixture f;
        seed(f);
        f.ok(name, with_fixture_dir(example.arguments, f));
    }
}

// What the seeded fixture holds, to check that refused requests changed nothing.
struct Snapshot {
    std::size_t events;
    json businesses;
    json entries;
    bool operator==(const Snapshot&) const = default;
};

Snapshot snapshot(ControlFixture& f) {
    return {f.events().size(), f.ok("business-list")["businesses"], f.ok("kb-list", {{"business", "pizza"}})};
}

TEST_CASE("every command refuses an unknown argument and changes nothing", "[control][table]") {
    ControlFixture f;
    seed(f);
    auto before = snapshot(f);
    for (const auto& [name, example] : examples()) {
        auto arguments = example.arguments;
        arguments["bogus"] = true;
        REQUIRE_THAT(f.fails(k_invalid, name, arguments), Contains("unknown argument 'bogus'"));
        INFO(name);
        REQUIRE(snapshot(f) == before);
    }
}

TEST_CASE("every command refuses a missing required argument", "[control][table]") {
    ControlFixture f;
    seed(f);
    auto before = snapshot(f);
    for (const auto& [name, example] : examples()) {
        for (const auto& key : example.required) {
            auto arguments = example.arguments;
            arguments.erase(key);
            REQUIRE_THAT(f.fails(k_invalid, name, arguments), Contains("missing argument '" + key + "'"));
            arguments[key] = nullptr; // null counts as missing
            REQUIRE_THAT(f.fails(k_invalid, name, arguments), Contains("missing argument '" + key + "'"));
        }
    }
    REQUIRE(snapshot(f) == before);
}

TEST_CASE("every command refuses a required argument of the wrong type", "[control][table]") {
    ControlFixture f;
    seed(f);
    auto before = snapshot(f);
    for (const auto& [name, example] : examples()) {
        for (const auto& key : example.required) {
            auto arguments = example.arguments;
            arguments[key] = wrong_type(arguments[key]);
            REQUIRE_THAT(f.fails(k_invalid, name, arguments), Contains("argument '" + key + "' must be"));
        }
    }
    REQUIRE(snapshot(f) == before);
}
