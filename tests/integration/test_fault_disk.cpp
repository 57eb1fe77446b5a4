// A disk that fills up, turns read-only or fails under a running sbcd: libsbc_faultfs.so
// (tests/support/faultfs.c) is preloaded into the real sbcd and makes every write and sync under its data
// directory fail on demand. While it fails, webhooks get 503 and nothing that was not stored is acknowledged;
// sbcd keeps answering /health (which says what is wrong) and the control socket, without spinning; once
// writes work again it carries on without a restart: Twilio's retries are stored once and answered once, and
// a reply Twilio accepted while the disk was full is recorded, never sent twice.

#include "tests/support/disk_fault.hpp"
#include "tests/support/fake_openai.hpp"
#include "tests/support/live_daemon.hpp"

#include <catch2/catch.hpp>
#include <ctime>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

using namespace sbc::test;
using Catch::Matchers::Contains;

namespace test_fault_disk {

constexpr const char* k_number = "+14155238886";
constexpr const char* k_owner = "+15550001111";
constexpr const char* k_status = "/webhooks/twilio/status";

std::size_t occurrences(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) {
        ++n;
    }
    return n;
}

// CPU time (user + system) a process has used so far.
std::chrono::milliseconds cpu_time(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    std::istringstream fields(stat.substr(stat.rfind(')') + 2)); // field 3 (state) onwards
    std::string skip;
    for (int i = 3; i < 14; ++i) {
        fields >> skip;
    }
    long long utime = 0, stime = 0;
    fields >> utime >> stime;
    return std::chrono::milliseconds((utime + stime) * 1000 / ::sysconf(_SC_CLK_TCK));
}

// A customer per message, so that rate limits and the 24-hour window play no part.
std::string customer(int n) {
    return fmt::format("+1555{:07}", n);
}

// What a Disk needs before sbcd starts and after it stopped: the directory, the fake Twilio and the disk.
struct DiskParts {
    TempDir root;
    FakeTwilio fake;
    DiskFault disk{root, root.file("data")};
};

// A running sbcd on a disk that fails on demand, wired to a fake Twilio, with one business that knows one
// answer.
struct Disk : DiskParts, LiveDaemon {
    explicit Disk(const Env& extra = {})
        : LiveDaemon(root, fake, merge_env(merge_env(disk.env(), {{"SBC_RETRY_BASE_MS", "10"}}), extra)) {
        register_business("Pizza Palace", k_number, k_owner);
        add_knowledge("pizza-palace", "We deliver downtown until 10pm");
    }
    HttpResult message(int n) {
        return LiveDaemon::message(make_sid(n), customer(n), k_number, "Do you deliver downtown?");
    }
    HttpResult status_callback(const std::string& sid, const std::string& status) {
        sbc::http::FormParams p;
        p.add("AccountSid", fake.account_sid());
        p.add("MessageSid", sid);
        p.add("MessageStatus", status);
        return post_signed(k_status, p);
    }
    nlohmann::json health(int& status) {
        auto r = get(daemon().http_port(), "/health");
        status = r.status;
        return nlohmann::json::parse(r.body);
    }
    // Replies Twilio accepted for a customer.
    long long created_for(const std::string& to) {
        long long n = 0;
        for (const auto& r : fake.created_messages()) {
            n += r.form.first("To") == "whatsapp:" + to ? 1 : 0;
        }
        return n;
    }
    long long failed_commits() {
        return static_cast<long long>(occurrences(daemon().log(), "writes failed:"));
    }
};

// The times (Unix ms) of the log lines that contain `needle`, in order.
std::vector<std::int64_t> logged_at(const std::string& log, const std::string& needle) {
    std::vector<std::int64_t> out;
    std::istringstream in(log);
    for (std::string line; std::getline(in, line);) {
        std::tm tm{};
        if (line.find(needle) == std::string::npos || line.size() < 24 ||
            ::strptime(line.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
            continue;
        }
        out.push_back(static_cast<std::int64_t>(::timegm(&tm)) * 1000 + std::stoi(line.substr(20, 3)));
    }
    return out;
}

// While the disk fails, sbcd tries its writes again after growing pauses, not at once: by sbcd's own log, the
// five failed commits after the first `before` are at least half a second apart from first to last (a loop
// without a pause does them in a few milliseconds), and they cost little CPU.
void check_no_spin(Disk& d, long long before) {
    REQUIRE(wait_until([&] { return d.failed_commits() >= before + 1; }, std::chrono::seconds(20)));
    auto started = std::chrono::steady_clock::now();
    auto cpu = cpu_time(d.daemon().pid());
    REQUIRE(wait_until([&] { return d.failed_commits() >= before + 5; }, std::chrono::seconds(20)));
    auto wall =
        std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    auto used = cpu_time(d.daemon().pid()) - cpu;
    auto times = logged_at(d.daemon().log(), "writes failed:");
    REQUIRE(static_cast<long long>(times.size()) >= before + 5);
    auto span = times[static_cast<std::size_t>(before + 4)] - times[static_cast<std::size_t>(before)];
    INFO("5 failed commits over " << span << " ms; " << used.count() << " ms of CPU in " << wall.count()
                                  << " ms");
    CHECK(span >= 500);
    CHECK(used < wall / 2 + std::chrono::milliseconds(50)); // a clock tick of slack
    CHECK(d.daemon().running());
}

// Test 1 and 2: the whole cycle for one kind of failure; `says` is what the error messages must contain.
void webhooks_while_the_disk_fails(const std::string& errno_name, const std::string& says) {
    Disk d;
    for (int n = 1; n <= 3; ++n) {
        REQUIRE(d.message(n).status == 200);
    }
    // Every reply sent and recorded before the disk fails: the sender is idle.
    REQUIRE(
        wait_until([&] { return d.fake.created_messages().size() == 3 && d.count(k_unfinished_sql) == 0; }));

    d.disk.fail(errno_name);
    for (int n = 4; n <= 6; ++n) {
        auto r = d.message(n);
        CHECK(r.status == 503);
        CHECK(r.body == "storage unavailable: the message was not stored; retry later\n");
    }
    auto callback = d.status_callback(d.fake.created_messages()[0].sid, "delivered");
    CHECK(callback.status == 503);
    CHECK_THAT(callback.body, Contains("not stored"));

    // /health says the database cannot be written, and why.
    int status = 0;
    auto health = d.health(status);
    CHECK(status == 503);
    CHECK(health["status"] == "error");
    CHECK(health["database"]["status"] == "error");
    CHECK(health["database"]["writable"] == false);
    CHECK_THAT(health["database"]["error"].get<std::string>(), Contains(says));

    // Control writes fail with the reason and exit code 1; reads and the socket still work.
    auto add =
        d.daemon().ctl({"kb", "add", "--business", "pizza-palace", "Gift cards are sold at the counter"});
    CHECK(add.exit_code == 1);
    CHECK_THAT(add.err, Contains("database write failed") && Contains(says) && Contains("/data/sbc.db"));
    CHECK(d.daemon().ctl({"status"}).exit_code == 0);
    CHECK(d.daemon().ctl({"kb", "list", "--business", "pizza-palace"}).exit_code == 0);
    CHECK(d.count("SELECT COUNT(*) FROM messages WHERE message_sid IN ('" + make_sid(4) + "', '" +
                  make_sid(5) + "', '" + make_sid(6) + "')") == 0);
    CHECK(d.count("SELECT COUNT(*) FROM knowledge") == 1);

    d.disk.heal();
    // Without a restart: /health tries a write and finds that it works; Twilio's retries are stored.
    health = d.health(status);
    CHECK(status == 200);
    CHECK(health["database"]["writable"] == true);
    for (int n = 1; n <= 6; ++n) {
        INFO("message " << n);
        CHECK(d.message(n).status == 200); // 1-3 are duplicates
    }
    CHECK(d.daemon()
              .ctl({"kb", "add", "--business", "pizza-palace", "Gift cards are sold at the counter"})
              .exit_code == 0);
    REQUIRE(
        wait_until([&] { return d.fake.created_messages().size() == 6 && d.count(k_unfinished_sql) == 0; }));
    for (int n = 1; n <= 6; ++n) {
        INFO("message " << n);
        auto id = d.one("SELECT id FROM messages WHERE message_sid = '" + make_sid(n) + "'");
        REQUIRE(!id.empty());
        CHECK(d.count("SELECT COUNT(*) FROM messages WHERE reply_to = " + id) == 1);
        CHECK(d.created_for(customer(n)) == 1);
    }
    CHECK(d.count("SELECT COUNT(*) FROM messages WHERE direction = 'in'") == 6);
    CHECK(d.count("SELECT COUNT(*) FROM knowledge") == 2);
    // The failure and the recovery are logged once each, however many writes failed in between.
    auto log = d.daemon().log();
    CHECK(occurrences(log, "cannot write the database") == 1);
    CHECK(occurrences(log, "the database can be written again") == 1);
    CHECK(d.daemon().stop() == 0); // a clean stop (and, in the sanitized build, no report)
}

TEST_CASE("a full disk: webhooks get 503, none is lost, sbcd carries on when space returns",
          "[faults][disk]") {
    webhooks_while_the_disk_fails("ENOSPC", "database or disk is full");
}

TEST_CASE("a read-only or failing disk: webhooks get 503, none is lost, sbcd carries on once it works",
          "[faults][disk]") {
    auto errno_name = GENERATE(as<std::string>{}, "EROFS", "EIO");
    INFO(errno_name);
    webhooks_while_the_disk_fails(errno_name, "read-only or failing");
}

TEST_CASE("a reply Twilio accepted while the disk was full is recorded later and never sent twice",
          "[faults][disk]") {
    // One sender thread: while it waits for Twilio's answer to the first reply, the second stays queued.
    Disk d(Env{{"SBC_SENDER_THREADS", "1"}});
    d.fake.push_fault(FakeFault::held());
    REQUIRE(d.message(1).status == 200);
    REQUIRE(d.fake.wait_for_requests(1, std::chrono::seconds(10)));
    REQUIRE(d.message(2).status == 200);

    auto before = d.failed_commits();
    d.disk.fail("ENOSPC");
    d.fake.release_held(); // Twilio accepts the first reply; sbcd cannot record it
    REQUIRE(wait_until([&] { return d.daemon().log().find("could not be recorded") != std::string::npos; }));
    check_no_spin(d, before);
    int status = 0;
    d.health(status);
    CHECK(status == 503);
    CHECK(d.daemon().ctl({"status"}).exit_code == 0);
    CHECK(d.fake.request_count() == 1); // the second reply waits: nothing is claimed that cannot be recorded
    auto first =
        d.one("SELECT id FROM messages WHERE reply_to = (SELECT id FROM messages WHERE message_sid = '" +
              make_sid(1) + "')");
    CHECK(d.one("SELECT state FROM outbox WHERE message_id = " + first) == "sending");

    d.disk.heal();
    REQUIRE(
        wait_until([&] { return d.count(k_unfinished_sql) == 0 && d.fake.created_messages().size() == 2; },
                   std::chrono::seconds(20)));
    auto created = d.fake.created_messages();
    CHECK(d.created_for(customer(1)) == 1);
    CHECK(d.created_for(customer(2)) == 1);
    // The first reply's final state is what Twilio answered, with the SID it gave; it is not ambiguous.
    CHECK(d.one("SELECT message_sid FROM messages WHERE id = " + first) == created[0].sid);
    CHECK(d.one("SELECT status FROM messages WHERE id = " + first) == "queued");
    CHECK(d.count("SELECT ambiguous FROM messages WHERE id = " + first) == 0);
    CHECK(d.count("SELECT attempts FROM messages WHERE id = " + first) == 1);
    CHECK_THAT(d.daemon().log(), Contains("recorded the outcome of message " + first));

    // Nothing is left for a restart to send again.
    CHECK(d.daemon().stop() == 0);
    d.restart();
    CHECK(d.count(k_unfinished_sql) == 0);
    CHECK_THAT(d.daemon().log(), !Contains("were being sent"));
    CHECK(d.daemon().stop() == 0);
}

// The answer worker composes after the acknowledgement, so its write can meet a full disk that the webhook's
// did not: the job stays, is tried again without spinning, and the reply goes out once when space returns.
TEST_CASE("an answer composed while the disk is full is written and sent once when space returns",
          "[faults][disk]") {
    FakeOpenAi ai;
    Disk d(Env{{"OPENAI_BASE_URL", ai.base_url()},
               {"OPENAI_API_KEY", "sk-test-disk"},
               {"OPENAI_CHAT_MODEL", "fake-chat"},
               {"SBC_ANSWER_BUDGET_MS", "20000"}});
    REQUIRE(d.daemon().ctl({"business", "update", "pizza-palace", "--llm"}).exit_code == 0);
    ai.set_reply("Yes, we deliver downtown until 10pm!");
    // The provider holds its answer 1.5 s: far longer than failing the disk below takes.
    ai.push_fault(FakeAiFault::slow(std::chrono::milliseconds(1500)));
    REQUIRE(d.message(1).status == 200);
    REQUIRE(ai.wait_for_chats(1, std::chrono::seconds(10)));
    auto before = d.failed_commits();
    d.disk.fail("ENOSPC");
    REQUIRE(wait_until([&] { return d.daemon().log().find("cannot write the answer") != std::string::npos; },
                       std::chrono::seconds(20)));
    check_no_spin(d, before);
    CHECK(d.fake.request_count() == 0);
    CHECK(d.count("SELECT COUNT(*) FROM answer_jobs") == 1);

    d.disk.heal();
    REQUIRE(wait_until([&] { return d.count(k_unfinished_sql) == 0 && d.created_for(customer(1)) == 1; },
                       std::chrono::seconds(20)));
    CHECK(d.count(
              "SELECT COUNT(*) FROM messages WHERE kind = 'llm-answer' AND body = 'Yes, we deliver downtown "
              "until 10pm!'") == 1);
    CHECK(ai.chat_count() >= 1);
    CHECK(d.daemon().stop() == 0);
    CHECK(d.created_for(customer(1)) == 1);
}

TEST_CASE("a reply that falls due while the disk is full waits without spinning and is sent once it works",
          "[faults][disk]") {
    Disk d(Env{{"SBC_SENDER_THREADS", "1"}});
    // Twilio asks sbcd to come back in 3 s; the disk fills up in the meantime.
    d.fake.push_fault(FakeFault::rate_limited("3"));
    REQUIRE(d.message(1).status == 200);
    REQUIRE(wait_until([&] { return !d.one("SELECT last_error FROM outbox").empty(); }));
    auto before = d.failed_commits();
    d.disk.fail("ENOSPC");
    REQUIRE(d.one("SELECT state FROM outbox") == "pending"); // not yet claimed again

    check_no_spin(d, before);
    int status = 0;
    d.health(status);
    CHECK(status == 503);
    CHECK(d.daemon().ctl({"status"}).exit_code == 0);
    CHECK(d.fake.request_count() == 1);

    d.disk.heal();
    REQUIRE(wait_until([&] { return d.count(k_unfinished_sql) == 0; }, std::chrono::seconds(20)));
    CHECK(d.fake.created_messages().size() == 1);
    CHECK(d.created_for(customer(1)) == 1);
    // The writer works again, without a restart.
    REQUIRE(d.message(2).status == 200);
    REQUIRE(wait_until([&] { return d.created_for(customer(2)) == 1; }));
    CHECK(d.daemon().stop() == 0);
}

TEST_CASE("sbcd stopped while the disk is full says which replies it will send again, and does",
          "[faults][disk]") {
    Disk d(Env{{"SBC_SENDER_THREADS", "1"}});
    d.fake.push_fault(FakeFault::held());
    REQUIRE(d.message(1).status == 200);
    REQUIRE(d.fake.wait_for_requests(1, std::chrono::seconds(10)));
    REQUIRE(d.message(2).status == 200); // handed to the sender, not posted yet
    d.disk.fail("ENOSPC");
    d.fake.release_held();
    REQUIRE(wait_until([&] { return d.daemon().log().find("could not be recorded") != std::string::npos; }));
    CHECK(d.daemon().stop() == 0);
    auto log = d.daemon().log();
    CHECK_THAT(log, Contains("sbcd stops before the outcome of message") && Contains("sent again"));
    CHECK_THAT(log, Contains("stopped cleanly"));

    // The next start cannot know whether the first reply reached Twilio: it sends it again, marked ambiguous;
    // the second one, never posted, goes out once.
    d.disk.heal();
    d.restart();
    REQUIRE(wait_until([&] { return d.count(k_unfinished_sql) == 0; }, std::chrono::seconds(20)));
    CHECK(d.created_for(customer(1)) == 2);
    CHECK(d.created_for(customer(2)) == 1);
    CHECK(d.count("SELECT COUNT(*) FROM messages WHERE direction = 'out' AND ambiguous = 1 AND customer = '" +
                  customer(1) + "'") == 1);
    CHECK(d.daemon().stop() == 0);
}

TEST_CASE("sbcd does not start on a database it cannot write, and says why", "[faults][disk]") {
    auto [errno_name, says] = GENERATE(table<std::string, std::string>(
        {{"ENOSPC", "free some space"}, {"EROFS", "read-only or failing"}, {"EIO", "read-only or failing"}}));
    INFO(errno_name);
    TempDir dir;
    DiskFault disk(dir, dir.file("data"));
    std::filesystem::create_directories(dir.file("data"));
    disk.fail(errno_name);
    Daemon daemon(dir, disk.env(), false);
    REQUIRE(wait_until([&] { return !daemon.running(); }));
    CHECK(daemon.stop() == 1);
    auto log = daemon.log();
    CHECK_THAT(log, Contains("cannot start") && Contains("/data/sbc.db") && Contains(says));
}

} // namespace test_fault_disk
