// sbcctl usage against a scripted run: signed webhooks to two businesses, replies through the fake Twilio,
// and the figures checked against what was posted and what the fake received.

#include "daemon/store/database.hpp"
#include "daemon/store/migrations.hpp"
#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

#include <ctime>
#include <fmt/format.h>
#include <sys/stat.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_cli_usage {

std::string this_month() {
    std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    return fmt::format("{:04d}-{:02d}", tm.tm_year + 1900, tm.tm_mon + 1);
}

long long sent_from(const FakeTwilio& fake, const std::string& number) {
    long long n = 0;
    for (const auto& q : fake.requests()) {
        n += q.form.first("From") == "whatsapp:" + number ? 1 : 0;
    }
    return n;
}

TEST_CASE("usage counts messages per business and prices them", "[cli][usage]") {
    LiveDaemon live({{"SBC_BILLING_CURRENCY", "EUR"},
                     {"SBC_PRICE_INBOUND_MESSAGE", "0.001"},
                     {"SBC_PRICE_OUTBOUND_MESSAGE", "0.0055"}});
    auto& fake = live.twilio();
    auto& daemon = live.daemon();
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(register_coffee(daemon).exit_code == 0);
    live.add_knowledge("pizza-palace", "We deliver downtown until 10pm");
    for (int i = 0; i < 3; ++i) {
        REQUIRE(live.message(live.next_sid(), fmt::format("+1555300000{}", i), k_pizza_number,
                             "Do you deliver downtown?")
                    .status == 200);
    }
    for (int i = 0; i < 2; ++i) {
        REQUIRE(
            live.message(live.next_sid(), fmt::format("+1555400000{}", i), k_coffee_number, "Any oat milk?")
                .status == 200);
    }
    // A test message is not billable: it never reaches WhatsApp.
    REQUIRE(daemon.ctl({"send-test", "--business", "pizza-palace", "--from", "+15559990000", "Open?"})
                .exit_code == 0);
    REQUIRE(wait_until([&] { return query_int(daemon.database(), k_unfinished_sql) == 0; }));
    long long pizza_out = sent_from(fake, k_pizza_number);
    long long coffee_out = sent_from(fake, k_coffee_number);
    REQUIRE(pizza_out >= 3);
    REQUIRE(coffee_out >= 2);

    auto j = ctl_json_run(daemon, {"usage"});
    INFO(j.out);
    REQUIRE(j.exit_code == 0);
    const auto& a = j.doc["arguments"];
    CHECK(a["month"] == this_month());
    CHECK(a["currency"] == "EUR");
    REQUIRE(a["businesses"].size() == 2);
    const auto& coffee = a["businesses"][0];
    const auto& pizza = a["businesses"][1];
    CHECK(coffee["business"] == "coffee-corner");
    CHECK(coffee["messages_in"] == 2);
    CHECK(coffee["messages_out"] == coffee_out);
    CHECK(pizza["messages_in"] == 3);
    CHECK(pizza["messages_out"] == pizza_out);
    CHECK(pizza["llm_tokens"] == 0);
    long long pizza_micros = 3 * 1000 + pizza_out * 5500;
    CHECK(pizza["cost"] == fmt::format("{}.{:06d}", pizza_micros / 1000000, pizza_micros % 1000000));
    CHECK(a["total"]["messages_in"] == 5);
    CHECK(a["total"]["messages_out"] == pizza_out + coffee_out);

    auto one = ctl_json_run(daemon, {"usage", "--business", "coffee-corner"});
    CHECK(one.doc["arguments"]["businesses"].size() == 1);
    auto csv = daemon.ctl({"usage", "--csv", "--business", "coffee-corner"});
    REQUIRE(csv.exit_code == 0);
    CHECK(lines(csv.out) ==
          std::vector<std::string>{
              "month,business,name,messages_in,messages_out,llm_tokens,cost,currency,embedding_tokens",
              fmt::format("{},coffee-corner,Coffee Corner,2,{},0,{},EUR,0", this_month(), coffee_out,
                          fmt::format("0.{:06d}", 2 * 1000 + coffee_out * 5500))});
    auto table = daemon.ctl({"usage"});
    CHECK_THAT(table.out, Contains("COST (EUR)") && Contains("total"));

    auto past = ctl_json_run(daemon, {"usage", "--month", "2020-01"});
    CHECK(past.doc["arguments"]["total"]["messages_in"] == 0);
    CHECK(daemon.ctl({"usage", "--month", "2026-13"}).exit_code == 5);
    CHECK(daemon.ctl({"usage", "--business", "nope"}).exit_code == 4);
}

TEST_CASE("usage: a database of schema 11 keeps its LLM totals in the one ledger after the upgrade",
          "[cli][usage][migrations]") {
    TempDir dir;
    const std::string data = dir.file("data");
    REQUIRE(::mkdir(data.c_str(), 0700) == 0);
    const std::int64_t november = 1763942400000; // 2025-11-24, UTC
    {
        sbc::store::Database db(data + "/sbc.db", true);
        sbc::store::migrate(db, 11);
        db.exec(fmt::format("INSERT INTO businesses (slug, name, whatsapp_number, owner_phone, created_at, "
                            "updated_at) VALUES ('pizza-palace', 'Pizza Palace', '{}', '{}', 1, 1)",
                            k_pizza_number, k_pizza_owner));
        // Two calls and a failure with their rows, and one call from before the per-call rows.
        db.exec(fmt::format("INSERT INTO llm_usage (business_id, model, prompt_tokens, completion_tokens, "
                            "created_at) VALUES (1, 'gpt', 120, 30, {0}), (1, 'gpt', 0, 0, {0}), "
                            "(1, 'gpt', 80, 20, {0})",
                            november));
        db.exec("INSERT INTO ai_usage (business_id, calls, failures, prompt_tokens, completion_tokens, "
                "cost_usd) VALUES (1, 3, 1, 260, 70, 0.0042)");
    }
    Daemon daemon(dir);
    CHECK_THAT(daemon.log(),
               Contains("schema version " + std::to_string(sbc::store::latest_schema_version())));
    auto stats = daemon.ctl_json({"business", "stats", "pizza-palace"});
    INFO(stats.dump());
    const auto& s = stats["arguments"];
    CHECK(s["llm_calls"] == 3);
    CHECK(s["llm_failures"] == 1);
    CHECK(s["prompt_tokens"] == 260);
    CHECK(s["completion_tokens"] == 70);
    CHECK(s["estimated_cost_usd"].get<double>() == Approx(0.0042));
    CHECK(s["embedding_calls"] == 0);
    CHECK(s["embedding_tokens"] == 0);
    // November's bill still counts the calls that had rows, as before the upgrade.
    auto usage = ctl_json_run(daemon, {"usage", "--month", "2025-11"});
    REQUIRE(usage.exit_code == 0);
    CHECK(usage.doc["arguments"]["businesses"][0]["llm_tokens"] == 250);
    CHECK(usage.doc["arguments"]["businesses"][0]["embedding_tokens"] == 0);
}

} // namespace test_cli_usage
