#include "daemon/log/log.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>
#include <cstdio>
#include <fcntl.h>
#include <functional>
#include <nlohmann/json.hpp>
#include <unistd.h>

using Catch::Matchers::Contains;
using Catch::Matchers::Matches;
using sbc::log::Level;

namespace {

// What `write_lines` printed on stderr: fd 2 points at a temporary file for the call, then back.
std::string captured_stderr(const std::function<void()>& write_lines) {
    sbc::test::TempDir dir;
    auto path = dir.file("stderr.log");
    int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    REQUIRE(file >= 0);
    std::fflush(stderr);
    int saved = ::dup(STDERR_FILENO);
    REQUIRE(saved >= 0);
    ::dup2(file, STDERR_FILENO);
    ::close(file);
    write_lines();
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    return sbc::test::read_file(path);
}

// Sets the level for one test and puts the old one back.
class LevelGuard {
  public:
    explicit LevelGuard(Level level) : m_old(sbc::log::level()) { sbc::log::set_level(level); }
    ~LevelGuard() { sbc::log::set_level(m_old); }
    LevelGuard(const LevelGuard&) = delete;
    LevelGuard& operator=(const LevelGuard&) = delete;

  private:
    Level m_old;
};

} // namespace

TEST_CASE("a log line has a timestamp, the level and the component", "[log]") {
    LevelGuard level(Level::info);
    auto out = captured_stderr([] { sbc::log_info("http", "listening on {}:{}", "127.0.0.1", 8080); });
    REQUIRE_THAT(
        out, Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  \[http\] listening on 127\.0\.0\.1:8080
)"));
}

TEST_CASE("lines below the level are not written", "[log]") {
    LevelGuard level(Level::warn);
    auto out = captured_stderr([] {
        sbc::log_debug("t", "debug line");
        sbc::log_info("t", "info line");
        sbc::log_warn("t", "warn line");
        sbc::log_error("t", "error line");
    });
    REQUIRE_THAT(out, !Contains("debug line") && !Contains("info line"));
    REQUIRE_THAT(out, Contains("WARN  [t] warn line") && Contains("ERROR [t] error line"));
}

TEST_CASE("level off writes nothing", "[log]") {
    LevelGuard level(Level::off);
    REQUIRE(captured_stderr([] { sbc::log_error("t", "even errors"); }).empty());
}

TEST_CASE("registered secrets are masked in every line", "[log]") {
    LevelGuard level(Level::debug);
    sbc::log::add_secret("tok-5f4dcc3b5aa765d61d8327deb882cf99");
    sbc::log::add_secret("sk-live-0000aaaa1111");
    auto out = captured_stderr([] {
        sbc::log_info("twilio", "auth with tok-5f4dcc3b5aa765d61d8327deb882cf99 failed");
        sbc::log_debug("openai", "key=sk-live-0000aaaa1111&again=sk-live-0000aaaa1111");
        sbc::log_error("tok-5f4dcc3b5aa765d61d8327deb882cf99", "even in the component");
    });
    REQUIRE_THAT(out, !Contains("5f4dcc3b5aa765d61d8327deb882cf99") && !Contains("0000aaaa1111"));
    REQUIRE_THAT(out, Contains("auth with *** failed"));
    REQUIRE_THAT(out, Contains("key=***&again=***"));
    REQUIRE_THAT(out, Contains("[***] even in the component"));
}

TEST_CASE("a secret that extends another registered secret is masked whole", "[log]") {
    LevelGuard level(Level::info);
    sbc::log::add_secret("prefix-secret");
    sbc::log::add_secret("prefix-secret-and-more");
    auto out = captured_stderr([] { sbc::log_info("t", "[prefix-secret-and-more]"); });
    REQUIRE_THAT(out, Contains("[***]"));
    REQUIRE_THAT(out, !Contains("and-more"));
}

TEST_CASE("secrets shorter than 4 bytes are not masked", "[log]") {
    LevelGuard level(Level::info);
    sbc::log::add_secret("abc");
    REQUIRE_THAT(captured_stderr([] { sbc::log_info("t", "abc stays"); }), Contains("abc stays"));
}

TEST_CASE("parse_level knows every level name in any case", "[log]") {
    REQUIRE(sbc::log::parse_level("debug") == Level::debug);
    REQUIRE(sbc::log::parse_level("TRACE") == Level::debug);
    REQUIRE(sbc::log::parse_level("Info") == Level::info);
    REQUIRE(sbc::log::parse_level("warn") == Level::warn);
    REQUIRE(sbc::log::parse_level("WARNING") == Level::warn);
    REQUIRE(sbc::log::parse_level("error") == Level::error);
    REQUIRE(sbc::log::parse_level("off") == Level::off);
    REQUIRE(sbc::log::parse_level("none") == Level::off);
    REQUIRE_FALSE(sbc::log::parse_level("loud").has_value());
    REQUIRE_FALSE(sbc::log::parse_level("").has_value());
    for (auto level : {Level::debug, Level::info, Level::warn, Level::error, Level::off}) {
        REQUIRE(sbc::log::parse_level(sbc::log::level_name(level)) == level);
    }
}

namespace {

// Sets the format for one test and puts text back.
class FormatGuard {
  public:
    explicit FormatGuard(sbc::log::Format format) { sbc::log::set_format(format); }
    ~FormatGuard() { sbc::log::set_format(sbc::log::Format::text); }
    FormatGuard(const FormatGuard&) = delete;
    FormatGuard& operator=(const FormatGuard&) = delete;
};

} // namespace

TEST_CASE("JSON lines are one object per line with time, level, component, message and request", "[log]") {
    LevelGuard level(Level::info);
    FormatGuard format(sbc::log::Format::json);
    sbc::log::add_secret("json-secret-0123456789");
    auto out = captured_stderr([] {
        sbc::log_info("http", "a \"quoted\" line with json-secret-0123456789");
        sbc::log::RequestScope request("SM0123");
        sbc::log_warn("outbox", "second");
    });
    auto lines_end = out.find('\n');
    REQUIRE(lines_end != std::string::npos);
    auto first = nlohmann::json::parse(out.substr(0, lines_end));
    auto second = nlohmann::json::parse(out.substr(lines_end + 1));
    CHECK(first["level"] == "info");
    CHECK(first["component"] == "http");
    CHECK(first["message"] == "a \"quoted\" line with ***");
    CHECK_THAT(first["time"].get<std::string>(), Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)"));
    CHECK_FALSE(first.contains("request"));
    CHECK(second["level"] == "warn");
    CHECK(second["request"] == "SM0123");
}

TEST_CASE("a request scope tags this thread's lines until it ends", "[log]") {
    LevelGuard level(Level::info);
    auto out = captured_stderr([] {
        {
            sbc::log::RequestScope outer("r1");
            sbc::log_info("http", "one");
            {
                sbc::log::RequestScope inner("SM42");
                sbc::log_info("http", "two");
            }
            sbc::log_info("http", "three");
        }
        sbc::log_info("http", "four");
    });
    CHECK_THAT(out, Contains("[http] req=r1 one\n"));
    CHECK_THAT(out, Contains("[http] req=SM42 two\n"));
    CHECK_THAT(out, Contains("[http] req=r1 three\n"));
    CHECK_THAT(out, Contains("[http] four\n"));
    CHECK_THAT(sbc::log::new_request_id(), Matches("r[0-9a-f]{12}"));
    CHECK(sbc::log::new_request_id() != sbc::log::new_request_id());
}

TEST_CASE("the log file receives the lines and is reopened by name after a rotation", "[log]") {
    LevelGuard level(Level::info);
    sbc::test::TempDir dir;
    auto path = dir.file("sbcd.log");
    REQUIRE(sbc::log::set_file(path).empty());
    sbc::log_info("t", "before rotation");
    REQUIRE(std::rename(path.c_str(), dir.file("sbcd.log.1").c_str()) == 0);
    sbc::log_info("t", "still the old file");
    REQUIRE(sbc::log::reopen_file().empty());
    sbc::log_info("t", "after rotation");
    // A file that cannot be opened is refused and the current one stays.
    CHECK_THAT(sbc::log::set_file(dir.file("no/such/dir/x.log")), Contains("cannot open log file"));
    sbc::log_info("t", "after a refused change");
    REQUIRE(sbc::log::set_file("").empty());
    auto rotated = sbc::test::read_file(dir.file("sbcd.log.1"));
    auto current = sbc::test::read_file(path);
    CHECK_THAT(rotated, Contains("before rotation") && Contains("still the old file"));
    CHECK_THAT(rotated, !Contains("after rotation"));
    CHECK_THAT(current, Contains("after rotation") && Contains("after a refused change"));
    CHECK_THAT(current, !Contains("before rotation"));
}
