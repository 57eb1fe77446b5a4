// GET /metrics after a scripted run through the real sbcd: the exposition is parsed as Prometheus text
// (tests/support/prometheus_text.*) and each figure is checked against what the run did.

#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"
#include "tests/support/prometheus_text.hpp"

#include <httplib.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_http_metrics {

constexpr const char* k_inbound = "/webhooks/twilio/whatsapp";

PromScrape scrape(int port, std::string* content_type = nullptr) {
    httplib::Client client("127.0.0.1", port);
    auto res = client.Get("/metrics");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    if (content_type != nullptr) {
        *content_type = res->get_header_value("Content-Type");
    }
    try {
        return parse_prometheus(res->body);
    } catch (const std::exception& e) {
        FAIL("not Prometheus text: " << e.what() << "\n" << res->body);
    }
    return {};
}

TEST_CASE("/metrics reports a scripted run in Prometheus text format", "[integration][metrics]") {
    LiveDaemon live({{"SBC_RETRY_BASE_MS", "10"}, {"SBC_METRICS_MAX_BUSINESSES", "1"}});
    live.register_business("Pizza Palace", k_pizza_number, k_pizza_owner);
    live.register_business("Coffee Corner", k_coffee_number, k_coffee_owner);
    live.add_knowledge("pizza-palace", "We deliver downtown until 10pm");
    live.add_knowledge("pizza-palace", "Gift cards are sold at the counter");
    auto& fake = live.twilio();
    auto& daemon = live.daemon();

    std::string content_type;
    auto before = scrape(daemon.http_port(), &content_type);
    CHECK(content_type == "text/plain; version=0.0.4; charset=utf-8");
    CHECK(before.value("sbc_webhooks_received_total") == 0.0);
    CHECK(before.value("sbc_answer_seconds_count") == 0.0);
    CHECK(before.types.at("sbc_answer_seconds") == "histogram");
    CHECK(before.types.at("sbc_webhooks_received_total") == "counter");
    CHECK(before.types.at("sbc_outbox_depth") == "gauge");

    // The first send gets a 500 and is retried.
    fake.push_fault(FakeFault::server_error(), 1);
    auto port = daemon.http_port();
    auto token = fake.auth_token();
    for (int i = 1; i <= 3; ++i) {
        auto from = "+1555222000" + std::to_string(i);
        REQUIRE(live.message(make_sid(i), from, k_pizza_number, "Do you deliver?").status == 200);
    }
    // Twilio retrying the first webhook.
    REQUIRE(live.message(make_sid(1), "+15552220001", k_pizza_number, "Do you deliver?").status == 200);
    // A second business, beyond metrics.max_businesses = 1: its series is "other".
    REQUIRE(live.message(make_sid(4), "+15552220004", k_coffee_number, "Do you have oat milk?").status ==
            200);
    // Refused: two bad signatures, one wrong content type.
    for (int i = 5; i <= 6; ++i) {
        REQUIRE(post_form(port, k_inbound, inbound_message(make_sid(i), "+15552220005", k_pizza_number, "hi"),
                          token, "bm90IGEgc2lnbmF0dXJl")
                    .status == 403);
    }
    REQUIRE(post_raw(port, k_inbound, "{\"Body\":\"hi\"}", "application/json").status == 415);
    // Done when nothing waits to be sent and every reply the fake created is counted (the counter moves just
    // after the outcome is written).
    REQUIRE(wait_until(
        [&] {
            return query_int(daemon.database(), k_unfinished_sql) == 0 &&
                   scrape(port).value("sbc_replies_sent_total") ==
                       static_cast<double>(fake.created_messages().size());
        },
        std::chrono::seconds(20)));

    auto m = scrape(port);
    auto sent_in_db =
        query_int(daemon.database(),
                  "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND message_sid IS NOT NULL");
    INFO("sbcd's log:\n" << daemon.log());
    CHECK(m.value("sbc_webhooks_received_total") == 4.0);
    CHECK(m.value("sbc_webhooks_duplicate_total") == 1.0);
    CHECK(m.value("sbc_webhooks_rejected_total", {{"reason", "signature"}}) == 2.0);
    CHECK(m.value("sbc_webhooks_rejected_total", {{"reason", "content-type"}}) == 1.0);
    CHECK(m.sum("sbc_webhooks_rejected_total") == 3.0);
    // Every created message at the fake is one sent reply; the 500 is one retry.
    CHECK(m.value("sbc_replies_sent_total") == static_cast<double>(fake.created_messages().size()));
    CHECK(m.value("sbc_replies_sent_total") == static_cast<double>(sent_in_db));
    CHECK(m.value("sbc_replies_sent_total") >= 4.0);
    CHECK(m.value("sbc_replies_retried_total") == 1.0);
    CHECK(m.value("sbc_replies_failed_total") == 0.0);
    CHECK(m.value("sbc_outbox_depth") == 0.0);
    CHECK(m.value("sbc_outbox_oldest_age_seconds") == 0.0);
    CHECK(m.value("sbc_knowledge_entries") == 2.0);
    CHECK(m.value("sbc_businesses") == 2.0);
    CHECK(m.value("sbc_store_up") == 1.0);
    // Every stored webhook was a write of some commit; a commit carries one write or more.
    CHECK(*m.value("sbc_store_writes_total") >= 4.0);
    CHECK(*m.value("sbc_store_commits_total") >= 1.0);
    CHECK(*m.value("sbc_store_writes_total") >= *m.value("sbc_store_commits_total"));
    CHECK(m.value("sbc_business_messages_total", {{"business", "pizza-palace"}, {"kind", "question"}}) ==
          3.0);
    CHECK(m.value("sbc_business_messages_total", {{"business", "other"}, {"kind", "question"}}) == 1.0);
    CHECK_FALSE(
        m.value("sbc_business_messages_total", {{"business", "coffee-corner"}, {"kind", "question"}}));

    // The histogram: one observation per stored webhook, cumulative buckets, +Inf equal to the count.
    CHECK(m.value("sbc_answer_seconds_count") == 4.0);
    CHECK(m.value("sbc_answer_seconds_bucket", {{"le", "+Inf"}}) == 4.0);
    CHECK(*m.value("sbc_answer_seconds_sum") > 0.0);
    double previous = 0;
    int buckets = 0;
    for (const auto& s : m.samples) {
        if (s.name == "sbc_answer_seconds_bucket") {
            CHECK(s.value >= previous);
            previous = s.value;
            ++buckets;
        }
    }
    CHECK(buckets == 13);

    // The same figures as the JSON status pages.
    auto twilio = nlohmann::json::parse(get(port, "/api/twilio/status").body);
    CHECK(m.value("sbc_replies_sent_total") == twilio["sent"].get<double>());
    auto webhooks = nlohmann::json::parse(get(port, "/webhooks/status").body);
    CHECK(m.value("sbc_webhooks_received_total") == webhooks["received"].get<double>());
}

TEST_CASE("the Prometheus reader of the tests refuses malformed text", "[integration][metrics]") {
    CHECK_THROWS(parse_prometheus("sbc_x 1\n"));                                  // no # TYPE
    CHECK_THROWS(parse_prometheus("# HELP a b\n# TYPE a counter\na{l=\"x} 1\n")); // unterminated
    CHECK_THROWS(parse_prometheus("# HELP a b\n# TYPE a counter\na one\n"));      // bad value
    CHECK_THROWS(parse_prometheus("# HELP a b\n# TYPE a counter\na 1"));          // no final line feed
    auto ok = parse_prometheus("# HELP a b\n# TYPE a gauge\na{l=\"x\\\"y\\\\z\\n\"} 2.5\n");
    CHECK(ok.value("a", {{"l", "x\"y\\z\n"}}) == 2.5);
}

} // namespace test_http_metrics
