#include "daemon/pipeline/keywords.hpp"
#include "daemon/pipeline/owner_command_parser.hpp"
#include "daemon/store/message_repo.hpp"

#include <catch2/catch.hpp>

using namespace sbc::pipeline;

TEST_CASE("owner commands are '!name args', case-insensitive name, trimmed args", "[pipeline][owner]") {
    auto add = parse_owner_command("  !ADD  We deliver until 10pm  ");
    REQUIRE(add);
    CHECK(add->name == "add");
    CHECK(add->args == "We deliver until 10pm");
    auto list = parse_owner_command("!list");
    REQUIRE(list);
    CHECK(list->name == "list");
    CHECK(list->args.empty());
    auto multiline = parse_owner_command("!add\nline one\nline two");
    REQUIRE(multiline);
    CHECK(multiline->args == "line one\nline two");
    CHECK_FALSE(parse_owner_command("hello"));
    CHECK_FALSE(parse_owner_command("!"));
    CHECK_FALSE(parse_owner_command("! add"));
    CHECK_FALSE(parse_owner_command(""));
}

TEST_CASE("leading numbers for !delete and !edit", "[pipeline][owner]") {
    std::string_view rest;
    CHECK(leading_number("3 new text", &rest) == 3);
    CHECK(rest == "new text");
    CHECK(leading_number("#12") == 12);
    CHECK_FALSE(leading_number("0"));
    CHECK_FALSE(leading_number("x3"));
    CHECK_FALSE(leading_number("3x"));
    CHECK_FALSE(leading_number(""));
    CHECK_FALSE(leading_number("99999999999999999999999"));
}

TEST_CASE("a leading number ends at any space a command's name ends at, CR included", "[pipeline][owner]") {
    std::string_view rest;
    CHECK(leading_number("3\r\nWe deliver until 11pm", &rest) == 3);
    CHECK(rest == "We deliver until 11pm");
    CHECK(leading_number("3\tnew", &rest) == 3);
    CHECK(rest == "new");
    CHECK(leading_number("22\r") == 22);
    CHECK_FALSE(leading_number("3\vnew")); // not a space trim() removes
}

TEST_CASE("opt-out and opt-in keywords are whole messages", "[pipeline][optout]") {
    CHECK(detect_keyword("STOP") == Keyword::stop);
    CHECK(detect_keyword(" stop. ") == Keyword::stop);
    CHECK(detect_keyword("Unsubscribe!") == Keyword::stop);
    CHECK(detect_keyword("START") == Keyword::start);
    CHECK(detect_keyword("unstop") == Keyword::start);
    CHECK_FALSE(detect_keyword("please stop sending"));
    CHECK_FALSE(detect_keyword("when do you stop serving lunch"));
    CHECK_FALSE(detect_keyword(""));
}

TEST_CASE("delivery statuses only move forward, failures are terminal", "[store][status]") {
    using sbc::store::status_rank;
    CHECK(status_rank("queued") < status_rank("sent"));
    CHECK(status_rank("sent") < status_rank("delivered"));
    CHECK(status_rank("delivered") < status_rank("read"));
    CHECK(status_rank("read") < status_rank("failed"));
    CHECK(status_rank("undelivered") == status_rank("failed"));
    CHECK(status_rank("pending") < status_rank("queued"));
    CHECK(status_rank("accepted") == status_rank("queued"));
}
