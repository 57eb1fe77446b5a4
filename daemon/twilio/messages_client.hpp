#pragma once
// The REST sender: one POST to Twilio's Messages API per outbound WhatsApp message, and a verdict the outbox
// can act on (sent, retry later, give up, or "Twilio may have it": the ambiguous case that must not be
// blindly retried, since creating a message is not idempotent).

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbc::twilio {

// One message to send. Addresses are E.164 ("+15551234567"); "whatsapp:" is added on the wire.
struct OutboundMessage {
    std::string to;
    std::string from;
    std::string body;
    std::vector<std::string> media_urls;          // each sent as a repeated MediaUrl field
    std::optional<std::string> status_callback;   // StatusCallback URL
    std::optional<std::string> content_sid;       // a template (HX...); then Body and MediaUrl are not sent
    std::optional<std::string> content_variables; // JSON string such as {"1":"Bob"}, with content_sid only
    std::optional<std::string> idempotency_token; // sent as I-Twilio-Idempotency-Token
};

// What became of one send attempt.
struct SendOutcome {
    enum class Kind {
        sent,      // Twilio accepted it: sid and status are set
        retry,     // Twilio did not process it (429, 5xx, could not connect): safe to send again later
        permanent, // Twilio refused it for good (invalid number, opted out, bad credentials, other 4xx)
        ambiguous, // the request went out but no answer came back: Twilio may or may not have accepted it
    };
    Kind kind = Kind::retry;
    std::string sid;
    std::string status;                         // e.g. "queued", "accepted"
    int http_status = 0;                        // 0 when no HTTP answer arrived
    int error_code = 0;                         // Twilio's error code, 0 if none
    std::string error_message;                  // never contains the auth token
    std::optional<std::int64_t> retry_after_ms; // from a Retry-After header (seconds or HTTP-date)
};

// The name of an outcome kind for logs and the store: "sent", "retry", "permanent", "ambiguous".
const char* kind_name(SendOutcome::Kind kind);

// True for the codes that mean the recipient opted out (21610 STOP, 63014 blocked): mark the customer, send
// no more.
bool is_opt_out_code(int twilio_code);

// Sends messages through one reused libcurl handle (so keep-alive and TLS sessions are reused). Not
// thread-safe: one client per sender thread.
class MessagesClient {
  public:
    struct Config {
        std::string api_base_url = "https://api.twilio.com";
        std::string account_sid;
        std::string auth_token;
        long timeout_ms = 15000;
        long connect_timeout_ms = 5000;
    };

    // Initialises libcurl once per process. Throws std::runtime_error when libcurl cannot create a handle
    // (a start-up failure, not an expected one).
    explicit MessagesClient(Config config);
    ~MessagesClient();
    MessagesClient(MessagesClient&&) noexcept;
    MessagesClient& operator=(MessagesClient&&) noexcept;
    MessagesClient(const MessagesClient&) = delete;
    MessagesClient& operator=(const MessagesClient&) = delete;

    // POSTs the message to {base}/2010-04-01/Accounts/{sid}/Messages.json and classifies the answer. Never
    // throws for network or Twilio errors: they are outcomes. Input that cannot be sent (no To/From, no Body,
    // media or template) comes back as permanent without contacting Twilio.
    SendOutcome send(const OutboundMessage& message);

    // The URL messages are posted to (no credentials in it).
    const std::string& messages_url() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sbc::twilio
