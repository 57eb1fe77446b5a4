// sbcctl backup and backup verify against the real sbcd while signed webhooks keep it writing: the copy is
// consistent, verified, refused over an existing file, pruned by --keep; verify catches damaged files.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

#include <atomic>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <sys/stat.h>
#include <thread>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_backup {

constexpr const char* k_inbound = "/webhooks/twilio/whatsapp";

Env live_env(const FakeTwilio& fake) {
    return twilio_env(fake,
                      {{"SBC_RATE_CUSTOMER_PER_HOUR", "100000"}, {"SBC_RATE_GLOBAL_PER_HOUR", "100000"}});
}

// A thread posting signed customer questions, each from its own customer, until stopped.
struct WebhookLoad {
    const Daemon& daemon;
    const FakeTwilio& fake;
    std::atomic<bool> stop{false};
    std::atomic<int> accepted{0};
    std::thread thread;
    WebhookLoad(const Daemon& d, const FakeTwilio& f) : daemon(d), fake(f) {
        thread = std::thread([this] {
            for (int n = 1; !stop; ++n) {
                auto from = fmt::format("+1555{:07d}", n);
                auto r = post_form(daemon.http_port(), k_inbound,
                                   inbound_message(make_sid(n), from, k_pizza_number, "Do you deliver?"),
                                   fake.auth_token());
                if (r.status == 200) {
                    ++accepted;
                }
            }
        });
    }
    ~WebhookLoad() {
        stop = true;
        thread.join();
    }
};

void corrupt(const std::string& path, std::size_t offset, std::size_t length) {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(offset));
    std::string garbage(length, '\xA5');
    f.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
}

TEST_CASE("backup under webhook load is consistent and verified", "[cli][backup]") {
    TempDir dir;
    FakeTwilio fake;
    Daemon daemon(dir, live_env(fake));
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(
        daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"}).exit_code ==
        0);
    auto backup = dir.file("copy.db");
    nlohmann::json reported;
    {
        WebhookLoad load(daemon, fake);
        REQUIRE(wait_until([&] { return load.accepted >= 20; }, std::chrono::seconds(30)));
        auto j = ctl_json_run(daemon, {"backup", "--to", backup});
        INFO(j.out << j.err);
        REQUIRE(j.exit_code == 0);
        reported = j.doc["arguments"];
        // Still under load after the backup: the daemon kept accepting webhooks while it copied.
        int before = load.accepted;
        REQUIRE(wait_until([&] { return load.accepted > before; }, std::chrono::seconds(30)));
    }
    CHECK(reported["path"] == backup);
    CHECK(reported["verified"] == true);
    CHECK(reported["counts"]["businesses"] == 1);
    CHECK(reported["counts"]["knowledge"] == 1);
    long long copied_messages = reported["counts"]["messages"].get<long long>();
    CHECK(copied_messages >= 20);
    // The copy is one self-contained file with exactly the counts sbcd reported; the live database went on.
    CHECK(query_int(backup, "SELECT COUNT(*) FROM messages") == copied_messages);
    CHECK(query_int(backup, "SELECT COUNT(*) FROM businesses") == 1);
    CHECK(query_int(backup, "PRAGMA user_version") == query_int(daemon.database(), "PRAGMA user_version"));
    CHECK(query_one(backup, "PRAGMA journal_mode") == "delete");
    CHECK(query_int(daemon.database(), "SELECT COUNT(*) FROM messages") > copied_messages);
    // Every inbound message in the copy has its reply, or the answer job that composes it at the next start:
    // no half-written webhook.
    CHECK(query_int(backup, "SELECT COUNT(*) FROM messages m WHERE direction = 'in' AND NOT EXISTS "
                            "(SELECT 1 FROM messages r WHERE r.reply_to = m.id) AND NOT EXISTS "
                            "(SELECT 1 FROM answer_jobs j WHERE j.message_id = m.id)") == 0);
    struct stat st {};
    REQUIRE(::stat(backup.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0640);
    for (const auto& entry : std::filesystem::directory_iterator(dir.path())) {
        CHECK(entry.path().filename().string().find(".tmp-") == std::string::npos);
    }

    auto verify = daemon.ctl({"backup", "verify", backup});
    CHECK(verify.exit_code == 0);
    CHECK_THAT(verify.out, Contains("ok (integrity ok, schema version"));
    CHECK_THAT(verify.out, Contains(fmt::format("{} messages", copied_messages)));
}

TEST_CASE("backup refuses an existing file unless --force", "[cli][backup]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto target = dir.file("b.db");
    write_file(target, "precious");
    auto refused = daemon.ctl({"backup", "--to", target});
    CHECK(refused.exit_code == 6);
    CHECK_THAT(refused.err, Contains("already exists") && Contains("--force"));
    CHECK(read_file(target) == "precious");
    auto forced = daemon.ctl({"backup", "--to", target, "--force"});
    CHECK(forced.exit_code == 0);
    CHECK(query_int(target, "SELECT COUNT(*) FROM businesses") == 1);
    auto nowhere = daemon.ctl({"backup", "--to", dir.file("missing/b.db")});
    CHECK(nowhere.exit_code == 5);
    CHECK_THAT(nowhere.err, Contains("does not exist"));
    CHECK(daemon.ctl({"backup"}).exit_code == 2);
}

TEST_CASE("backup --to-dir --keep names the file and prunes only older backups of ours", "[cli][backup]") {
    TempDir dir;
    Daemon daemon(dir);
    REQUIRE(register_pizza(daemon).exit_code == 0);
    auto backups = dir.file("backups");
    std::filesystem::create_directory(backups);
    for (const char* name : {"sbc-20200101-000000.db", "sbc-20200102-000000.db", "sbc-20200103-000000.db",
                             "sbc-manual.db", "notes.txt"}) {
        write_file(backups + "/" + name, "old");
    }
    auto j = ctl_json_run(daemon, {"backup", "--to-dir", backups, "--keep", "2"});
    INFO(j.out);
    REQUIRE(j.exit_code == 0);
    std::string made = j.doc["arguments"]["path"];
    CHECK_THAT(std::filesystem::path(made).filename().string(), StartsWith("sbc-20") && EndsWith(".db"));
    CHECK(j.doc["arguments"]["pruned"].size() == 2);
    std::set<std::string> left;
    for (const auto& entry : std::filesystem::directory_iterator(backups)) {
        left.insert(entry.path().filename().string());
    }
    CHECK(left == std::set<std::string>{std::filesystem::path(made).filename().string(),
                                        "sbc-20200103-000000.db", "sbc-manual.db", "notes.txt"});
    auto keep_without_dir = daemon.ctl({"backup", "--to", dir.file("x.db"), "--keep", "2"});
    CHECK(keep_without_dir.exit_code == 2);
    CHECK_THAT(keep_without_dir.err, Contains("--keep") && Contains("--to-dir"));
    CHECK_FALSE(std::filesystem::exists(dir.file("x.db")));
}

TEST_CASE("backup verify rejects damaged files with a clear message and works without sbcd",
          "[cli][backup]") {
    TempDir dir;
    auto good = dir.file("good.db");
    {
        Daemon daemon(dir);
        REQUIRE(register_pizza(daemon).exit_code == 0);
        std::string csv = "text\n";
        for (int i = 0; i < 200; ++i) {
            csv += fmt::format("Entry {} about pizzas and deliveries and opening hours\n", i);
        }
        write_file(dir.file("kb.csv"), csv);
        REQUIRE(daemon.ctl({"kb", "import", "--business", "pizza-palace", dir.file("kb.csv")}).exit_code ==
                0);
        REQUIRE(daemon.ctl({"backup", "--to", good}).exit_code == 0);
        REQUIRE(daemon.stop() == 0);
    }
    // sbcd is gone: verify needs only the file.
    auto ctl = [&](const std::vector<std::string>& args) {
        std::vector<std::string> argv = {SBCCTL_PATH, "--socket", dir.file("nothing.sock")};
        argv.insert(argv.end(), args.begin(), args.end());
        return run(argv);
    };
    auto ok = ctl({"backup", "verify", good});
    CHECK(ok.exit_code == 0);
    CHECK_THAT(ok.out, Contains("200 knowledge"));
    // Characters that mean something in an SQLite URI are part of the file's name.
    for (const char* name : {"sbc?mode=memory.db", "100%25.db", "a#b.db"}) {
        INFO(name);
        auto odd = dir.file(name);
        std::filesystem::copy_file(good, odd);
        auto verified = ctl({"backup", "verify", odd});
        CHECK(verified.exit_code == 0);
        CHECK_THAT(verified.out, Contains("200 knowledge"));
    }

    auto damaged = dir.file("damaged.db");
    std::filesystem::copy_file(good, damaged);
    auto size = std::filesystem::file_size(damaged);
    REQUIRE(size > 4 * 4096);
    corrupt(damaged, 4096 * 2, size - 4096 * 2); // every page after the second
    auto bad = ctl({"backup", "verify", damaged});
    CHECK(bad.exit_code == 5);
    CHECK_THAT(bad.err, Contains("is not a usable sbc backup") && Contains("do not restore it"));
    auto json = ctl({"--json", "backup", "verify", damaged});
    CHECK(json.exit_code == 5);
    CHECK(json.json()["arguments"]["ok"] == false);

    auto text = dir.file("text.db");
    write_file(text, std::string(8192, 'x'));
    auto not_db = ctl({"backup", "verify", text});
    CHECK(not_db.exit_code == 5);
    CHECK_THAT(not_db.err, Contains("not a usable sbc backup"));
    auto missing = ctl({"backup", "verify", dir.file("absent.db")});
    CHECK(missing.exit_code == 5);
    CHECK_THAT(missing.err, Contains("no such file"));
}

} // namespace test_cli_backup
