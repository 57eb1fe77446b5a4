// sbcctl webhook check: the URLs Twilio must be configured with, and what the last refused signatures say
// about WEBHOOK_BASE_URL (the most common cause of refused webhooks is a public URL that differs from the
// one Twilio signs: http for https, another host or port, a missing path prefix behind a proxy).

#include "common/time_format.hpp"
#include "daemon/config/config.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/metrics/counters.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>

namespace sbc::control {
namespace {

constexpr const char* k_inbound_path = "/webhooks/twilio/whatsapp";
constexpr const char* k_status_path = "/webhooks/twilio/status";

// The part of a URL before its path: "https://x.example:8443/sbc/webhooks/..." -> "https://x.example:8443".
std::string origin_of(const std::string& url) {
    auto sep = url.find("://");
    auto slash = sep == std::string::npos ? std::string::npos : url.find('/', sep + 3);
    return slash == std::string::npos ? url : url.substr(0, slash);
}

// The base URL a signed URL implies: what WEBHOOK_BASE_URL should be, the webhook path removed.
std::string base_of(const std::string& signed_url) {
    for (const char* path : {k_inbound_path, k_status_path}) {
        auto at = signed_url.find(path);
        if (at != std::string::npos) {
            return signed_url.substr(0, at);
        }
    }
    return origin_of(signed_url);
}

nlohmann::json failure_json(const metrics::SignatureFailure& f) {
    std::string diagnosis;
    if (f.signed_url) {
        diagnosis = fmt::format("Twilio signed {} but sbcd expected {}: set WEBHOOK_BASE_URL={}",
                                *f.signed_url, f.expected_url, base_of(*f.signed_url));
    } else {
        diagnosis = fmt::format(
            "no URL sbcd could rebuild from the request matches the signature (sbcd expected {}): check that "
            "TWILIO_AUTH_TOKEN is the primary auth token of the account that owns the number, and that the "
            "webhook URL in the Twilio console starts with WEBHOOK_BASE_URL",
            f.expected_url);
    }
    return {{"at", time_format::iso8601(f.at_ms)},
            {"expected_url", f.expected_url},
            {"signed_url", f.signed_url ? nlohmann::json(*f.signed_url) : nlohmann::json()},
            {"host", f.host},
            {"forwarded_proto", f.forwarded_proto},
            {"forwarded_host", f.forwarded_host},
            {"diagnosis", diagnosis}};
}

} // namespace

Response webhook_check(Context& ctx, Arguments& args) {
    auto only = args.optional_string("business");
    args.check_unknown();
    const auto& c = ctx.config;
    auto businesses = unwrap(ctx.store.read([&](store::Database& db) -> Result<std::vector<store::Business>> {
        if (only) {
            auto b = business_or_error(db, *only);
            if (!b) {
                return b.error();
            }
            return std::vector<store::Business>{*b};
        }
        return store::list_businesses(db);
    }));
    std::string base = c.webhook_base_url;
    std::vector<std::string> problems;
    if (base.empty()) {
        problems.emplace_back(
            "WEBHOOK_BASE_URL is not set: sbcd checks signatures against " +
            std::string(c.tls_enabled() ? "https" : "http") +
            "://<Host header>, which differs from what Twilio signs behind a proxy; set it to "
            "the public URL Twilio calls");
    }
    std::string shown_base = base.empty() ? "https://<your public host>" : base;
    nlohmann::json numbers = nlohmann::json::array();
    for (const auto& b : businesses) {
        numbers.push_back({{"business", b.id},
                           {"number", b.number},
                           {"inbound_url", shown_base + k_inbound_path},
                           {"method", "POST"}});
    }
    // Only refusals under the base URL now in force: a fixed configuration (SIGHUP) leaves older ones behind.
    nlohmann::json rejected = nlohmann::json::array();
    if (ctx.counters != nullptr) {
        for (const auto& f : ctx.counters->signature_failures.recent()) {
            if (f.base_url == base) {
                rejected.push_back(failure_json(f));
            }
        }
    }
    if (!rejected.empty()) {
        problems.push_back(rejected.front()["diagnosis"].get<std::string>());
    }
    bool signature_checked = !c.insecure_skip_signature_check && !c.twilio_auth_token.empty();
    std::string text =
        problems.empty()
            ? fmt::format("Twilio's webhooks for {} number(s) must call {}{} (no signature refused "
                          "under this configuration)",
                          numbers.size(), shown_base, k_inbound_path)
            : fmt::format("{}", fmt::join(problems, "; "));
    // Answered as a success either way: the problems are the answer (sbcctl exits 1 when there are any).
    return {protocol::k_ok,
            text,
            {{"webhook_base_url", base.empty() ? nlohmann::json() : nlohmann::json(base)},
             {"signature_check", c.insecure_skip_signature_check ? "off (http.insecure_skip_signature_check)"
                                 : signature_checked             ? "on"
                                                     : "no TWILIO_AUTH_TOKEN: every webhook is refused"},
             {"status_callback_url", shown_base + k_status_path},
             {"numbers", numbers},
             {"rejected", rejected},
             {"problems", problems}}};
}

} // namespace sbc::control
