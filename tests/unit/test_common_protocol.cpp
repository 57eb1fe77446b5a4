#include "common/protocol.hpp"

#include <catch2/catch.hpp>
#include <set>

using nlohmann::json;
namespace protocol = sbc::protocol;

TEST_CASE("result codes keep their documented numbers and names", "[common][protocol]") {
    REQUIRE(protocol::k_ok == 0);
    REQUIRE(protocol::k_error == 1);
    REQUIRE(protocol::k_unsupported == 2);
    REQUIRE(protocol::k_not_found == 3);
    REQUIRE(protocol::k_conflict == 4);
    REQUIRE(protocol::k_invalid == 5);
    REQUIRE(protocol::result_name(0) == "ok");
    REQUIRE(protocol::result_name(1) == "error");
    REQUIRE(protocol::result_name(2) == "unsupported");
    REQUIRE(protocol::result_name(3) == "not-found");
    REQUIRE(protocol::result_name(4) == "conflict");
    REQUIRE(protocol::result_name(5) == "invalid");
    REQUIRE(protocol::result_name(6) == "unknown");
    REQUIRE(protocol::result_name(-1) == "unknown");
}

TEST_CASE("make_request builds the request envelope", "[common][protocol]") {
    REQUIRE(protocol::make_request("kb-add", {{"business", "pizza"}}) ==
            json{{"command", "kb-add"}, {"arguments", {{"business", "pizza"}}}});
    REQUIRE(protocol::make_request("status") == json{{"command", "status"}, {"arguments", json::object()}});
    REQUIRE(protocol::make_request("status").dump().find('\n') == std::string::npos); // one line on the wire
}

TEST_CASE("make_response builds the response envelope", "[common][protocol]") {
    REQUIRE(protocol::make_response(3, "not there") ==
            json{{"result", 3}, {"text", "not there"}, {"arguments", json::object()}});
    REQUIRE(protocol::make_response(0, "ok", {{"n", 1}})["arguments"] == json{{"n", 1}});
}
