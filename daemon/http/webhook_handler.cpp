#include "daemon/http/webhook_handler.hpp"

#include "common/phone.hpp"
#include "common/text.hpp"
#include "common/time_format.hpp"
#include "daemon/config/live.hpp"
#include "daemon/http/form_parser.hpp"
#include "daemon/log/log.hpp"
#include "daemon/metrics/counters.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/store.hpp"
#include "daemon/twilio/signature.hpp"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <fmt/format.h>

namespace sbc::http {

const char* const k_empty_twiml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response/>";

namespace {

bool is_form(std::string_view content_type) {
    auto semicolon = content_type.find(';');
    return text::iequals(text::trim(content_type.substr(0, semicolon)), "application/x-www-form-urlencoded");
}

// "https://host:8443/prefix" -> {"https", "host:8443", "/prefix"}; an unparsable URL gives empty parts.
struct BaseParts {
    std::string scheme, authority, prefix;
};
BaseParts split_base(const std::string& base) {
    auto sep = base.find("://");
    if (sep == std::string::npos) {
        return {};
    }
    auto slash = base.find('/', sep + 3);
    return {base.substr(0, sep),
            base.substr(sep + 3, slash == std::string::npos ? std::string::npos : slash - sep - 3),
            slash == std::string::npos ? "" : base.substr(slash)};
}

// What a refused signature tells about the configuration: the URLs Twilio may have called, built from the
// configured base URL and the request's Host and X-Forwarded-* headers with either scheme, are tried; the
// one that matches is the URL Twilio signed. Only on the refusal path, a handful of HMACs.
metrics::SignatureFailure explain_failure(const std::string& token, const std::string& configured,
                                          const std::string& expected_base, const WebhookRequest& req,
                                          const FormParams& params) {
    metrics::SignatureFailure f;
    f.at_ms = time_format::now_ms();
    f.base_url = configured;
    f.expected_url = expected_base + req.target;
    f.host = req.host.substr(0, 200);
    f.forwarded_proto = req.forwarded_proto.substr(0, 20);
    f.forwarded_host = req.forwarded_host.substr(0, 200);
    auto parts = split_base(expected_base);
    std::vector<std::string> hosts = {parts.authority, req.host, req.forwarded_host};
    std::vector<std::string> prefixes = {parts.prefix, ""};
    for (const char* scheme : {"https", "http"}) {
        for (const auto& host : hosts) {
            for (const auto& prefix : prefixes) {
                if (host.empty()) {
                    continue;
                }
                std::string candidate = std::string(scheme) + "://" + host + prefix + req.target;
                if (candidate != f.expected_url &&
                    twilio::validate_form_request(token, candidate, params, req.signature)) {
                    f.signed_url = candidate;
                    return f;
                }
            }
        }
    }
    return f;
}

HttpReply twiml_ok() {
    return HttpReply{200, "text/xml", k_empty_twiml};
}

} // namespace

WebhookHandler::WebhookHandler(const config::Live& config, pipeline::Pipeline& pipeline, store::Store& store,
                               metrics::Counters& counters)
    : m_config(config), m_pipeline(pipeline), m_store(store), m_counters(counters) {}

HttpReply WebhookHandler::reject(const std::string& reason, int status, const std::string& message) {
    m_counters.rejected(reason);
    log_warn("http", "webhook rejected ({}): {}", reason, message);
    return HttpReply{status, "text/plain; charset=utf-8", message + "\n"};
}

bool WebhookHandler::verified(const WebhookRequest& req, FormParams& params, HttpReply& reply) {
    auto config = m_config.get();
    if (req.too_large) {
        reply = reject("too-large", 413,
                       fmt::format("request body is larger than {} bytes (http.max_body_bytes)",
                                   config->max_body_bytes));
        return false;
    }
    if (!is_form(req.content_type)) {
        reply = reject("content-type", 415,
                       fmt::format("expected Content-Type application/x-www-form-urlencoded, got '{}'",
                                   req.content_type.substr(0, 100)));
        return false;
    }
    auto parsed = parse_form(req.body);
    if (!parsed) {
        reply = reject("malformed", 400, "malformed form body: " + parsed.error().message);
        return false;
    }
    for (const auto& [name, value] : parsed->pairs) {
        if (!text::is_valid_utf8(name) || !text::is_valid_utf8(value)) {
            reply = reject(
                "invalid-utf8", 400,
                fmt::format("parameter '{}' is not valid UTF-8", text::is_valid_utf8(name) ? name : "?"));
            return false;
        }
    }
    if (!config->insecure_skip_signature_check) {
        if (config->twilio_auth_token.empty()) {
            reply =
                reject("signature", 403, "cannot verify X-Twilio-Signature: TWILIO_AUTH_TOKEN is not set");
            return false;
        }
        std::string base =
            config->webhook_base_url.empty() ? req.scheme + "://" + req.host : config->webhook_base_url;
        auto valid = twilio::validate_form_request(config->twilio_auth_token, base + req.target, *parsed,
                                                   req.signature);
        if (!valid) {
            if (valid.error().code == twilio::k_signature_mismatch) {
                m_counters.signature_failures.record(
                    explain_failure(config->twilio_auth_token, config->webhook_base_url, base, req, *parsed));
            }
            reply = reject("signature", 403, "invalid X-Twilio-Signature: " + valid.error().message);
            return false;
        }
    }
    params = std::move(*parsed);
    return true;
}

HttpReply WebhookHandler::inbound(const WebhookRequest& req) {
    auto started = std::chrono::steady_clock::now();
    log::RequestScope request(log::new_request_id()); // until the MessageSid is known
    FormParams params;
    HttpReply reply;
    if (!verified(req, params, reply)) {
        return reply;
    }
    // From here on the lines carry the MessageSid, as do the sender's lines about the reply.
    log::RequestScope message(std::string(params.first("MessageSid").value_or(log::new_request_id())));
    for (const char* name : {"MessageSid", "From", "To"}) {
        if (!params.first(name) || params.first(name)->empty()) {
            return reject("missing-field", 400, fmt::format("required parameter {} is missing", name));
        }
    }
    auto from = phone::normalize(*params.first("From"));
    auto to = phone::normalize(*params.first("To"));
    if (!from || !to) {
        return reject("bad-number", 400, "From/To: " + (!from ? from.error().message : to.error().message));
    }
    pipeline::Inbound in;
    in.sid = std::string(*params.first("MessageSid"));
    in.from = *from;
    in.to = *to;
    in.body = std::string(params.first("Body").value_or(""));
    in.profile_name = std::string(params.first("ProfileName").value_or(""));
    in.received_at_ms = time_format::now_ms();
    auto media = params.first("NumMedia").value_or("0");
    std::from_chars(media.data(), media.data() + media.size(), in.num_media);
    for (int n = 0; n < std::min(in.num_media, pipeline::k_max_media); ++n) {
        auto url = params.first(fmt::format("MediaUrl{}", n));
        if (!url || url->empty()) {
            continue;
        }
        in.media.push_back({std::string(*url),
                            std::string(params.first(fmt::format("MediaContentType{}", n)).value_or(""))});
    }

    auto outcome = m_pipeline.handle(in);
    if (!outcome) {
        m_counters.rejected("store");
        log_error("http", "message {} not stored: {}", in.sid, outcome.error().message);
        return HttpReply{503, "text/plain; charset=utf-8",
                         "storage unavailable: the message was not stored; retry later\n"};
    }
    if (outcome->kind == pipeline::Outcome::Kind::unknown_number) {
        return reject("unknown-number", 404,
                      fmt::format("no business is registered on {} (sbcctl business register --number {})",
                                  in.to, in.to));
    }
    if (outcome->kind == pipeline::Outcome::Kind::duplicate) {
        m_counters.webhooks_duplicate++;
        log_debug("http", "duplicate webhook for {} ignored", in.sid);
        return twiml_ok();
    }
    m_counters.webhooks_received++;
    m_counters.last_received_ms = in.received_at_ms;
    m_counters.answer_latency.observe(
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    if (outcome->kind == pipeline::Outcome::Kind::deferred) {
        // Counted by business and kind once handled (InboxDrain).
        log_debug("http", "message {} from {} to {} stored in the inbox, handled next", in.sid, in.from,
                  in.to);
        return twiml_ok();
    }
    m_counters.business_message(outcome->business_id, outcome->classification);
    log_debug("http", "message {} from {} to {}: {}, {} repl{}", in.sid, in.from, outcome->business_id,
              outcome->classification, outcome->replies.size(), outcome->replies.size() == 1 ? "y" : "ies");
    return twiml_ok();
}

HttpReply WebhookHandler::status(const WebhookRequest& req) {
    log::RequestScope request(log::new_request_id());
    FormParams params;
    HttpReply reply;
    if (!verified(req, params, reply)) {
        return reply;
    }
    auto sid = params.first("MessageSid");
    auto status = params.first("MessageStatus");
    if (!sid || sid->empty() || !status || status->empty()) {
        return reject("missing-field", 400, "required parameters MessageSid and MessageStatus");
    }
    std::optional<int> code;
    if (auto raw = params.first("ErrorCode"); raw && !raw->empty()) {
        int value = 0;
        if (std::from_chars(raw->data(), raw->data() + raw->size(), value).ec == std::errc()) {
            code = value;
        }
    }
    auto now = time_format::now_ms();
    std::string s(*sid), st(*status);
    auto applied = m_store.write(
        [&](store::Database& db) -> Result<bool> { return store::apply_status(db, s, st, code, now); });
    if (!applied) {
        m_counters.rejected("store");
        log_error("http", "status {} for {} not stored: {}", st, s, applied.error().message);
        return HttpReply{503, "text/plain; charset=utf-8",
                         "storage unavailable: the status was not stored; retry later\n"};
    }
    m_counters.status_callbacks++;
    log_debug("http", "status {} for {}{}", st, s, *applied ? "" : " (duplicate)");
    return twiml_ok();
}

} // namespace sbc::http
