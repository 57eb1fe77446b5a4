// HTTPS served by sbcd itself (http.tls_cert_file and http.tls_key_file) with a self-signed certificate made
// for the test by the openssl command: health and a signed webhook over TLS, plain HTTP refused on that port,
// and a clear start-up error for a certificate that cannot be read.

#include "daemon/twilio/signature.hpp"
#include "tests/integration/cli_helpers.hpp"
#include "tests/support/live_daemon.hpp"

#include <httplib.h>

using namespace sbc::test;
using namespace sbc::test::cli;

namespace test_http_tls {

// A self-signed P-256 certificate for 127.0.0.1 and its key, written into dir; fails the test when the
// openssl command is missing (scripts/install-deps.sh installs it).
std::pair<std::string, std::string> make_certificate(const TempDir& dir) {
    std::string cert = dir.file("cert.pem");
    std::string key = dir.file("key.pem");
    auto r =
        run({"/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-keyout", key, "-out", cert, "-days", "2", "-subj", "/CN=127.0.0.1"});
    INFO(r.out << r.err);
    REQUIRE(r.exit_code == 0);
    return {cert, key};
}

Env tls_env(const FakeTwilio& twilio, const std::string& cert, const std::string& key) {
    return twilio_env(twilio, {{"SBC_TLS_CERT_FILE", cert}, {"SBC_TLS_KEY_FILE", key}});
}

TEST_CASE("tls: sbcd serves HTTPS with the configured certificate", "[http][tls]") {
    TempDir dir;
    FakeTwilio twilio;
    auto [cert, key] = make_certificate(dir);
    Daemon daemon(dir, tls_env(twilio, cert, key));
    REQUIRE(register_pizza(daemon).exit_code == 0);
    REQUIRE(
        daemon.ctl({"kb", "add", "--business", "pizza-palace", "We deliver downtown until 10pm"}).exit_code ==
        0);
    CHECK_THAT(daemon.log(), Contains("(HTTPS)"));

    httplib::SSLClient client("127.0.0.1", daemon.http_port());
    client.set_ca_cert_path(cert.c_str()); // the server must present exactly this certificate
    client.enable_server_certificate_verification(true);
    auto health = client.Get("/health");
    REQUIRE(health);
    CHECK(health->status == 200);

    auto params = inbound_message(make_sid(1), "+15552223333", k_pizza_number, "Do you deliver downtown?");
    httplib::Headers headers = {
        {"X-Twilio-Signature",
         sbc::twilio::compute_signature(twilio.auth_token(),
                                        std::string(k_public_base) + "/webhooks/twilio/whatsapp", params)}};
    auto posted = client.Post("/webhooks/twilio/whatsapp", headers, sbc::http::encode_form(params),
                              "application/x-www-form-urlencoded");
    REQUIRE(posted);
    CHECK(posted->status == 200);
    REQUIRE(twilio.wait_for_requests(1, std::chrono::seconds(20)));
    CHECK_THAT(std::string(twilio.requests()[0].form.first("Body").value_or("")), Contains("10pm"));

    // Plain HTTP on the TLS port gets no HTTP answer.
    CHECK(get(daemon.http_port(), "/health").status == 0);
}

TEST_CASE("tls: an unreadable certificate stops sbcd at start with the file named", "[http][tls]") {
    TempDir dir;
    FakeTwilio twilio;
    auto [cert, key] = make_certificate(dir);
    Daemon daemon(dir, tls_env(twilio, dir.file("missing-cert.pem"), key), false);
    REQUIRE(wait_until([&] { return !daemon.running(); }, std::chrono::seconds(15)));
    CHECK(daemon.stop() == 1);
    CHECK_THAT(daemon.log(), Contains("cannot read http.tls_cert_file " + dir.file("missing-cert.pem")) &&
                                 Contains("No such file"));
}

TEST_CASE("tls: a certificate without its key is a configuration error", "[http][tls]") {
    TempDir dir;
    auto r = run({SBCD_PATH, "--check-config"},
                 {{"SBC_TLS_CERT_FILE", dir.file("cert.pem")}, {"SBC_DATA_DIR", dir.file("data")}});
    CHECK(r.exit_code != 0);
    CHECK_THAT(r.out + r.err, Contains("set both http.tls_cert_file and http.tls_key_file"));
}

} // namespace test_http_tls
