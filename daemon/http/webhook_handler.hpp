#pragma once
// Twilio's two webhooks: inbound messages and delivery status callbacks. Transport-free: the HTTP server
// hands over what it read (raw target, headers, body) and sends back what this returns, so tests can call it
// directly. Order of checks: size, content type, form syntax, UTF-8, signature, required fields; any failure
// is counted under its reason and stores nothing.

#include <string>

namespace sbc::config {
class Live;
}
namespace sbc::pipeline {
class Pipeline;
}
namespace sbc::store {
class Store;
}
namespace sbc::metrics {
class Counters;
}

namespace sbc::http {

struct FormParams;

struct WebhookRequest {
    std::string target;          // raw path and query, as sent
    std::string host;            // Host header, used only when WEBHOOK_BASE_URL is not set
    std::string scheme = "http"; // how sbcd itself was reached ("https" when it serves TLS)
    std::string forwarded_proto; // X-Forwarded-Proto and X-Forwarded-Host, only to explain a refused
    std::string forwarded_host;  // signature (sbcctl webhook check); never trusted for the check itself
    std::string content_type;    // Content-Type header
    std::string signature;       // X-Twilio-Signature header
    std::string body;
    bool too_large = false; // the body was cut at the limit
};

struct HttpReply {
    int status = 200;
    std::string content_type = "text/xml";
    std::string body;
};

// The empty TwiML answer: "received, no reply here" (replies go through the REST API).
extern const char* const k_empty_twiml;

class WebhookHandler {
  public:
    WebhookHandler(const config::Live& config, pipeline::Pipeline& pipeline, store::Store& store,
                   metrics::Counters& counters);

    // POST /webhooks/twilio/whatsapp
    HttpReply inbound(const WebhookRequest& request);
    // POST /webhooks/twilio/status
    HttpReply status(const WebhookRequest& request);

  private:
    // The verified form parameters, or false with `reply` set to the error answer.
    bool verified(const WebhookRequest& request, FormParams& params, HttpReply& reply);
    HttpReply reject(const std::string& reason, int status, const std::string& message);

    const config::Live& m_config;
    pipeline::Pipeline& m_pipeline;
    store::Store& m_store;
    metrics::Counters& m_counters;
};

} // namespace sbc::http
