#include "daemon/control/dispatch.hpp"
#include "tests/unit/control_fixture.hpp"

#include <catch2/catch.hpp>

using Catch::Matchers::Contains;
using nlohmann::json;
using sbc::protocol::k_error;
using sbc::protocol::k_invalid;
using sbc::protocol::k_ok;
using sbc::protocol::k_unsupported;
using sbc::test::ControlFixture;

namespace {

// Checks the response envelope: exactly result, text and arguments (an object).
void check_shape(const json& response) {
    INFO(response.dump());
    REQUIRE(response.is_object());
    REQUIRE(response.size() == 3);
    REQUIRE(response["result"].is_number_integer());
    REQUIRE(response["text"].is_string());
    REQUIRE_FALSE(response["text"].get<std::string>().empty());
    REQUIRE(response["arguments"].is_object());
}

int result_of(ControlFixture& f, std::string_view line) {
    auto response = f.raw(line);
    INFO(line << " -> " << response.dump());
    check_shape(response);
    return response["result"].get<int>();
}

std::string text_of(ControlFixture& f, std::string_view line) {
    return f.raw(line)["text"].get<std::string>();
}

} // namespace

TEST_CASE("dispatch refuses malformed JSON with result 5", "[control][dispatch]") {
    ControlFixture f;
    for (const char* line :
         {"{not json", "", "   ", "{\"command\": \"status\"", "{\"command\": \"status\"} {}", "status"}) {
        REQUIRE(result_of(f, line) == k_invalid);
    }
    REQUIRE_THAT(text_of(f, "{oops"), Contains("not valid JSON"));
}

TEST_CASE("dispatch refuses invalid UTF-8 inside the JSON", "[control][dispatch]") {
    ControlFixture f;
    REQUIRE(result_of(f, "{\"command\": \"st\xC3\x28tus\"}") == k_invalid);
}

TEST_CASE("dispatch refuses a request that is not an object", "[control][dispatch]") {
    ControlFixture f;
    for (const char* line : {"[]", "[\"status\"]", "\"status\"", "42", "null", "true"}) {
        INFO(line);
        REQUIRE(result_of(f, line) == k_invalid);
        REQUIRE_THAT(text_of(f, line), Contains("must be a JSON object"));
    }
}

TEST_CASE("dispatch refuses a request without a command string", "[control][dispatch]") {
    ControlFixture f;
    for (const char* line : {"{}", "{\"arguments\": {}}", "{\"command\": 5}", "{\"command\": null}",
                             "{\"command\": [\"status\"]}", "{\"Command\": \"status\"}"}) {
        INFO(line);
        REQUIRE(result_of(f, line) == k_invalid);
        REQUIRE_THAT(text_of(f, line), Contains("no \"command\" string"));
    }
}

TEST_CASE("dispatch answers an unknown command with result 2", "[control][dispatch]") {
    ControlFixture f;
    auto response = f.raw(R"({"command": "business-destroy", "arguments": {}})");
    check_shape(response);
    REQUIRE(response["result"] == k_unsupported);
    REQUIRE_THAT(response["text"].get<std::string>(),
                 Contains("'business-destroy'") && Contains("list-commands"));
    REQUIRE(result_of(f, R"({"command": ""})") == k_unsupported);
    REQUIRE(result_of(f, R"({"command": "STATUS"})") == k_unsupported);
}

TEST_CASE("dispatch shortens a huge unknown command name in its reply", "[control][dispatch]") {
    ControlFixture f;
    std::string name(10000, 'x');
    auto text = text_of(f, json{{"command", name}}.dump());
    REQUIRE_THAT(text, Contains(std::string(64, 'x')));
    REQUIRE(text.size() < 300);
}

TEST_CASE("dispatch refuses unknown top-level keys", "[control][dispatch]") {
    ControlFixture f;
    auto line = R"({"command": "status", "argument": {}})";
    REQUIRE(result_of(f, line) == k_invalid);
    REQUIRE_THAT(text_of(f, line), Contains("unknown request key 'argument'"));
    REQUIRE(result_of(f, R"({"command": "status", "arguments": {}, "id": 7})") == k_invalid);
}

TEST_CASE("dispatch refuses arguments that are not an object", "[control][dispatch]") {
    ControlFixture f;
    for (const char* line :
         {R"({"command": "status", "arguments": []})", R"({"command": "status", "arguments": "id=pizza"})",
          R"({"command": "status", "arguments": 1})", R"({"command": "nonsense", "arguments": false})"}) {
        INFO(line);
        REQUIRE(result_of(f, line) == k_invalid);
        REQUIRE_THAT(text_of(f, line), Contains("\"arguments\" must be a JSON object"));
    }
}

TEST_CASE("dispatch treats absent or null arguments as none", "[control][dispatch]") {
    ControlFixture f;
    REQUIRE(result_of(f, R"({"command": "status"})") == k_ok);
    REQUIRE(result_of(f, R"({"command": "status", "arguments": null})") == k_ok);
    REQUIRE(result_of(f, R"({"command": "status", "arguments": {}})") == k_ok);
    REQUIRE(result_of(f, " {\"command\":\"list-commands\"}\n") == k_ok);
}

TEST_CASE("dispatch passes handler errors through with their code and no arguments", "[control][dispatch]") {
    ControlFixture f;
    auto response = f.raw(R"({"command": "business-show", "arguments": {"id": "nope"}})");
    check_shape(response);
    REQUIRE(response["result"] == sbc::protocol::k_not_found);
    REQUIRE(response["arguments"] == json::object());
}

TEST_CASE("a storage failure is result 1 and the daemon carries on", "[control][dispatch]") {
    ControlFixture f;
    {
        // Someone breaks the database behind sbcd's back: the audit table is gone.
        sbc::store::Database db(f.store().path(), false);
        db.exec("DROP TABLE events");
    }
    auto response = f.call("business-register",
                           {{"name", "Pizza"}, {"number", "+14155238886"}, {"owner", "+15551234567"}});
    check_shape(response);
    REQUIRE(response["result"] == k_error);
    REQUIRE_THAT(response["text"].get<std::string>(), Contains("events"));
    // The business insert that came before the failing audit insert was rolled back with it.
    REQUIRE(f.fails(sbc::protocol::k_not_found, "business-show", {{"id", "pizza"}}).size() > 0);
    REQUIRE(f.ok("status")["counts"]["businesses"] == 0);
}
