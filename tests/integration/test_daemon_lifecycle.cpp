// The real sbcd's life: --version and --check-config, the control socket it creates, a clean stop on SIGTERM
// and SIGINT, refusing to start twice on one socket, keeping its data across a restart; and the command list
// that sbcd, sbcctl and man/sbcctl.1 must agree on.

#include "daemon/control/command_table.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/integration/cli_helpers.hpp"

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fmt/format.h>
#include <httplib.h>
#include <sys/stat.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_daemon_lifecycle {

std::string trim(const std::string& s) {
    auto begin = s.find_first_not_of(" \t");
    if (begin == std::string::npos) {
        return "";
    }
    return s.substr(begin, s.find_last_not_of(" \t") - begin + 1);
}

// How many times `needle` occurs in `text`.
std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

// The tag lines (the line after each .TP) of the COMMANDS section of a man page, as plain text:
// "\fBkb add \-\-business\fR \fIID\fR" becomes "kb add --business ID", ".BI "business show " ID" becomes
// "business show  ID".
std::vector<std::string> command_tags(const std::string& man) {
    auto start = man.find("\n.SH COMMANDS");
    REQUIRE(start != std::string::npos);
    auto end = man.find("\n.SH ", start + 1);
    auto section = lines(man.substr(start, end - start));
    std::vector<std::string> tags;
    for (std::size_t i = 0; i + 1 < section.size(); ++i) {
        if (section[i] != ".TP") {
            continue;
        }
        std::string tag = section[i + 1];
        if (tag.rfind(".B", 0) == 0) { // .B, .BI, .BR: drop the macro
            tag = tag.substr(tag.find(' ') + 1);
        }
        for (const char* font : {"\\fB", "\\fR", "\\fI", "\\fP"}) {
            for (auto at = tag.find(font); at != std::string::npos; at = tag.find(font)) {
                tag.erase(at, 3);
            }
        }
        for (auto at = tag.find("\\-"); at != std::string::npos; at = tag.find("\\-")) {
            tag.erase(at, 1);
        }
        tag.erase(std::remove(tag.begin(), tag.end(), '"'), tag.end());
        tags.push_back(trim(tag));
    }
    return tags;
}

bool documented(const std::vector<std::string>& tags, const std::string& path) {
    return std::any_of(tags.begin(), tags.end(),
                       [&](const std::string& tag) { return tag == path || tag.rfind(path + " ", 0) == 0; });
}

struct CommandRow {
    std::string name, access, sbcctl, help;
};

// The table `sbcctl commands` prints: NAME, ACCESS, SBCCTL (the sbcctl command sending it, or -), HELP.
std::vector<CommandRow> command_rows(const std::string& out) {
    auto all = lines(out);
    REQUIRE(all.size() >= 2);
    const auto& header = all[1];
    auto access = header.find("ACCESS"), sbcctl = header.find("SBCCTL"), help = header.find("HELP");
    REQUIRE(header.rfind("NAME", 0) == 0);
    REQUIRE(access != std::string::npos);
    REQUIRE(sbcctl != std::string::npos);
    REQUIRE(help != std::string::npos);
    std::vector<CommandRow> rows;
    for (std::size_t i = 2; i < all.size(); ++i) {
        const auto& line = all[i];
        rows.push_back({trim(line.substr(0, access)), trim(line.substr(access, sbcctl - access)),
                        trim(line.substr(sbcctl, help - sbcctl)), trim(line.substr(help))});
    }
    return rows;
}

TEST_CASE("sbcctl --version and sbcd --version print the version and exit 0", "[lifecycle]") {
    auto ctl = run({SBCCTL_PATH, "--version"});
    CHECK(ctl.exit_code == 0);
    CHECK(ctl.out == std::string("sbcctl ") + SBC_VERSION + "\n");
    auto daemon = run({SBCD_PATH, "--version"});
    CHECK(daemon.exit_code == 0);
    CHECK(daemon.out == std::string("sbcd ") + SBC_VERSION + "\n");
}

TEST_CASE("sbcd --check-config prints the configuration with secrets hidden", "[lifecycle]") {
    TempDir dir;
    const std::string token = "tok-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    const std::string openai = "sk-test-0123456789abcdefSECRET";
    Env env = daemon_env(dir);
    env["TWILIO_ACCOUNT_SID"] = "AC0123456789abcdef0123456789abcdef";
    env["TWILIO_AUTH_TOKEN"] = token;
    env["OPENAI_API_KEY"] = openai;
    auto r = run({SBCD_PATH, "--check-config"}, env, "", dir.path());
    CHECK(r.exit_code == 0);
    CHECK_THAT(r.out, Contains("data_dir = " + dir.file("data") + "\n"));
    CHECK_THAT(r.out, Contains("twilio.account_sid = AC0123456789abcdef0123456789abcdef\n"));
    CHECK_THAT(r.out, Contains("twilio.auth_token = (set)\n"));
    CHECK_THAT(r.out, Contains("openai.api_key = (set)\n"));
    CHECK_THAT(r.out, EndsWith("configuration OK\n"));
    CHECK(r.out.find(token) == std::string::npos);
    CHECK(r.err.find(token) == std::string::npos);
    CHECK(r.out.find(openai) == std::string::npos);
    // It only checks: no database, no socket.
    CHECK_FALSE(std::filesystem::exists(dir.file("data") + "/sbc.db"));
    CHECK_FALSE(std::filesystem::exists(dir.file("sbcd.sock")));
}

TEST_CASE("sbcd --check-config reports every problem as file:line and exits 1", "[lifecycle]") {
    TempDir dir;
    const std::string config = dir.file("sbcd.toml");
    write_file(config, "log_level = \"info\"\n"
                       "\n"
                       "# no such key\n"
                       "bogus_key = 3\n"
                       "\n"
                       "[http]\n"
                       "threads = \"many\"\n");
    auto r = run({SBCD_PATH, "--check-config", "--config", config}, daemon_env(dir), "", dir.path());
    CHECK(r.exit_code == 1);
    CHECK_THAT(r.err, Contains(config + ":4: unknown option \"bogus_key\""));
    CHECK_THAT(r.err, Contains(config + ":7: http.threads:"));
    CHECK_THAT(r.err, Contains("2 problems found"));
    CHECK_THAT(r.out, !Contains("configuration OK"));

    // Started with it, sbcd refuses to run and says why.
    auto start =
        run({SBCD_PATH, "--config", config}, daemon_env(dir), "", dir.path(), std::chrono::seconds(15));
    CHECK(start.exit_code == 2); // sbcd(8): a configuration problem at start-up
    CHECK_THAT(start.err, Contains(config + ":4: unknown option \"bogus_key\""));
    CHECK_FALSE(std::filesystem::exists(dir.file("sbcd.sock")));
}

TEST_CASE("the control socket is created with mode 0660", "[lifecycle]") {
    TempDir dir;
    Daemon daemon(dir);
    struct stat st {};
    REQUIRE(::stat(daemon.socket().c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 07777) == 0660);
}

// The names `top -H` and perf show: an operator asking which thread is busy must be able to tell them apart.
TEST_CASE("sbcd names its threads after their jobs", "[lifecycle]") {
    TempDir dir;
    Daemon daemon(dir);
    httplib::Client client("127.0.0.1", daemon.http_port());
    REQUIRE(client.Get("/health")); // an HTTP worker takes its name with its first request
    std::multiset<std::string> names;
    for (const auto& task : std::filesystem::directory_iterator(fmt::format("/proc/{}/task", daemon.pid()))) {
        auto comm = read_file(task.path().string() + "/comm");
        names.insert(trim(comm.substr(0, comm.find('\n'))));
    }
    for (const char* name : {"sbc-writer", "sbc-checkpoint", "sbc-http-accept", "sbc-http", "sbc-sender",
                             "sbc-answer", "sbc-media", "sbc-ctl-accept", "sbc-survey", "sbc-embedder"}) {
        INFO(name);
        CHECK(names.count(name) >= 1);
    }
    CHECK(names.count("sbc-sender") == 16); // twilio.sender_threads' default
}

// The environment of the running process, NUL-separated as /proc gives it.
std::string environment_of(int pid) {
    auto raw = read_file(fmt::format("/proc/{}/environ", pid));
    std::replace(raw.begin(), raw.end(), '\0', '\n');
    return raw;
}

// glibc reads its malloc tunables only at start-up, so sbcd re-executes itself once with the larger
// per-thread cache (docs/benchmarks.md); a sysadmin's own setting must survive it.
TEST_CASE("sbcd runs with glibc's per-thread cache raised, unless the sysadmin set it", "[lifecycle]") {
    SECTION("by default") {
        TempDir dir;
        Daemon daemon(dir);
        REQUIRE(daemon.ctl({"status"}).exit_code == 0);
        CHECK_THAT(environment_of(daemon.pid()), Contains("GLIBC_TUNABLES=glibc.malloc.tcache_count=32\n"));
        // Still "sbcd" to pgrep and top after the re-execution.
        CHECK(read_file(fmt::format("/proc/{}/comm", daemon.pid())) == "sbcd\n");
    }
    SECTION("other tunables of the sysadmin's are kept") {
        TempDir dir;
        Daemon daemon(dir, {{"GLIBC_TUNABLES", "glibc.malloc.check=0"}});
        REQUIRE(daemon.ctl({"status"}).exit_code == 0);
        // glibc 2.36 overwrites the ':' between tunables with a NUL once it has read them.
        auto env = environment_of(daemon.pid());
        CHECK_THAT(env, Contains("GLIBC_TUNABLES=glibc.malloc.check=0\nglibc.malloc.tcache_count=32\n") ||
                            Contains("GLIBC_TUNABLES=glibc.malloc.check=0:glibc.malloc.tcache_count=32\n"));
    }
    SECTION("the sysadmin's cache size wins") {
        TempDir dir;
        Daemon daemon(dir, {{"GLIBC_TUNABLES", "glibc.malloc.tcache_count=7"}});
        REQUIRE(daemon.ctl({"status"}).exit_code == 0);
        auto env = environment_of(daemon.pid());
        CHECK_THAT(env, Contains("GLIBC_TUNABLES=glibc.malloc.tcache_count=7\n"));
        CHECK(occurrences(env, "tcache_count") == 1);
    }
}

TEST_CASE("SIGTERM: sbcd exits 0, removes its socket and logs a clean stop", "[lifecycle]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(std::filesystem::exists(daemon.socket()));
    CHECK(daemon.stop(SIGTERM) == 0);
    CHECK_FALSE(std::filesystem::exists(daemon.socket()));
    auto log = daemon.log();
    CHECK_THAT(log, Contains("SIGTERM received, shutting down"));
    CHECK_THAT(log, Contains("stopped cleanly"));
    // The database was closed cleanly: intact, with what was written.
    CHECK(one(daemon, "PRAGMA integrity_check") == "ok");
    CHECK(count(daemon, "SELECT COUNT(*) FROM businesses") == 1);
    CHECK(daemon.ctl({"status"}).exit_code == 3);
}

TEST_CASE("SIGINT stops sbcd cleanly too", "[lifecycle]") {
    TempDir dir;
    Daemon daemon(dir);
    CHECK(daemon.stop(SIGINT) == 0);
    CHECK_FALSE(std::filesystem::exists(daemon.socket()));
    CHECK_THAT(daemon.log(), Contains("SIGINT received, shutting down"));
    CHECK_THAT(daemon.log(), Contains("stopped cleanly"));
}

TEST_CASE("a second sbcd on the same socket refuses to start and leaves the first one serving",
          "[lifecycle]") {
    TempDir dir;
    Daemon first(dir);
    REQUIRE(register_pizza(first).exit_code == 0);
    // Several attempts: the refusal must be prompt every time, not just usually (a start that fails after the
    // HTTP server is up has been seen to hang on its way out). A correct sbcd answers each in milliseconds.
    for (int attempt = 1; attempt <= 20; ++attempt) {
        auto second = run({SBCD_PATH}, daemon_env(dir), "", dir.path(), std::chrono::seconds(10));
        INFO("attempt " << attempt << "; second sbcd's output: " << second.err);
        CHECK(second.exit_code == 1);
        CHECK_THAT(second.err, Contains("already serving " + first.socket()));
        if (second.exit_code != 1) {
            break;
        }
    }
    CHECK(first.running());
    CHECK(std::filesystem::exists(first.socket()));
    CHECK(first.ctl({"status"}).exit_code == 0);
    CHECK(first.ctl({"business", "show", "pizza-palace"}).exit_code == 0);
}

TEST_CASE("a socket left by a killed sbcd is replaced on the next start", "[lifecycle]") {
    TempDir dir;
    {
        Daemon killed(dir);
        REQUIRE(killed.stop(SIGKILL) == 128 + SIGKILL);
    }
    REQUIRE(std::filesystem::exists(dir.file("sbcd.sock")));
    Daemon daemon(dir);
    CHECK(daemon.ctl({"status"}).exit_code == 0);
}

TEST_CASE("a restart on the same data directory keeps the data at the current schema version",
          "[lifecycle]") {
    TempDir dir;
    std::string created_at;
    {
        Daemon daemon(dir);
        REQUIRE(register_pizza(daemon, {"--hours", "Mon-Sat 11am-11pm"}).exit_code == 0);
        REQUIRE(daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"})
                    .exit_code == 0);
        auto show = ctl_json_run(daemon, {"business", "show", "pizza-palace"});
        created_at = show.doc["arguments"]["business"]["created_at"].get<std::string>();
        REQUIRE(daemon.stop(SIGTERM) == 0);
    }
    Daemon daemon(dir);
    auto show = ctl_json_run(daemon, {"business", "show", "pizza-palace"});
    CHECK(show.exit_code == 0);
    CHECK(show.doc["arguments"]["business"]["hours"] == "Mon-Sat 11am-11pm");
    CHECK(show.doc["arguments"]["business"]["created_at"] == created_at);
    auto search = ctl_json_run(daemon, {"kb", "search", "--business", "pizza-palace", "deliver"});
    REQUIRE(search.doc["arguments"]["results"].size() == 1);
    CHECK(search.doc["arguments"]["results"][0]["text"] == "We deliver downtown until 10pm");

    const int latest = sbc::store::latest_schema_version();
    auto status = ctl_json_run(daemon, {"status"});
    CHECK(status.doc["arguments"]["database"]["schema_version"] == latest);
    CHECK(count(daemon, "PRAGMA user_version") == latest);
    // Both starts opened the same database at that version; the second had nothing to migrate.
    CHECK(occurrences(daemon.log(), daemon.database() + " at schema version " + std::to_string(latest)) == 2);
    // The registration was not repeated by the restart.
    CHECK(register_pizza(daemon, {"--hours", "Mon-Sat 11am-11pm"}).out ==
          "business 'pizza-palace' unchanged\n");
}

TEST_CASE("sbcctl status shows the daemon's version, socket, database and counts", "[lifecycle][cli]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(
        daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"}).exit_code ==
        0);

    auto r = daemon.ctl({"status"});
    CHECK(r.exit_code == 0);
    auto out = lines(r.out);
    REQUIRE(!out.empty());
    CHECK(out[0] == std::string("sbcd ") + SBC_VERSION + " running");
    CHECK_THAT(r.out, Contains("\nsocket:"));
    CHECK_THAT(r.out, Contains(daemon.socket() + "\n"));
    CHECK_THAT(r.out, Contains(daemon.database() + "\n"));
    CHECK_THAT(r.out, Contains("database.schema_version:"));
    CHECK_THAT(r.out, Contains("http.port:"));

    auto j = ctl_json_run(daemon, {"status"});
    CHECK(j.exit_code == 0);
    const auto& a = j.doc["arguments"];
    CHECK(a["version"] == SBC_VERSION);
    CHECK(a["socket"] == daemon.socket());
    CHECK(a["database"]["path"] == daemon.database());
    CHECK(a["database"]["size_bytes"].get<long long>() > 0);
    CHECK(a["database"]["schema_version"] == sbc::store::latest_schema_version());
    CHECK(a["http"]["port"] == daemon.http_port());
    CHECK(a["counts"]["businesses"] == 1);
    CHECK(a["counts"]["knowledge"] == 1);
    CHECK(a["uptime_seconds"].get<long long>() >= 0);
}

TEST_CASE("sbcctl commands lists exactly the daemon's commands", "[lifecycle][cli]") {
    TempDir dir;
    Daemon daemon(dir);
    std::vector<std::string> table;
    for (const auto& command : sbc::control::command_table()) {
        table.emplace_back(command.name);
    }

    auto j = ctl_json_run(daemon, {"commands"});
    CHECK(j.exit_code == 0);
    std::vector<std::string> listed;
    for (const auto& command : j.doc["arguments"]["commands"]) {
        listed.push_back(command["name"]);
        CHECK((command["access"] == "read" || command["access"] == "write"));
        CHECK_FALSE(command["help"].get<std::string>().empty());
    }
    CHECK(listed == table);

    auto r = daemon.ctl({"commands"});
    CHECK(r.exit_code == 0);
    CHECK(lines(r.out)[0] == std::to_string(table.size()) + " commands");
    auto rows = command_rows(r.out);
    std::vector<std::string> names;
    for (const auto& row : rows) {
        names.push_back(row.name);
    }
    CHECK(names == table);
}

TEST_CASE("every daemon command has an sbcctl command, documented in man/sbcctl.1", "[lifecycle][cli]") {
    TempDir dir;
    Daemon daemon(dir);
    auto r = daemon.ctl({"commands"});
    REQUIRE(r.exit_code == 0);
    auto rows = command_rows(r.out);
    REQUIRE(rows.size() == sbc::control::command_table().size());
    auto man = read_file(std::string(SBC_SOURCE_DIR) + "/man/sbcctl.1");
    REQUIRE_FALSE(man.empty());
    auto tags = command_tags(man);
    REQUIRE(documented(tags, "business register")); // the parser itself works
    for (const auto& row : rows) {
        INFO("daemon command " << row.name << " (sbcctl command: " << row.sbcctl << ")");
        CHECK(row.sbcctl != "-");
        if (row.sbcctl != "-") {
            CHECK(documented(tags, row.sbcctl));
        }
    }
}

} // namespace test_daemon_lifecycle
