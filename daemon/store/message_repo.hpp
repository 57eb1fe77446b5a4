#pragma once
// The message log and the outbox. An outbound message is written together with its outbox row; the sender
// claims due rows, posts them, and records the outcome here. Status callbacks update outbound messages
// monotonically.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

struct Message {
    std::int64_t id = 0;
    std::optional<std::int64_t> business_rowid;
    std::string direction; // "in" or "out"
    std::optional<std::string> message_sid;
    std::string customer;   // the other party, E.164
    std::string our_number; // E.164
    std::string body;
    std::string
        kind; // in: question, owner-command, opt-out, opt-in, menu-choice, ...; out: answer, fallback, ...
    std::string
        status; // in: received; out: pending, queued, sent, delivered, read, failed, undelivered, dead, ...
    std::optional<int> error_code;
    std::optional<std::string> error_message;
    std::optional<std::int64_t> reply_to;
    std::optional<std::int64_t> entry_number;
    std::optional<double> score;
    std::optional<std::string> content_sid;
    std::optional<std::string> content_vars;
    // An attachment sent with the reply: its public path ("/media/<token>.<ext>"); the sender puts the
    // configured public base URL in front, so a changed base URL applies to rows already queued.
    std::optional<std::string> media_path;
    std::int64_t attempts = 0; // send attempts so far
    bool ambiguous = false; // an attempt may have reached Twilio without our hearing back: a copy is possible
    std::int64_t created_at = 0;
    std::int64_t updated_at = 0;
    std::optional<std::int64_t> sent_at;
};

// Inserts an inbound message; nullopt when its MessageSid is already stored (a retried webhook).
std::optional<std::int64_t> insert_inbound(Database& db, Message& message);
// Inserts an outbound message. With `queue` it also gets an outbox row due now; without, it is only logged
// (refused, test) with the status it carries. `after_message` keeps the parts of a long reply in order: the
// row is not sent before that message has left the outbox. Without it, a queued message waits behind the
// latest message to the same person that is still in the outbox, so that a conversation's messages reach
// Twilio in the order they were written, a retried one included.
std::int64_t insert_outbound(Database& db, Message& message, bool queue,
                             std::optional<std::int64_t> after_message = std::nullopt);

struct Claim {
    std::int64_t outbox_id = 0;
    std::int64_t attempts = 0; // including this one
    bool ambiguous = false;    // an earlier attempt may have reached Twilio
    Message message;
    // The MessageSid of the inbound message it answers, when the claim's writer knew it (the webhook's own
    // transaction): the sender's log lines carry it without a read. Empty: the sender looks it up.
    std::string request_id;
};

// Marks up to `limit` due rows as being sent (leased until now + lease_ms, so a crash leaves them to
// recovery) and returns them.
std::vector<Claim> claim_due(Database& db, std::int64_t now_ms, int limit, std::int64_t lease_ms);
// Claims the outbox rows of messages queued in this same transaction, so the sender can post them as soon as
// it commits, without a claim commit of its own (one fsync per reply instead of two). The later parts of a
// split reply are left for claim_due: they wait for their predecessor.
std::vector<Claim> claim_queued(Database& db, const std::vector<Message>& queued, std::int64_t now_ms,
                                std::int64_t lease_ms);
// Returns a claim that was never posted to the queue, as if it had not been claimed (clean shutdown).
void release_claim(Database& db, const Claim& claim);
// The earliest next_attempt_at of a pending row, if any.
std::optional<std::int64_t> next_due(Database& db);
// Rows left 'sending' by a crash: back to pending, due now, flagged ambiguous. Returns how many.
int recover_in_flight(Database& db, std::int64_t now_ms);
std::int64_t outbox_depth(Database& db);
std::optional<std::int64_t> oldest_pending_created_at(Database& db);

void record_sent(Database& db, const Claim& claim, const std::string& sid, const std::string& status,
                 std::int64_t now_ms);
void record_retry(Database& db, const Claim& claim, std::int64_t next_at_ms, const std::string& error,
                  bool ambiguous);
// The final failure of a message: `status` is "failed" (Twilio refused) or "dead" (we gave up).
void record_failed(Database& db, const Claim& claim, const std::string& status, int error_code,
                   const std::string& error, std::int64_t now_ms);
// Marks a message as dry-run (no credentials): logged as sent nowhere.
void record_dry_run(Database& db, const Claim& claim, std::int64_t now_ms);

// Records a status callback and applies it to the message with that SID when it is known and the new status
// is further along; returns false for an exact duplicate callback.
bool apply_status(Database& db, const std::string& sid, const std::string& status,
                  std::optional<int> error_code, std::int64_t now_ms);
// How far along a status is; failed/undelivered/canceled are terminal (highest).
int status_rank(std::string_view status);

std::optional<Message> find_message(Database& db, std::int64_t id);
std::optional<Message> find_message_by_sid(Database& db, std::string_view sid);
// The customer's last question to the business before their message `before_id`, if it came at `since_ms` or
// later.
std::optional<Message> last_question(Database& db, std::int64_t business_rowid, const std::string& customer,
                                     std::int64_t before_id, std::int64_t since_ms);
// Whether a message with this MessageSid is stored (cheaper than reading it).
bool message_sid_stored(Database& db, std::string_view sid);
// Outbound messages written in reply to an inbound one, in order.
std::vector<Message> replies_to(Database& db, std::int64_t inbound_id);

struct LogFilter {
    std::optional<std::int64_t> business_rowid;
    std::optional<std::string> customer;
    std::optional<std::int64_t> since_ms;
    std::int64_t after_id = 0;
    int limit = 50;
    bool newest_first = true;
};
std::vector<Message> list_messages(Database& db, const LogFilter& filter);
std::int64_t last_message_id(Database& db);
// The Twilio MessageSid of a stored message (an inbound one's ties its replies to it in the log).
std::optional<std::string> message_sid_of(Database& db, std::int64_t message_id);

} // namespace sbc::store
