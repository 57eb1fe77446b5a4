// No acknowledged message is lost: sbcd is killed with SIGKILL in the middle of a stream of signed webhooks,
// restarted on the same data directory, and every webhook that got a 200 must be stored once, with its reply
// delivered to (the fake) Twilio. A copy is allowed only for replies sbcd itself marked ambiguous.

#include "daemon/twilio/signature.hpp"
#include "tests/support/live_daemon.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <csignal>
#include <fmt/format.h>
#include <httplib.h>
#include <map>
#include <mutex>
#include <set>
#include <thread>

using namespace sbc::test;

namespace test_fault_sigkill {

constexpr const char* k_number = "+14155238886";

Env fault_env(const FakeTwilio& fake, const std::string& synchronous = "full") {
    return twilio_env(fake, {{"SBC_SYNCHRONOUS", synchronous},
                             {"SBC_RETRY_BASE_MS", "10"},
                             {"SBC_RATE_CUSTOMER_PER_HOUR", "0"},
                             {"SBC_RATE_GLOBAL_PER_HOUR", "0"},
                             {"LOG_LEVEL", "info"}});
}

// Posts distinct signed messages from several connections until told to stop or the daemon dies; returns the
// MessageSids that were acknowledged with 200.
std::set<std::string> flood(int port, const std::string& token, int first, int threads, int per_thread,
                            std::atomic<int>& acked, std::atomic<bool>& stop) {
    std::mutex mutex;
    std::set<std::string> ok;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            httplib::Client client("127.0.0.1", port);
            client.set_keep_alive(true);
            client.set_read_timeout(10);
            for (int i = 0; i < per_thread && !stop; ++i) {
                int n = first + t * 100000 + i;
                auto sid = make_sid(n);
                auto customer = fmt::format("+1555{:07}", n % 50);
                auto params = inbound_message(sid, customer, k_number, "Do you deliver downtown?");
                httplib::Headers headers{
                    {"X-Twilio-Signature",
                     sbc::twilio::compute_signature(
                         token, std::string(k_public_base) + "/webhooks/twilio/whatsapp", params)}};
                auto res = client.Post("/webhooks/twilio/whatsapp", headers, sbc::http::encode_form(params),
                                       "application/x-www-form-urlencoded");
                if (!res) {
                    return; // the daemon is gone
                }
                if (res->status == 200) {
                    std::lock_guard lock(mutex);
                    ok.insert(sid);
                    ++acked;
                }
            }
        });
    }
    for (auto& th : pool) {
        th.join();
    }
    return ok;
}

// One round: start sbcd on `dir` (registering the business the first time), flood it from four connections
// starting at message number `first`, and kill it once `kill_after` messages have been acknowledged. Returns
// the acknowledged MessageSids.
std::set<std::string> kill_during_load(const TempDir& dir, const FakeTwilio& fake, int first, int kill_after,
                                       const std::string& synchronous = "full") {
    Daemon daemon(dir, fault_env(fake, synchronous));
    if (daemon.ctl({"business", "show", "pizza-palace"}).exit_code != 0) {
        REQUIRE(daemon
                    .ctl({"business", "register", "--name", "Pizza Palace", "--number", k_number, "--owner",
                          "+15550001111"})
                    .exit_code == 0);
        REQUIRE(daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"})
                    .exit_code == 0);
    }
    std::atomic<int> acked{0};
    std::atomic<bool> stop{false};
    std::thread killer([&] {
        // Kill once a good share has been acknowledged, while requests and sends are in flight.
        wait_until([&] { return acked >= kill_after; }, std::chrono::seconds(30));
        daemon.stop(SIGKILL);
        stop = true;
    });
    auto acked_sids = flood(daemon.http_port(), fake.auth_token(), first, 4, 400, acked, stop);
    stop = true;
    killer.join();
    REQUIRE(static_cast<int>(acked_sids.size()) >= kill_after);
    return acked_sids;
}

// After a restart: every acknowledged message is stored once with one reply, nothing is half-stored, and
// every reply reached Twilio, more than once only where sbcd recorded the ambiguity.
void check_nothing_lost(const Daemon& restarted, const FakeTwilio& fake,
                        const std::set<std::string>& acked_sids) {
    auto db = restarted.database();
    REQUIRE(wait_until([&] { return query_int(db, k_unfinished_sql) == 0; }, std::chrono::seconds(60)));

    for (const auto& sid : acked_sids) {
        INFO(sid);
        auto id = query_one(db, "SELECT id FROM messages WHERE message_sid = '" + sid + "'");
        REQUIRE(!id.empty());
        CHECK(query_int(db, "SELECT COUNT(*) FROM messages WHERE reply_to = " + id) == 1);
    }
    // Nothing is half-stored: whatever was stored (acknowledged or not) has its reply.
    CHECK(query_int(db, "SELECT COUNT(*) FROM messages i WHERE i.direction = 'in' AND NOT EXISTS "
                        "(SELECT 1 FROM messages o WHERE o.reply_to = i.id)") == 0);
    CHECK(query_int(db, "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND status != 'queued'") == 0);
    std::map<std::string, int> created;
    for (const auto& r : fake.created_messages()) {
        created[r.idempotency_token.value_or("")]++;
    }
    auto replies = query_int(db, "SELECT COUNT(*) FROM messages WHERE direction = 'out'");
    CHECK(static_cast<long long>(created.size()) == replies);
    for (const auto& [token, count] : created) {
        if (count > 1) {
            auto id = token.substr(4, token.find('-', 4) - 4);
            INFO(token);
            CHECK(query_int(db, "SELECT ambiguous FROM messages WHERE id = " + id) == 1);
        }
    }
}

TEST_CASE("SIGKILL during a load of webhooks loses no acknowledged message", "[faults][sigkill]") {
    TempDir dir;
    FakeTwilio fake;
    auto acked_sids = kill_during_load(dir, fake, 0, 150);
    Daemon restarted(dir, fault_env(fake));
    check_nothing_lost(restarted, fake, acked_sids);
}

// synchronous=normal waits for the write to the log, not for the disk: a killed process loses nothing either.
TEST_CASE("SIGKILL with store.synchronous=normal loses no acknowledged message either", "[faults][sigkill]") {
    TempDir dir;
    FakeTwilio fake;
    auto acked_sids = kill_during_load(dir, fake, 0, 300, "normal");
    Daemon restarted(dir, fault_env(fake, "normal"));
    check_nothing_lost(restarted, fake, acked_sids);
}

TEST_CASE("long: five SIGKILLs under load while Twilio fails a fifth of the calls",
          "[.long][faults][sigkill]") {
    TempDir dir;
    FakeTwilio fake;
    fake.set_random_faults(20, 42);
    std::set<std::string> acked_sids;
    for (int round = 0; round < 5; ++round) {
        auto acked = kill_during_load(dir, fake, round * 1000000, 100 + 50 * round);
        acked_sids.insert(acked.begin(), acked.end());
    }
    Daemon restarted(dir, fault_env(fake));
    check_nothing_lost(restarted, fake, acked_sids);
}

} // namespace test_fault_sigkill
