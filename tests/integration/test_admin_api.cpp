// The admin REST API over real HTTP on the real sbcd: off without a token, 401 without the right one, and
// the same validation and idempotency as sbcctl because it runs the same control commands.

#include "tests/integration/cli_helpers.hpp"

#include <httplib.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_admin_api {

constexpr const char* k_token = "test-admin-token-0123456789abcdef";

struct Api {
    httplib::Client client;
    explicit Api(int port) : client("127.0.0.1", port) {}

    static httplib::Headers auth(const std::string& token) {
        return token.empty() ? httplib::Headers{} : httplib::Headers{{"Authorization", "Bearer " + token}};
    }
    struct Reply {
        int status = 0;
        nlohmann::json body;
    };
    static Reply reply(const httplib::Result& r) {
        REQUIRE(r);
        INFO(r->body);
        auto body = nlohmann::json::parse(r->body, nullptr, false);
        return {r->status, body};
    }
    Reply get(const std::string& path, const std::string& token = k_token) {
        return reply(client.Get(path.c_str(), auth(token)));
    }
    Reply post(const std::string& path, const std::string& body, const std::string& token = k_token) {
        return reply(client.Post(path.c_str(), auth(token), body, "application/json"));
    }
    Reply del(const std::string& path, const std::string& token = k_token) {
        return reply(client.Delete(path.c_str(), auth(token)));
    }
};

const std::string k_pizza_json =
    R"({"businessName":"Pizza Palace","whatsappNumber":"whatsapp:+14155238886","ownerPhone":"+1234567890"})";

long long count_of(const Daemon& daemon, const std::string& table) {
    return query_int(daemon.database(), "SELECT COUNT(*) FROM " + table);
}

TEST_CASE("admin API is off without a token", "[admin-api]") {
    TempDir dir;
    Daemon daemon(dir);
    Api api(daemon.http_port());
    CHECK(api.get("/api/businesses").status == 404);
    CHECK(api.post("/api/businesses/register", k_pizza_json).status == 404);
    CHECK(count_of(daemon, "businesses") == 0);
}

TEST_CASE("admin API needs the bearer token, compared exactly", "[admin-api][security]") {
    TempDir dir;
    Daemon daemon(dir, {{"SBC_ADMIN_TOKEN", k_token}});
    Api api(daemon.http_port());
    std::string almost = k_token;
    almost.back() = 'X';
    for (const std::string& token :
         {std::string(), almost, std::string(k_token) + "x", std::string("short")}) {
        INFO("token '" << token << "'");
        auto r = api.post("/api/businesses/register", k_pizza_json, token);
        CHECK(r.status == 401);
        CHECK(r.body["success"] == false);
        CHECK_THAT(r.body["error"].get<std::string>(), Contains("admin token"));
        CHECK(api.get("/api/businesses", token).status == 401);
    }
    auto basic = api.client.Get("/api/businesses", {{"Authorization", std::string("Basic ") + k_token}});
    REQUIRE(basic);
    CHECK(basic->status == 401);
    CHECK(count_of(daemon, "businesses") == 0);
    CHECK(daemon.log().find(k_token) == std::string::npos);
}

TEST_CASE("admin API registers idempotently, validates like sbcctl, and manages knowledge", "[admin-api]") {
    TempDir dir;
    Daemon daemon(dir, {{"SBC_ADMIN_TOKEN", k_token}});
    Api api(daemon.http_port());

    auto created = api.post("/api/businesses/register", k_pizza_json);
    CHECK(created.status == 201);
    CHECK(created.body["success"] == true);
    CHECK(created.body["businessId"] == "pizza-palace");
    CHECK(created.body["business"]["number"] == "+14155238886");
    auto again = api.post("/api/businesses/register", k_pizza_json);
    CHECK(again.status == 200);
    CHECK(again.body["status"] == "unchanged");
    CHECK(count_of(daemon, "businesses") == 1);

    auto other_owner = api.post(
        "/api/businesses/register",
        R"({"businessName":"Pizza Palace","whatsappNumber":"+14155238886","ownerPhone":"+15550009999"})");
    CHECK(other_owner.status == 409);
    CHECK_THAT(other_owner.body["error"].get<std::string>(),
               Contains("already exists with a different owner"));
    auto bad_number =
        api.post("/api/businesses/register",
                 R"({"businessName":"Cafe","whatsappNumber":"12","ownerPhone":"+15550009999"})");
    CHECK(bad_number.status == 400);
    CHECK_THAT(bad_number.body["error"].get<std::string>(), Contains("number"));
    auto missing = api.post("/api/businesses/register", R"({"businessName":"Cafe"})");
    CHECK(missing.status == 400);
    CHECK(api.post("/api/businesses/register", "not json").status == 400);
    CHECK(count_of(daemon, "businesses") == 1);

    auto list = api.get("/api/businesses");
    CHECK(list.status == 200);
    REQUIRE(list.body["businesses"].size() == 1);

    auto added = api.post("/api/businesses/pizza-palace/knowledge", R"({"text":"We deliver until 10pm"})");
    CHECK(added.status == 201);
    CHECK(added.body["entry"]["number"] == 1);
    CHECK(api.post("/api/businesses/pizza-palace/knowledge", R"({"text":""})").status == 400);
    CHECK(api.post("/api/businesses/nope/knowledge", R"({"text":"x"})").status == 404);
    auto entries = api.get("/api/businesses/pizza-palace/knowledge");
    CHECK(entries.status == 200);
    CHECK(entries.body["total"] == 1);

    auto one = api.get("/api/businesses/pizza-palace");
    CHECK(one.status == 200);
    CHECK(one.body["businessId"] == "pizza-palace");
    CHECK(one.body["metrics"]["knowledgeBaseSize"] == 1);
    CHECK(one.body["metrics"]["totalQueries"] == 0);
    CHECK(one.body["metrics"]["customerSatisfaction"].is_null());
    CHECK(one.body["metrics"]["responseTime"].is_null());
    CHECK(api.get("/api/businesses/nope").status == 404);

    CHECK(api.del("/api/businesses/pizza-palace/knowledge/1").status == 200);
    CHECK(api.del("/api/businesses/pizza-palace/knowledge/1").status == 404);
    CHECK(count_of(daemon, "knowledge") == 0);
    // Audited as the API, like sbcctl's changes are audited as sbcctl.
    CHECK(query_int(daemon.database(), "SELECT COUNT(*) FROM events WHERE actor = 'admin-api'") == 3);
}

} // namespace test_admin_api
