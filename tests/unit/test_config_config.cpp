#include "daemon/config/config.hpp"
#include "daemon/config/options.hpp"
#include "tests/support/process.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using sbc::config::Config;
using sbc::config::describe;
using sbc::config::load;
using sbc::config::Loaded;
using sbc::config::options;
using sbc::config::Sources;
using sbc::test::TempDir;
using sbc::test::write_file;

namespace {

// Clears every variable the option table reads for the lifetime of the object, then puts the old values back,
// so that neither the test runner's environment nor one test's setenv leaks into another test.
class CleanEnvironment {
  public:
    CleanEnvironment() {
        for (const auto& option : options()) {
            std::string name(option.env);
            if (const char* value = std::getenv(name.c_str())) {
                m_saved[name] = value;
            } else {
                m_saved[name] = std::nullopt;
            }
            unsetenv(name.c_str());
        }
    }
    ~CleanEnvironment() {
        for (const auto& [name, value] : m_saved) {
            if (value) {
                setenv(name.c_str(), value->c_str(), 1);
            } else {
                unsetenv(name.c_str());
            }
        }
    }
    CleanEnvironment(const CleanEnvironment&) = delete;
    CleanEnvironment& operator=(const CleanEnvironment&) = delete;
    void set(const char* name, const char* value) {
        REQUIRE(m_saved.count(name) == 1); // only variables this guard restores
        setenv(name, value, 1);
    }

  private:
    std::map<std::string, std::optional<std::string>> m_saved;
};

Sources toml_only(const std::string& file) {
    Sources sources;
    sources.config_file = file;
    sources.use_environment = false;
    return sources;
}

// The environment and an empty .env file: never whatever .env the tests happen to run next to.
Sources environment_only(const TempDir& dir) {
    Sources sources;
    sources.env_file = dir.file("empty.env");
    write_file(*sources.env_file, "");
    return sources;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line + "\n";
    }
    return out;
}

// The one problem a load reported.
std::string only_problem(const Loaded& loaded) {
    INFO(joined(loaded.problems));
    REQUIRE(loaded.problems.size() == 1);
    return loaded.problems.front();
}

constexpr const char* k_sid = "AC0123456789abcdef0123456789abcdef";

} // namespace

TEST_CASE("load without sources gives the documented defaults", "[config]") {
    Sources sources;
    sources.use_environment = false;
    auto loaded = load(sources);
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.used.empty());
    const Config& c = loaded.config;
    REQUIRE(c.data_dir == "/var/lib/sbc");
    REQUIRE(c.socket() == "/var/lib/sbc/sbcd.sock");
    REQUIRE(c.listen() == "127.0.0.1:8080");
    REQUIRE(c.log_level == "info");
    REQUIRE(c.twilio_api_base_url == "https://api.twilio.com");
    REQUIRE(c.openai_base_url == "https://api.openai.com/v1");
    REQUIRE_FALSE(c.insecure_skip_signature_check);
    REQUIRE_FALSE(c.twilio_live());
}

TEST_CASE("a TOML file sets top-level and section keys", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, R"(# sbcd configuration
data_dir = "/srv/sbc"
log_level = "debug"

[http]
listen = "0.0.0.0:9090"
threads = 4
insecure_skip_signature_check = true
webhook_base_url = "https://sbc.example.com"

[socket]
path = "/run/sbc/control.sock"

[twilio]
whatsapp_number = "whatsapp:+1 415-523-8886"
send_timeout_ms = 2500

[rate]
customer_per_hour = 0
)");
    auto loaded = load(toml_only(file));
    INFO(joined(loaded.problems));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.used == std::vector<std::string>{file});
    const Config& c = loaded.config;
    REQUIRE(c.data_dir == "/srv/sbc");
    REQUIRE(c.log_level == "debug");
    REQUIRE(c.listen_host == "0.0.0.0");
    REQUIRE(c.listen_port == 9090);
    REQUIRE(c.http_threads == 4);
    REQUIRE(c.insecure_skip_signature_check);
    REQUIRE(c.webhook_base_url == "https://sbc.example.com");
    REQUIRE(c.socket() == "/run/sbc/control.sock");
    REQUIRE(c.twilio_whatsapp_number == "+14155238886"); // normalised
    REQUIRE(c.send_timeout_ms == 2500);
    REQUIRE(c.rate_customer_per_hour == 0);
    REQUIRE(c.rate_owner_per_hour == 30); // untouched default
}

TEST_CASE("the socket defaults to the configured data directory", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, "data_dir = \"/srv/sbc/\"\n");
    auto loaded = load(toml_only(file));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.socket() == "/srv/sbc/sbcd.sock");
}

TEST_CASE("an unknown TOML key is reported as file:line: unknown option", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, "data_dir = \"/srv/sbc\"\n\ncolour = \"blue\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(file))), StartsWith(file + ":3: unknown option \"colour\""));
}

TEST_CASE("an unknown key inside a section is reported with its dotted name", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, "[http]\nlisten = \"127.0.0.1:1\"\nport = 8080\n");
    REQUIRE_THAT(only_problem(load(toml_only(file))), StartsWith(file + ":3: unknown option \"http.port\""));
}

TEST_CASE("a known key written at the wrong level is unknown", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, "listen = \"127.0.0.1:1\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(file))), StartsWith(file + ":1: unknown option \"listen\""));
}

TEST_CASE("a TOML syntax error is reported with its line", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, "data_dir = \"/srv/sbc\"\nlog_level = \"debug\nthreads = 3\n");
    auto problem = only_problem(load(toml_only(file)));
    REQUIRE_THAT(problem, StartsWith(file + ":2: "));
    REQUIRE_THAT(problem, Contains("TOML syntax"));
}

TEST_CASE("a missing --config file is a problem", "[config]") {
    TempDir dir;
    REQUIRE_THAT(only_problem(load(toml_only(dir.file("absent.toml")))), Contains("no such file"));
}

TEST_CASE("an array where a single value belongs is a problem", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, "data_dir = [\"/a\", \"/b\"]\n");
    REQUIRE_THAT(only_problem(load(toml_only(file))), Contains("data_dir: expected a single value"));
}

TEST_CASE("bad values are reported, each with where and which key", "[config]") {
    TempDir dir;
    auto file = dir.file("sbcd.toml");
    write_file(file, R"(log_level = "loud"
[http]
listen = "127.0.0.1:70000"
threads = 0
webhook_base_url = "sbc.example.com"
insecure_skip_signature_check = "maybe"
[twilio]
account_sid = "XY123"
whatsapp_number = "5551234"
[openai]
base_url = "https://api.example.com/v1/"
)");
    auto loaded = load(toml_only(file));
    auto all = joined(loaded.problems);
    INFO(all);
    REQUIRE(loaded.problems.size() == 8);
    REQUIRE_THAT(all, Contains(file + ":1: log_level: 'loud' is not one of debug, info, warn, error, off"));
    REQUIRE_THAT(all,
                 Contains(file + ":3: http.listen: port in '127.0.0.1:70000': 70000 is outside 0..65535"));
    REQUIRE_THAT(all, Contains(file + ":4: http.threads: 0 is outside 1..256"));
    REQUIRE_THAT(
        all,
        Contains(file + ":5: http.webhook_base_url: 'sbc.example.com' is not an http:// or https:// URL"));
    REQUIRE_THAT(all, Contains(file + ":6: http.insecure_skip_signature_check: 'maybe' is not a boolean"));
    REQUIRE_THAT(all,
                 Contains(file + ":8: twilio.account_sid: an account SID is 'AC' followed by 32 characters"));
    REQUIRE_THAT(all, Contains(file + ":9: twilio.whatsapp_number: invalid phone number '5551234'"));
    REQUIRE_THAT(all, Contains(file + ":11: openai.base_url:") && Contains("trailing slash"));
    // A refused value leaves the default in place.
    REQUIRE(loaded.config.listen() == "127.0.0.1:8080");
    REQUIRE(loaded.config.log_level == "info");
}

TEST_CASE("listen must be host:port", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    for (const char* bad : {"8080", ":8080", "localhost:", "localhost:http", "localhost:-1"}) {
        INFO(bad);
        env.set("SBC_LISTEN", bad);
        auto loaded = load(environment_only(dir));
        REQUIRE_THAT(only_problem(loaded), StartsWith("environment SBC_LISTEN: http.listen: "));
    }
    env.set("SBC_LISTEN", "[::1]:0");
    auto loaded = load(environment_only(dir));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.listen_host == "[::1]");
    REQUIRE(loaded.config.listen_port == 0);
}

TEST_CASE("sources override each other: defaults < TOML < .env < environment", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    auto toml = dir.file("sbcd.toml");
    auto dotenv = dir.file("sbc.env");
    write_file(toml, "log_level = \"warn\"\ndata_dir = \"/from/toml\"\n[http]\nlisten = \"127.0.0.1:1111\"\n"
                     "threads = 3\n");
    write_file(dotenv, "LOG_LEVEL=error\nSBC_LISTEN=127.0.0.1:2222\n");
    env.set("LOG_LEVEL", "debug");

    Sources sources;
    sources.config_file = toml;
    sources.env_file = dotenv;
    auto loaded = load(sources);
    INFO(joined(loaded.problems));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.used == std::vector<std::string>{toml, dotenv});
    REQUIRE(loaded.config.log_level == "debug");         // environment beats .env and TOML
    REQUIRE(loaded.config.listen() == "127.0.0.1:2222"); // .env beats TOML
    REQUIRE(loaded.config.data_dir == "/from/toml");     // TOML beats the default
    REQUIRE(loaded.config.http_threads == 3);            // TOML
    REQUIRE(loaded.config.rate_global_per_hour == 500);  // default

    unsetenv("LOG_LEVEL");
    REQUIRE(load(sources).config.log_level == "error");

    sources.env_file.reset();
    sources.use_environment = false; // neither the environment nor ./.env
    env.set("LOG_LEVEL", "debug");
    REQUIRE(load(sources).config.log_level == "warn");
}

TEST_CASE("problems from the environment name the variable", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    env.set("WEBHOOK_BASE_URL", "ftp://example.com");
    env.set("SBC_HTTP_THREADS", "many");
    auto loaded = load(environment_only(dir));
    auto all = joined(loaded.problems);
    INFO(all);
    REQUIRE(loaded.problems.size() == 2);
    REQUIRE_THAT(all,
                 Contains("environment WEBHOOK_BASE_URL: http.webhook_base_url: 'ftp://example.com' is not"));
    REQUIRE_THAT(all, Contains("environment SBC_HTTP_THREADS: http.threads: 'many' is not a whole number"));
}

TEST_CASE("problems from a .env file give file:line", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    auto dotenv = dir.file(".env");
    write_file(dotenv, "# comment\nTWILIO_ACCOUNT_SID=AC1\nTWILIO_AUTH_TOKEN=x\n");
    Sources sources;
    sources.env_file = dotenv;
    auto loaded = load(sources);
    auto all = joined(loaded.problems);
    INFO(all);
    REQUIRE_THAT(all, Contains(dotenv + ":2: twilio.account_sid: an account SID is 'AC'"));
}

TEST_CASE("an explicit .env file must exist", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    Sources sources;
    sources.env_file = dir.file("missing.env");
    REQUIRE_THAT(only_problem(load(sources)), Contains("missing.env: no such file"));
}

TEST_CASE("setting only one of TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN is a problem", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    SECTION("only the SID") {
        env.set("TWILIO_ACCOUNT_SID", k_sid);
        auto loaded = load(environment_only(dir));
        REQUIRE_THAT(only_problem(loaded), Contains("set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"));
        REQUIRE_FALSE(loaded.config.twilio_live());
    }
    SECTION("only the token") {
        env.set("TWILIO_AUTH_TOKEN", "0123456789abcdef");
        auto loaded = load(environment_only(dir));
        REQUIRE_THAT(only_problem(loaded), Contains("set both TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN"));
    }
    SECTION("both") {
        env.set("TWILIO_ACCOUNT_SID", k_sid);
        env.set("TWILIO_AUTH_TOKEN", "0123456789abcdef");
        auto loaded = load(environment_only(dir));
        REQUIRE(loaded.problems.empty());
        REQUIRE(loaded.config.twilio_live());
    }
}

TEST_CASE("HTTPS needs both the certificate and the key, satisfaction.quiet_seconds is checked", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    SECTION("only the certificate") {
        env.set("SBC_TLS_CERT_FILE", "/etc/sbc/cert.pem");
        auto loaded = load(environment_only(dir));
        REQUIRE_THAT(only_problem(loaded), Contains("set both http.tls_cert_file and http.tls_key_file"));
        REQUIRE_FALSE(loaded.config.tls_enabled());
    }
    SECTION("both") {
        env.set("SBC_TLS_CERT_FILE", "/etc/sbc/cert.pem");
        env.set("SBC_TLS_KEY_FILE", "/etc/sbc/key.pem");
        auto loaded = load(environment_only(dir));
        REQUIRE(loaded.problems.empty());
        REQUIRE(loaded.config.tls_enabled());
    }
    SECTION("quiet time") {
        REQUIRE(load(environment_only(dir)).config.satisfaction_quiet_seconds == 1800);
        env.set("SBC_SATISFACTION_QUIET_SECONDS", "0");
        REQUIRE_THAT(only_problem(load(environment_only(dir))), Contains("SBC_SATISFACTION_QUIET_SECONDS"));
        env.set("SBC_SATISFACTION_QUIET_SECONDS", "60");
        REQUIRE(load(environment_only(dir)).config.satisfaction_quiet_seconds == 60);
    }
}

TEST_CASE("describe never shows the auth token or the OpenAI key", "[config]") {
    CleanEnvironment env;
    TempDir dir;
    env.set("TWILIO_ACCOUNT_SID", k_sid);
    env.set("TWILIO_AUTH_TOKEN", "tok-8f3e1d2c4b5a69788796a5b4c3d2e1f0");
    env.set("OPENAI_API_KEY", "sk-proj-DoNotPrintThisKey123");
    auto loaded = load(environment_only(dir));
    REQUIRE(loaded.problems.empty());
    auto lines = describe(loaded.config);
    auto all = joined(lines);
    INFO(all);
    REQUIRE(lines.size() == options().size());
    REQUIRE_THAT(all, !Contains("8f3e1d2c4b5a69788796a5b4c3d2e1f0"));
    REQUIRE_THAT(all, !Contains("DoNotPrintThisKey"));
    REQUIRE_THAT(all, Contains("twilio.auth_token = (set)\n"));
    REQUIRE_THAT(all, Contains("openai.api_key = (set)\n"));
    REQUIRE_THAT(all, Contains(std::string("twilio.account_sid = ") + k_sid + "\n"));
    REQUIRE_THAT(all, Contains("http.listen = 127.0.0.1:8080\n"));
}

TEST_CASE("describe says (not set) for absent secrets", "[config]") {
    auto all = joined(describe(Config{}));
    REQUIRE_THAT(all, Contains("twilio.auth_token = (not set)\n"));
    REQUIRE_THAT(all, Contains("openai.api_key = (not set)\n"));
}

TEST_CASE("the option table has unique keys and environment variables, secrets marked", "[config]") {
    std::set<std::string_view> keys, envs;
    for (const auto& option : options()) {
        INFO(option.key);
        REQUIRE(keys.insert(option.key).second);
        REQUIRE(envs.insert(option.env).second);
        REQUIRE_FALSE(option.help.empty());
    }
    for (const char* env :
         {"SBC_DATA_DIR", "SBC_SOCKET", "SBC_LISTEN", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
          "TWILIO_WHATSAPP_NUMBER", "WEBHOOK_BASE_URL", "OPENAI_API_KEY", "LOG_LEVEL"}) {
        INFO(env);
        REQUIRE(envs.count(env) == 1);
    }
    std::set<std::string_view> secrets;
    for (const auto& option : options()) {
        if (option.secret) {
            secrets.insert(option.env);
        }
    }
    REQUIRE(secrets == std::set<std::string_view>{"TWILIO_AUTH_TOKEN", "OPENAI_API_KEY", "SBC_ADMIN_TOKEN"});
}

TEST_CASE("store.synchronous is full by default and accepts only full or normal", "[config]") {
    TempDir dir;
    REQUIRE(Config{}.store_synchronous == "full");
    auto bad_file = dir.file("bad.toml");
    write_file(bad_file, "[store]\nsynchronous = \"off\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(bad_file))),
                 Contains(bad_file + ":2: store.synchronous: 'off' is not full or normal"));
    auto good_file = dir.file("good.toml");
    write_file(good_file, "[store]\nsynchronous = \"normal\"\n");
    auto loaded = load(toml_only(good_file));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.store_synchronous == "normal");
}

TEST_CASE("log.format accepts text or json, log.file any path, both from [log]", "[config]") {
    TempDir dir;
    REQUIRE(Config{}.log_format == "text");
    REQUIRE(Config{}.log_file.empty());
    auto bad_file = dir.file("bad.toml");
    write_file(bad_file, "[log]\nformat = \"xml\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(bad_file))),
                 Contains(bad_file + ":2: log.format: 'xml' is not text or json"));
    auto good_file = dir.file("good.toml");
    write_file(good_file, "[log]\nformat = \"json\"\nfile = \"/var/log/sbc/sbcd.log\"\n");
    auto loaded = load(toml_only(good_file));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.log_format == "json");
    REQUIRE(loaded.config.log_file == "/var/log/sbc/sbcd.log");
}

TEST_CASE("metrics.max_businesses is 20 by default and within 0..10000", "[config]") {
    TempDir dir;
    REQUIRE(Config{}.metrics_max_businesses == 20);
    auto bad_file = dir.file("bad.toml");
    write_file(bad_file, "[metrics]\nmax_businesses = 10001\n");
    REQUIRE_THAT(only_problem(load(toml_only(bad_file))),
                 Contains(bad_file + ":2: metrics.max_businesses: 10001 is outside 0..10000"));
    auto good_file = dir.file("good.toml");
    write_file(good_file, "[metrics]\nmax_businesses = 0\n");
    auto loaded = load(toml_only(good_file));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.metrics_max_businesses == 0);
}

TEST_CASE("billing prices read as decimals into exact millionths", "[config]") {
    TempDir dir;
    REQUIRE(Config{}.price_outbound_micros == 0);
    REQUIRE(Config{}.billing_currency == "USD");
    auto good_file = dir.file("good.toml");
    write_file(good_file, "[billing]\ncurrency = \"EUR\"\nprice_inbound_message = 0.005\n"
                          "price_outbound_message = \"0.0125\"\nprice_per_1k_llm_tokens = 2\n"
                          "price_per_1k_embedding_tokens = 0.00002\n");
    auto loaded = load(toml_only(good_file));
    REQUIRE(loaded.problems.empty());
    CHECK(loaded.config.billing_currency == "EUR");
    CHECK(loaded.config.price_inbound_micros == 5000);
    CHECK(loaded.config.price_outbound_micros == 12500);
    CHECK(loaded.config.price_per_1k_tokens_micros == 2000000);
    CHECK(loaded.config.price_per_1k_embedding_tokens_micros == 20);
    CHECK(Config{}.price_per_1k_embedding_tokens_micros == 0);
    for (const char* bad : {"-1", "0.0000001", "abc", "1.2.3", ".5", "1e-3"}) {
        INFO(bad);
        auto bad_file = dir.file("bad.toml");
        write_file(bad_file, fmt::format("[billing]\nprice_outbound_message = \"{}\"\n", bad));
        REQUIRE_THAT(only_problem(load(toml_only(bad_file))), Contains("billing.price_outbound_message: '") &&
                                                                  Contains("is not a price such as 0.005"));
    }
}

TEST_CASE("a TOML float is read in fixed notation: 0.00002 is a price, not 2e-05", "[config]") {
    TempDir dir;
    auto file = dir.file("small.toml");
    write_file(file,
               "[billing]\nprice_outbound_message = 0.00002\n[openai]\nprice_input_per_mtok = 0.000001\n");
    auto loaded = load(toml_only(file));
    INFO(joined(loaded.problems));
    REQUIRE(loaded.problems.empty());
    CHECK(loaded.config.price_outbound_micros == 20);
    CHECK(loaded.config.price_input_per_mtok == Approx(0.000001));
}

TEST_CASE("LLM answers: prices are decimals, the budget and breaker are bounded", "[config][ai]") {
    TempDir dir;
    Config defaults;
    REQUIRE(defaults.answer_budget_ms == 3000);
    REQUIRE_FALSE(defaults.llm_configured());
    auto good_file = dir.file("good.toml");
    write_file(
        good_file,
        "[openai]\nchat_model = \"gpt-4o-mini\"\nprice_input_per_mtok = 0.15\n"
        "price_output_per_mtok = \"0.6\"\nprice_embedding_per_mtok = 0.02\n[answer]\nbudget_ms = 2500\n"
        "breaker_failures = 5\n");
    auto loaded = load(toml_only(good_file));
    INFO(joined(loaded.problems));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.llm_configured());
    REQUIRE(loaded.config.price_input_per_mtok == Approx(0.15));
    REQUIRE(loaded.config.price_output_per_mtok == Approx(0.6));
    REQUIRE(loaded.config.price_embedding_per_mtok == Approx(0.02));
    REQUIRE(defaults.price_embedding_per_mtok == 0);
    REQUIRE(loaded.config.answer_budget_ms == 2500);
    REQUIRE(loaded.config.breaker_failures == 5);

    auto bad_file = dir.file("bad.toml");
    write_file(bad_file, "[openai]\nprice_input_per_mtok = \"cheap\"\n");
    REQUIRE_THAT(
        only_problem(load(toml_only(bad_file))),
        Contains(bad_file + ":2: openai.price_input_per_mtok: 'cheap' is not a number between 0 and"));
    write_file(bad_file, "[openai]\nprice_embedding_per_mtok = 10001\n");
    REQUIRE_THAT(
        only_problem(load(toml_only(bad_file))),
        Contains(bad_file + ":2: openai.price_embedding_per_mtok: '10001' is not a number between 0 and"));
    auto slow_file = dir.file("slow.toml");
    write_file(slow_file, "[answer]\nbudget_ms = 10\n");
    REQUIRE_THAT(only_problem(load(toml_only(slow_file))),
                 Contains("answer.budget_ms: 10 is outside 100..120000"));
}

TEST_CASE("answer.wordnet_dir is off by default and names a folder when set", "[config]") {
    TempDir dir;
    REQUIRE(Config{}.wordnet_dir.empty());
    REQUIRE(Config{}.min_confidence_percent == 30);
    auto file = dir.file("sbcd.toml");
    write_file(file, "[answer]\nwordnet_dir = \"/usr/share/wordnet\"\n");
    auto loaded = load(toml_only(file));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.wordnet_dir == "/usr/share/wordnet");
}

TEST_CASE("embeddings: answer.retrieval is builtin, embeddings or hybrid, vectors need a model",
          "[config][ai]") {
    TempDir dir;
    REQUIRE(Config{}.retrieval == "builtin");
    REQUIRE_FALSE(Config{}.embeddings_configured());
    auto bad_file = dir.file("bad.toml");
    write_file(bad_file, "[answer]\nretrieval = \"vector\"\nembedding_timeout_ms = 5\n");
    auto bad = load(toml_only(bad_file));
    REQUIRE(bad.problems.size() == 2);
    CHECK_THAT(bad.problems[0] + bad.problems[1],
               Contains(bad_file + ":2: answer.retrieval: 'vector' is not builtin, embeddings or hybrid") &&
                   Contains("answer.embedding_timeout_ms: 5 is outside 10..60000"));
    auto good_file = dir.file("good.toml");
    write_file(good_file, "[answer]\nretrieval = \"hybrid\"\nembedding_batch = 16\n"
                          "[openai]\nembedding_model = \"text-embedding-3-small\"\n");
    auto loaded = load(toml_only(good_file));
    REQUIRE(loaded.problems.empty());
    CHECK(loaded.config.retrieval == "hybrid");
    CHECK(loaded.config.embedding_batch == 16);
    CHECK(loaded.config.vector_retrieval());
    Config no_model = loaded.config;
    no_model.openai_embedding_model.clear();
    CHECK_FALSE(no_model.vector_retrieval()); // hybrid without a model is builtin
}

TEST_CASE("media keys: defaults, a size limit in range, retention from the environment", "[config][media]") {
    TempDir dir;
    REQUIRE(Config{}.media_max_bytes == 16 * 1024 * 1024);
    REQUIRE(Config{}.media_retention_days == 90);
    auto bad_file = dir.file("bad.toml");
    write_file(bad_file, "[media]\nmax_bytes = 10\n");
    REQUIRE_THAT(only_problem(load(toml_only(bad_file))),
                 Contains(bad_file + ":2: media.max_bytes: 10 is outside 1024..104857600"));
    auto good_file = dir.file("good.toml");
    write_file(good_file, "[media]\nmax_bytes = 2048\nquota_bytes = 0\n");
    auto loaded = load(toml_only(good_file));
    REQUIRE(loaded.problems.empty());
    REQUIRE(loaded.config.media_max_bytes == 2048);
    REQUIRE(loaded.config.media_quota_bytes == 0);
}

TEST_CASE("media.pdftotext is a program name or an absolute path, media.public_base_url a URL",
          "[config][media]") {
    TempDir dir;
    REQUIRE(Config{}.media_pdftotext == "pdftotext");
    REQUIRE(Config{}.media_public_base_url.empty());
    auto relative = dir.file("relative.toml");
    write_file(relative, "[media]\npdftotext = \"bin/pdftotext\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(relative))),
                 Contains(relative + ":2: media.pdftotext: 'bin/pdftotext' is a relative path"));
    auto empty = dir.file("empty.toml");
    write_file(empty, "[media]\npdftotext = \"\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(empty))),
                 Contains("media.pdftotext: the program must not be empty"));
    auto bad_url = dir.file("url.toml");
    write_file(bad_url, "[media]\npublic_base_url = \"files.example.com/\"\n");
    REQUIRE_THAT(only_problem(load(toml_only(bad_url))),
                 Contains("media.public_base_url: 'files.example.com/' is not an http:// or https:// URL"));

    auto good = dir.file("good.toml");
    write_file(good, "[http]\nwebhook_base_url = \"https://hooks.example.com\"\n[media]\npdftotext = "
                     "\"/opt/poppler/bin/pdftotext\"\n");
    auto loaded = load(toml_only(good));
    REQUIRE(loaded.problems.empty());
    CHECK(loaded.config.media_pdftotext == "/opt/poppler/bin/pdftotext");
    // Attachments are published under the webhook base until media.public_base_url says otherwise.
    CHECK(loaded.config.media_base_url() == "https://hooks.example.com");
    write_file(good, "[media]\npublic_base_url = \"https://files.example.com\"\n");
    CHECK(load(toml_only(good)).config.media_base_url() == "https://files.example.com");
}
