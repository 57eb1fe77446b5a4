#include "common/protocol.hpp"
#include "daemon/control/command.hpp"
#include "daemon/control/validate.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>

using sbc::control::checked_timezone;
using sbc::control::CommandError;
using namespace std::string_literals;

namespace {

bool refused(const std::string& zone) {
    try {
        checked_timezone(zone);
    } catch (const CommandError& e) {
        REQUIRE(e.result == sbc::protocol::k_invalid);
        REQUIRE(e.text.find("unknown time zone") != std::string::npos);
        return true;
    }
    return false;
}

} // namespace

TEST_CASE("checked_timezone accepts UTC and IANA names", "[control][validate]") {
    CHECK(checked_timezone("UTC") == "UTC");
    if (std::filesystem::exists("/usr/share/zoneinfo/Europe/Rome")) {
        CHECK(checked_timezone("Europe/Rome") == "Europe/Rome");
        CHECK(checked_timezone("America/Argentina/Buenos_Aires") == "America/Argentina/Buenos_Aires");
        CHECK(checked_timezone("Etc/GMT+5") == "Etc/GMT+5");
    }
}

TEST_CASE("checked_timezone refuses names that only lead to a zone file", "[control][validate]") {
    // A NUL byte used to end the file name early, so this passed as Europe/Rome and was stored with the junk.
    CHECK(refused("Europe/Rome\0junk"s));
    CHECK(refused("UTC\0"s));
    CHECK(refused("Europe//Rome"));
    CHECK(refused("Europe/./Rome"));
    CHECK(refused("/usr/share/zoneinfo/Europe/Rome"));
    CHECK(refused("../../etc/passwd"));
    CHECK(refused("Europe/Rome/"));
    CHECK(refused(""));
}

TEST_CASE("checked_timezone refuses the zone database's files that are not zones", "[control][validate]") {
    if (!std::filesystem::exists("/usr/share/zoneinfo/Europe/Rome")) {
        return; // nothing to tell zones from other files by
    }
    CHECK(refused("Europe")); // a folder
    for (const char* other : {"leapseconds", "tzdata.zi", "zone.tab", "iso3166.tab"}) {
        if (std::filesystem::exists(std::string("/usr/share/zoneinfo/") + other)) {
            CHECK(refused(other));
        }
    }
}
