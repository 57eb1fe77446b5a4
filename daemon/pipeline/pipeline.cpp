#include "daemon/pipeline/pipeline.hpp"

#include "common/protocol.hpp"
#include "common/text.hpp"
#include "common/time_format.hpp"
#include "daemon/answer/answerer.hpp"
#include "daemon/answer/message_split.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/import/document.hpp"
#include "daemon/log/log.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/media/media_types.hpp"
#include "daemon/pipeline/escalation.hpp"
#include "daemon/pipeline/handoff_notice.hpp"
#include "daemon/pipeline/keywords.hpp"
#include "daemon/pipeline/owner_commands.hpp"
#include "daemon/pipeline/rating.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/customer_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/media_repo.hpp"
#include "daemon/store/satisfaction_repo.hpp"
#include "daemon/store/stats_repo.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/usage_repo.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <iterator>
#include <stdexcept>

namespace sbc::pipeline {
namespace {

using store::Business;
using store::Database;
using store::Message;

constexpr std::int64_t k_hour_ms = 3'600'000;
constexpr std::int64_t k_window_ms = 24 * k_hour_ms;
// The rating question goes out only while this much of the customer's 24-hour window is left, so that it
// reaches Twilio inside the window even behind a queue of replies.
constexpr std::int64_t k_survey_margin_ms = 10 * 60 * 1000;
// Conversations asked about in one transaction; the rest wait for the next round.
constexpr int k_survey_batch = 50;
// A burst's webhooks in hand dip under http.defer_after for a moment after every group commit, when all its
// callers are released at once; the burst counts as over only once none was deferred for this long.
constexpr std::int64_t k_burst_quiet_ms = 20;

std::int64_t steady_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

// What one message leads to, built up while it is classified, then written.
struct Plan {
    Outcome outcome;
    std::optional<answer::Answer> answer;
};

// The state needed to write one message, shared by the steps below.
struct Step {
    Database& db;
    const config::Config& config;
    const Inbound& in;
    Outcome& outcome;
    bool queued = false; // something was put in the outbox
};

// Writes a reply (split into ordered parts when long) to `to` from our number. Test messages are only logged.
void reply(Step& st, const std::optional<Business>& business, const std::string& to, const std::string& text,
           const std::string& kind, std::optional<std::int64_t> entry = {}, std::optional<double> score = {},
           std::optional<std::string> refused = {}, std::optional<std::string> media_path = {}) {
    std::optional<std::int64_t> previous;
    for (auto& part : answer::split_message(text)) {
        Message m;
        m.business_rowid = business ? std::optional(business->rowid) : std::nullopt;
        m.customer = to;
        m.our_number = st.in.to;
        m.body = std::move(part);
        m.kind = kind;
        if (st.outcome.message_id != 0) {
            m.reply_to = st.outcome.message_id;
        }
        m.entry_number = entry;
        m.score = score;
        m.created_at = st.in.received_at_ms;
        bool queue = !st.in.test && !refused;
        m.status = st.in.test ? "test" : (refused ? "refused" : "pending");
        m.error_message = refused;
        // The attachment goes with the first part, so the customer sees it next to the answer's start.
        if (!previous) {
            m.media_path = media_path;
        }
        store::insert_outbound(st.db, m, queue, previous);
        previous = m.id;
        st.queued = st.queued || queue;
        st.outcome.replies.push_back(std::move(m));
    }
}

// The public path of the attachment of the entry a built-in answer came from, if it has one.
std::optional<std::string> attachment_path(Database& db, const Business& b, std::string_view kind,
                                           std::optional<std::int64_t> entry_number) {
    if (kind != "answer" || !entry_number) {
        return std::nullopt;
    }
    auto attachment = store::find_attachment_of_entry(db, b.rowid, *entry_number);
    if (!attachment) {
        return std::nullopt;
    }
    return store::public_path(*attachment);
}

// Tells the owner about a question the knowledge base could not answer, inside the owner's 24-hour window or
// through the configured template; otherwise the notice is logged as refused with the reason.
void notify_owner(Step& st, const Business& b, const std::string& question,
                  const std::vector<std::int64_t>& closest, const std::string& then = {}) {
    auto n =
        store::open_handoff(st.db, b.rowid, st.in.from, question,
                            st.outcome.message_id != 0 ? std::optional(st.outcome.message_id) : std::nullopt,
                            st.in.received_at_ms);
    std::string text = handoff_notice(st.db, b, st.in.from, question, n, closest, then);
    auto owner = store::find_customer(st.db, b.rowid, b.owner);
    bool inside =
        owner && owner->last_inbound_at && *owner->last_inbound_at > st.in.received_at_ms - k_window_ms;
    if (inside || st.in.test) {
        reply(st, b, b.owner, text, "owner-notify");
        return;
    }
    if (!st.config.notify_template_sid.empty()) {
        Message m;
        m.business_rowid = b.rowid;
        m.customer = b.owner;
        m.our_number = st.in.to;
        m.body = text;
        m.kind = "owner-notify";
        m.reply_to = st.outcome.message_id;
        m.content_sid = st.config.notify_template_sid;
        m.content_vars = nlohmann::json{{"1", question.substr(0, 900)}}.dump();
        m.status = "pending";
        m.created_at = st.in.received_at_ms;
        store::insert_outbound(st.db, m, true);
        st.queued = true;
        st.outcome.replies.push_back(std::move(m));
        return;
    }
    reply(
        st, b, b.owner, text, "owner-notify", {}, {},
        "outside the owner's 24-hour window and no twilio.notify_template_sid is configured: the owner must "
        "message the business number first");
}

// The inbound message itself. process() has already answered a stored MessageSid as a duplicate, and writes
// are serial, so a conflict here is a bug: throwing rolls this message back and Twilio retries it.
void record_inbound(Step& st, const std::optional<Business>& business, const std::string& kind) {
    Message m;
    m.business_rowid = business ? std::optional(business->rowid) : std::nullopt;
    m.message_sid = st.in.sid;
    m.customer = st.in.from;
    m.our_number = st.in.to;
    m.body = st.in.body;
    m.kind = kind;
    m.status = "received";
    m.created_at = st.in.received_at_ms;
    auto id = store::insert_inbound(st.db, m);
    if (!id) {
        throw std::logic_error("MessageSid " + st.in.sid + " was stored while it was being processed");
    }
    st.outcome.message_id = *id;
    st.outcome.classification = kind;
    if (business) {
        st.outcome.business_id = business->id;
        // Only a real message opens the 24-hour window: a send-test must not let `send` reach a customer who
        // never wrote (Twilio would refuse it with 63016 anyway).
        if (!st.in.test) {
            store::touch_customer(st.db, business->rowid, st.in.from, st.in.profile_name,
                                  st.in.received_at_ms);
        }
    }
}

// A media row per file the message carried, pending for the downloader; a type outside the allow-list is
// recorded as failed at once (nothing is fetched), so the log says why.
void record_media(Step& st, const Business& b) {
    int position = 0;
    for (const auto& item : st.in.media) {
        store::Media m;
        m.message_id = st.outcome.message_id;
        m.business_rowid = b.rowid;
        m.position = position++;
        m.url = item.url;
        m.content_type = media::normalise_type(item.content_type);
        m.created_at = st.in.received_at_ms;
        m.next_attempt_at = st.in.received_at_ms;
        bool web = item.url.rfind("https://", 0) == 0 || item.url.rfind("http://", 0) == 0;
        if (!media::extension_for(m.content_type) || !web) {
            m.state = "failed";
            m.last_error = !web ? std::string("the media URL is not http(s)")
                                : fmt::format("content type '{}' is not allowed (allowed: {})",
                                              m.content_type.substr(0, 100), media::allowed_types());
            store::insert_media(st.db, m);
            store::note_media_failure(st.db, st.outcome.message_id, true,
                                      fmt::format("media {} refused: {}", m.position, *m.last_error),
                                      st.in.received_at_ms);
            log_warn("media", "message {} media {} refused: {}", st.in.sid, m.position, *m.last_error);
            continue;
        }
        store::insert_media(st.db, m);
        st.outcome.media_queued++;
    }
}

std::string menu_text(const std::vector<Business>& choices) {
    std::string text = "Welcome! Who would you like to talk to?";
    for (std::size_t i = 0; i < choices.size(); ++i) {
        text += fmt::format("\nReply {} for {}", i + 1, choices[i].name);
    }
    text += "\n(Send \"menu\" at any time to see this again.)";
    return text;
}

// True when `from` has sent `limit` or more messages of `kind` to this business in the last hour (0: no
// limit, and nothing is counted).
bool customer_over(Step& st, const Business& b, std::string_view kind, int limit) {
    return limit > 0 && store::count_inbound(st.db, b.rowid, st.in.from, kind,
                                             st.in.received_at_ms - k_hour_ms, limit) >= limit;
}

// True when the owner has sent too many commands this hour; the owner hears so once per hour.
bool owner_rate_limited(Step& st, const Business& b) {
    return customer_over(st, b, "owner-command", st.config.rate_owner_per_hour);
}

void handle_owner(Step& st, Business b) {
    auto command = parse_owner_command(st.in.body);
    bool limited = command && owner_rate_limited(st, b);
    record_inbound(st, b, limited ? "rate-limited" : (command ? "owner-command" : "owner-message"));
    if (limited) {
        auto customer = store::find_customer(st.db, b.rowid, st.in.from);
        if (!customer || !customer->rate_notice_at ||
            *customer->rate_notice_at <= st.in.received_at_ms - k_hour_ms) {
            store::set_rate_notice(st.db, b.rowid, st.in.from, st.in.received_at_ms);
            reply(st, b, st.in.from,
                  fmt::format("You have sent {} commands this hour, the limit. Please try again later.",
                              st.config.rate_owner_per_hour),
                  "rate-notice");
        }
        return;
    }
    if (!command) {
        reply(st, b, st.in.from,
              fmt::format(
                  "Hi! You are the owner of {}. Send !help for your commands. (To see what customers get, "
                  "use sbcctl send-test or another phone.)",
                  b.name),
              "owner-reply");
        return;
    }
    OwnerContext ctx{st.db, b, "owner:" + st.in.from, {}, {}};
    // !reply and !answer: the owner's text goes to the customer through the bot, in this transaction.
    ctx.send_to_customer = [&st, &b](const std::string& customer, const std::string& text,
                                     std::optional<std::int64_t> entry) -> std::string {
        auto c = store::find_customer(st.db, b.rowid, customer);
        if (c && c->opted_out) {
            return fmt::format("{} opted out (they must send START first); nothing was sent.", customer);
        }
        if (!c || !c->last_inbound_at || *c->last_inbound_at <= st.in.received_at_ms - k_window_ms) {
            return fmt::format("{} has not written in the last 24 hours, so WhatsApp does not let me send "
                               "them a free text; nothing was sent.",
                               customer);
        }
        reply(st, b, customer, text, "owner-answer", entry, {}, {},
              attachment_path(st.db, b, "answer", entry));
        return {};
    };
    reply(st, b, st.in.from, run_owner_command(ctx, *command), "owner-reply");
    st.outcome.removed_files = std::move(ctx.removed_files);
}

// Tells the owner something inside their 24-hour window; outside it the notice is only logged as refused.
void tell_owner(Step& st, const Business& b, const std::string& text, const std::string& kind) {
    auto owner = store::find_customer(st.db, b.rowid, b.owner);
    bool inside =
        owner && owner->last_inbound_at && *owner->last_inbound_at > st.in.received_at_ms - k_window_ms;
    if (inside || st.in.test) {
        reply(st, b, b.owner, text, kind);
        return;
    }
    reply(st, b, b.owner, text, kind, {}, {},
          "outside the owner's 24-hour window: the owner must message the business number first");
}

// A customer's photo, voice message or file: stored (the downloader fetches it), answered with the business's
// media answer, and the owner is told when the business asked for it. rate.media_per_hour bounds how many a
// customer may send; past it the message is logged and nothing is fetched.
void handle_customer_media(Step& st, const Business& b) {
    auto customer = store::find_customer(st.db, b.rowid, st.in.from);
    if (customer && customer->opted_out) {
        record_inbound(st, b, "ignored-opted-out");
        return;
    }
    if (customer_over(st, b, "media", st.config.rate_media_per_hour)) {
        record_inbound(st, b, "rate-limited");
        if (!customer || !customer->rate_notice_at ||
            *customer->rate_notice_at <= st.in.received_at_ms - k_hour_ms) {
            store::set_rate_notice(st.db, b.rowid, st.in.from, st.in.received_at_ms);
            reply(st, b, st.in.from,
                  "You have sent us a lot of files in the last hour. Please send more a little later.",
                  "rate-notice");
        }
        return;
    }
    record_inbound(st, b, "media");
    record_media(st, b);
    if (b.paused) {
        return;
    }
    auto settings = store::media_settings(st.db, b.rowid);
    std::string what = media::kind_in_words(st.in.media.front().content_type);
    std::string answer =
        settings.reply.empty() ? fmt::format("Thanks, we received your {}.", what) : settings.reply;
    reply(st, b, st.in.from, answer, "media-reply");
    if (settings.notify_owner) {
        std::string caption = st.in.body.empty() ? "" : fmt::format(" with the text \"{}\"", st.in.body);
        tell_owner(st, b,
                   fmt::format("A customer ({}) sent {} a {}{} ({} file{}). sbcctl media list --business {} "
                               "shows it.",
                               st.in.from, b.name, what, caption, st.in.media.size(),
                               st.in.media.size() == 1 ? "" : "s", b.id),
                   "owner-notify");
    }
}

// Why an owner's files cannot become knowledge, or nullopt when every one can: documents (text, Markdown,
// CSV, PDF) and photos with a caption. Checked on the declared types, before anything is fetched.
std::optional<std::string> owner_upload_problem(const Inbound& in) {
    for (const auto& item : in.media) {
        auto type = media::normalise_type(item.content_type);
        if (import::kind_for_type(type)) {
            continue;
        }
        if (type == "image/jpeg" || type == "image/png" || type == "image/webp") {
            if (text::trim(in.body).empty()) {
                return std::string("To add a photo to the knowledge base, send it again with a caption: the "
                                   "caption becomes the entry, and customers whose question it answers get "
                                   "the photo with it.");
            }
            continue;
        }
        return fmt::format(
            "I can add text (.txt), Markdown, CSV and PDF documents, and photos with a caption, to "
            "the knowledge base; a {} ({}) is none of those. Save it as PDF or text and send "
            "that.",
            media::kind_in_words(type), type.substr(0, 100));
    }
    return std::nullopt;
}

// The owner's documents and captioned photos: stored like customers' media (kind owner-media, which retention
// keeps) and made into knowledge entries by OwnerUploads once downloaded, off this thread; the owner hears
// the outcome then. rate.media_per_hour bounds them as it does customers' files.
void handle_owner_media(Step& st, const Business& b) {
    if (customer_over(st, b, "owner-media", st.config.rate_media_per_hour)) {
        record_inbound(st, b, "rate-limited");
        reply(st, b, st.in.from,
              fmt::format("You have sent {} file{} in the last hour, the most I take (rate.media_per_hour). "
                          "Send this one again a little later.",
                          st.config.rate_media_per_hour, st.config.rate_media_per_hour == 1 ? "" : "s"),
              "owner-reply");
        return;
    }
    if (auto problem = owner_upload_problem(st.in)) {
        record_inbound(st, b, "owner-message");
        reply(st, b, st.in.from, *problem, "owner-reply");
        return;
    }
    record_inbound(st, b, "owner-media");
    record_media(st, b);
}

// Opt-out and opt-in keywords; true when the message was one (and has been fully handled).
bool handle_keyword(Step& st, const Business& b, Keyword keyword) {
    auto customer = store::find_customer(st.db, b.rowid, st.in.from);
    bool was_out = customer && customer->opted_out;
    record_inbound(st, b, keyword == Keyword::stop ? "opt-out" : "opt-in");
    if (keyword == Keyword::stop) {
        store::set_opted_out(st.db, b.rowid, st.in.from, true);
        if (!was_out) {
            reply(
                st, b, st.in.from,
                fmt::format("You will get no more messages from {}. Send START to change your mind.", b.name),
                "opt-out-confirm");
        }
    } else {
        store::set_opted_out(st.db, b.rowid, st.in.from, false);
        reply(st, b, st.in.from,
              was_out ? fmt::format("Welcome back! {} will answer your messages again.", b.name)
                      : fmt::format("You are subscribed to {}. Ask us anything.", b.name),
              "opt-in-confirm");
    }
    return true;
}

// The daemon-wide limit on questions answered per hour (the seed's "global" limit).
bool global_rate_limited(Step& st) {
    int limit = st.config.rate_global_per_hour;
    return limit > 0 &&
           store::count_all_inbound(st.db, "question", st.in.received_at_ms - k_hour_ms, limit) >= limit;
}

// Whether the business's questions are answered by the built-in answerer alone: not with an LLM, and not
// with retrieval by embeddings (the question's embedding is a network call).
bool builtin_lane(Database& db, const config::Config& config, const Business& b) {
    return !config.vector_retrieval() && !(config.llm_configured() && store::ai_settings(db, b.rowid).llm);
}

// Questions whose answer may wait for a provider go to the provider lane's workers.
AnswerLane lane_for(Step& st, const Business& b) {
    return builtin_lane(st.db, st.config, b) ? AnswerLane::builtin : AnswerLane::provider;
}

// The answer to a rating question waiting for one ("4", "4 stars", "⭐⭐⭐⭐"): stored and thanked for, not
// treated as a question. Anything else is a question as usual (and ends the wait, see note_question).
bool handle_rating(Step& st, const Business& b) {
    if (st.in.test) {
        return false;
    }
    auto asked_at = store::pending_survey(st.db, b.rowid, st.in.from);
    if (!asked_at) {
        return false;
    }
    auto rating = parse_rating(st.in.body);
    if (!rating) {
        return false;
    }
    record_inbound(st, b, "rating");
    st.outcome.classification = "rating";
    store::record_rating(st.db, b.rowid, st.in.from, *rating, st.outcome.message_id, *asked_at,
                         st.in.received_at_ms);
    reply(st, b, st.in.from, fmt::format("Thank you for your rating ({}/5)!", *rating), "rating-thanks");
    return true;
}

// "can I talk to a person", "that's not what I asked" (escalation.hpp): the customer's last question of the
// past hour (or this message, when there is none) goes to the owner as a hand-off, with the entries closest
// to it, and the customer gets the fallback text that says so.
void escalate(Step& st, const Business& b) {
    auto previous = store::last_question(st.db, b.rowid, st.in.from, st.outcome.message_id,
                                         st.in.received_at_ms - k_hour_ms);
    std::string question = previous ? previous->body : st.in.body;
    std::vector<std::int64_t> closest;
    if (previous) {
        closest =
            answer::answer_question(st.db, b, question, st.config.min_confidence_percent / 100.0).closest;
    }
    reply(st, b, st.in.from, b.fallback, "fallback");
    store::record_unanswered(st.db, b.rowid, st.in.from, question, st.outcome.message_id,
                             st.in.received_at_ms);
    notify_owner(st, b, question, closest, previous ? st.in.body : std::string());
}

void handle_question(Step& st, const Business& b, const std::optional<answer::Answer>& precomputed) {
    auto customer = store::find_customer(st.db, b.rowid, st.in.from);
    if (customer && customer->opted_out) {
        record_inbound(st, b, "ignored-opted-out");
        return;
    }
    if (b.paused) {
        record_inbound(st, b, "paused");
        return;
    }
    if (handle_rating(st, b)) {
        return;
    }
    // Over a limit a customer gets one polite notice per hour, then silence until the hour has passed.
    auto since = st.in.received_at_ms - k_hour_ms;
    bool limited =
        global_rate_limited(st) || customer_over(st, b, "question", st.config.rate_customer_per_hour);
    bool escalation = !limited && asks_for_a_person(st.in.body);
    record_inbound(st, b, limited ? "rate-limited" : (escalation ? "escalation" : "question"));
    if (escalation) {
        escalate(st, b);
        return;
    }
    if (limited) {
        if (!customer || !customer->rate_notice_at || *customer->rate_notice_at <= since) {
            store::set_rate_notice(st.db, b.rowid, st.in.from, st.in.received_at_ms);
            reply(
                st, b, st.in.from,
                "You have sent us a lot of questions in the last hour. We will answer again a little later.",
                "rate-notice");
        }
        return;
    }
    if (!st.in.test) {
        store::note_question(st.db, b.rowid, st.in.from, st.in.received_at_ms);
    }
    // Greetings and opening hours come from the settings at once. A built-in answer was composed before this
    // write, on the HTTP worker's reader connection (Pipeline::handle), so that this transaction stores the
    // reply with the message and the sender has it at the commit: one commit between webhook and reply, and
    // the single writer only records. send-test always shows the built-in answer. A question for an LLM (or
    // for retrieval by embeddings, a network call) is answered by an answer worker after this commit: the job
    // is committed with the message, so a crash resumes it.
    // Behind a question of the customer's that an answer worker has not answered yet, this one queues too:
    // answered at once, it would overtake the answer before it.
    std::optional<answer::Answer> now;
    if (st.in.test || !store::answer_job_waiting(st.db, b.rowid, st.in.from)) {
        now = answer::quick_answer(b, st.in.body);
        if (!now && (st.in.test || lane_for(st, b) == AnswerLane::builtin)) {
            now = precomputed;
        }
    }
    if (!now && st.in.test) {
        now = answer::answer_question(st.db, b, st.in.body, st.config.min_confidence_percent / 100.0);
    }
    if (!now) {
        st.outcome.answer_job =
            store::insert_answer_job(st.db, st.outcome.message_id, b.rowid, time_format::now_ms());
        st.outcome.answer_lane = lane_for(st, b);
        st.outcome.answer_customer = st.in.from;
        return;
    }
    const answer::Answer& a = *now;
    st.outcome.entry_number = a.entry_number;
    st.outcome.confidence = a.confidence;
    reply(st, b, st.in.from, a.text, answer::kind_name(a.kind), a.entry_number, a.confidence, {},
          attachment_path(st.db, b, answer::kind_name(a.kind), a.entry_number));
    if (a.kind == answer::Answer::Kind::fallback) {
        store::record_unanswered(st.db, b.rowid, st.in.from, st.in.body, st.outcome.message_id,
                                 st.in.received_at_ms);
        notify_owner(st, b, st.in.body, a.closest);
    }
}

// On a shared number: the business this customer chose, or the menu.
std::optional<Business> route_shared(Step& st, const std::vector<Business>& choices) {
    std::string body = text::ascii_lower(text::trim(st.in.body));
    auto chosen = store::chosen_business(st.db, st.in.to, st.in.from);
    if (body == "menu" || !chosen) {
        std::optional<std::size_t> pick;
        if (!chosen && body.size() <= 3) {
            auto n = leading_number(body);
            if (n && *n >= 1 && static_cast<std::size_t>(*n) <= choices.size()) {
                pick = static_cast<std::size_t>(*n - 1);
            }
        }
        if (pick) {
            const Business& b = choices[*pick];
            record_inbound(st, b, "menu-choice");
            store::choose_business(st.db, st.in.to, st.in.from, b.rowid, st.in.received_at_ms);
            std::string hello = b.greeting.empty() ? "How can we help you?" : b.greeting;
            reply(st, b, st.in.from, fmt::format("You are now talking to {}. {}", b.name, hello),
                  "menu-choice");
            return std::nullopt;
        }
        record_inbound(st, std::nullopt, "menu");
        store::choose_business(st.db, st.in.to, st.in.from, std::nullopt, st.in.received_at_ms);
        reply(st, std::nullopt, st.in.from, menu_text(choices), "menu");
        return std::nullopt;
    }
    for (const auto& b : choices) {
        if (b.rowid == *chosen) {
            return b;
        }
    }
    return std::nullopt;
}

void process(Step& st, const std::optional<answer::Answer>& precomputed, std::int64_t precomputed_for) {
    if (store::message_sid_stored(st.db, st.in.sid)) {
        st.outcome.kind = Outcome::Kind::duplicate;
        return;
    }
    auto on_number = store::businesses_on_number(st.db, st.in.to);
    if (on_number.empty()) {
        st.outcome.kind = Outcome::Kind::unknown_number;
        return;
    }
    for (const auto& b : on_number) {
        if (b.owner == st.in.from && parse_owner_command(st.in.body)) {
            handle_owner(st, b);
            return;
        }
    }
    std::optional<Business> business = on_number.front();
    auto hinted = std::find_if(on_number.begin(), on_number.end(),
                               [&](const Business& b) { return st.in.business_hint == b.id; });
    if (hinted != on_number.end()) {
        business = *hinted;
    } else if (on_number.size() > 1 || on_number.front().shared) {
        business = route_shared(st, on_number);
        if (!business) {
            return; // the menu or a choice was handled
        }
    }
    if (!st.in.media.empty()) {
        if (business->owner == st.in.from) {
            handle_owner_media(st, *business);
        } else {
            handle_customer_media(st, *business);
        }
        return;
    }
    if (auto keyword = detect_keyword(st.in.body)) {
        handle_keyword(st, *business, *keyword);
        return;
    }
    if (business->owner == st.in.from) {
        handle_owner(st, *business);
        return;
    }
    handle_question(st, *business, precomputed_for == business->rowid ? precomputed : std::nullopt);
}

// Whether the sender has room, and how many claims are on their way to it: made by earlier writes (of this
// commit, or of commits whose callers are handing them over) and not handed over yet. Every write of a group
// reads has_room before any of the group's claims reach the sender, so without them a group of answers
// claimed past the sender's bound.
struct SenderRoom {
    const Pipeline::HasRoom& has_room;
    std::atomic<std::size_t>& unhanded;
};

// Claims what this transaction queued (see Pipeline::HandOver); replies that were only logged have no outbox
// row and the later parts of a split reply wait for claim_due. The claims count as unhanded until
// Pipeline::hand_over.
std::vector<store::Claim> claim_for_sender(Database& db, const config::Config& config, const Step& st,
                                           SenderRoom room) {
    if (!st.queued || (room.has_room && !room.has_room(room.unhanded.load()))) {
        return {};
    }
    auto claims = store::claim_queued(db, st.outcome.replies, time_format::now_ms(), config.send_lease_ms());
    room.unhanded += claims.size();
    // The sender's lines about a reply to this webhook carry its MessageSid, as the webhook's own lines do.
    if (!st.in.sid.empty() && st.outcome.message_id != 0) {
        for (auto& claim : claims) {
            if (claim.message.reply_to == st.outcome.message_id) {
                claim.request_id = st.in.sid;
            }
        }
    }
    return claims;
}

// The business a question will be answered for, when it is one the built-in answerer handles (not an owner's
// command, a keyword or media): named by a send-test, the number's only business, or the one the customer
// chose on a shared number.
std::optional<Business> answer_target(Database& db, const Inbound& in) {
    auto on_number = store::businesses_on_number(db, in.to);
    std::optional<Business> target;
    if (on_number.size() == 1 && !on_number.front().shared) {
        target = on_number.front();
    } else if (in.business_hint) {
        for (const auto& b : on_number) {
            if (b.id == *in.business_hint) {
                target = b;
            }
        }
    } else if (!on_number.empty()) {
        if (auto chosen = store::chosen_business(db, in.to, in.from)) {
            for (const auto& b : on_number) {
                if (b.rowid == *chosen) {
                    target = b;
                }
            }
        }
    }
    if (!target || target->owner == in.from || parse_owner_command(in.body) || detect_keyword(in.body) ||
        !in.media.empty()) {
        return std::nullopt;
    }
    return target;
}

// Which writes of a batch committed.
template <typename T>
std::vector<bool> committed(const std::vector<Result<T>>& results) {
    std::vector<bool> out;
    out.reserve(results.size());
    for (const auto& r : results) {
        out.push_back(static_cast<bool>(r));
    }
    return out;
}

store::InboxRow inbox_row_of(const Inbound& in) {
    store::InboxRow row;
    row.message_sid = in.sid;
    row.from = in.from;
    row.to = in.to;
    row.body = in.body;
    row.profile_name = in.profile_name;
    row.num_media = in.num_media;
    for (const auto& m : in.media) {
        row.media.emplace_back(m.url, m.content_type);
    }
    row.received_at = in.received_at_ms;
    return row;
}

Inbound inbound_of(const store::InboxRow& row) {
    Inbound in;
    in.sid = row.message_sid;
    in.from = row.from;
    in.to = row.to;
    in.body = row.body;
    in.profile_name = row.profile_name;
    in.num_media = row.num_media;
    for (const auto& [url, type] : row.media) {
        in.media.push_back({url, type});
    }
    in.received_at_ms = row.received_at;
    return in;
}

// Stores a webhook as it came, to be handled after its acknowledgement (Pipeline::handle_inbox). What the
// acknowledgement itself says is still decided here: a MessageSid seen before is a duplicate, and a number
// no business is on gets 404, so that Twilio's console shows the mistake.
Outcome defer_webhook(Database& db, const Inbound& in) {
    Outcome outcome;
    if (store::message_sid_stored(db, in.sid)) {
        outcome.kind = Outcome::Kind::duplicate;
        return outcome;
    }
    if (!store::number_registered(db, in.to)) {
        outcome.kind = Outcome::Kind::unknown_number;
        return outcome;
    }
    auto row = inbox_row_of(in);
    outcome.kind = store::insert_inbox(db, row) ? Outcome::Kind::deferred : Outcome::Kind::duplicate;
    return outcome;
}

// A composed answer to a job's question: the reply (and the hand-off), the usage, the job removed. false when
// the job was finished meanwhile or its question or business is gone.
Result<bool> write_answer(Database& db, const config::Config& config, const store::AnswerJob& job,
                          const Composed& composed, SenderRoom room, std::vector<store::Claim>& claims) {
    if (!store::delete_answer_job(db, job.id)) {
        return false;
    }
    auto question = store::find_message(db, job.message_id);
    auto b = store::find_business_by_rowid(db, job.business_rowid);
    if (!question || !b) {
        return false; // deleted since: nobody to answer
    }
    Inbound in;
    in.to = question->our_number;
    in.from = question->customer;
    in.body = question->body;
    in.received_at_ms = time_format::now_ms();
    Outcome outcome;
    outcome.message_id = question->id;
    Step st{db, config, in, outcome};
    reply(st, b, in.from, composed.text, composed.kind, composed.entry_number, composed.score, {},
          attachment_path(db, *b, composed.kind, composed.entry_number));
    if (composed.handoff) {
        store::record_unanswered(db, b->rowid, in.from, in.body, question->id, in.received_at_ms);
        notify_owner(st, *b, in.body, composed.closest);
    }
    for (auto call : composed.calls) {
        call.business_rowid = b->rowid;
        call.message_id = question->id;
        call.at_ms = in.received_at_ms;
        store::record_call(db, call);
    }
    claims = claim_for_sender(db, config, st, room);
    return true;
}

} // namespace

void Pipeline::hand_over(std::vector<store::Claim> claims, bool committed) {
    auto n = claims.size();
    if (committed && !claims.empty() && m_hand_over) {
        m_hand_over(std::move(claims));
    }
    m_unhanded -= n; // with the sender now, or never made (rolled back)
}

void Pipeline::hand_over_batch(std::vector<std::vector<store::Claim>>& claims,
                               const std::vector<bool>& committed) {
    std::vector<store::Claim> all;
    for (std::size_t i = 0; i < claims.size(); ++i) {
        if (!committed[i]) {
            hand_over(std::move(claims[i]), false);
            continue;
        }
        all.insert(all.end(), std::make_move_iterator(claims[i].begin()),
                   std::make_move_iterator(claims[i].end()));
    }
    hand_over(std::move(all), true);
}

template <typename F>
auto Pipeline::write_and_hand_over(F&& write)
    -> std::invoke_result_t<F, Database&, std::vector<store::Claim>&> {
    std::vector<store::Claim> claims;
    auto result = m_store.write([&](Database& db) { return write(db, claims); });
    hand_over(std::move(claims), static_cast<bool>(result));
    return result;
}

Pipeline::Pipeline(store::Store& store, const config::Live& config, HandOver hand_over, HasRoom has_room)
    : m_store(store), m_config(config), m_hand_over(std::move(hand_over)), m_has_room(std::move(has_room)) {}

std::pair<std::optional<answer::Answer>, std::int64_t> Pipeline::precompute(const Inbound& in,
                                                                            const config::Config& config) {
    using Precomputed = std::pair<std::optional<answer::Answer>, std::int64_t>;
    auto pre = m_store.read([&](Database& db) -> Result<Precomputed> {
        auto target = answer_target(db, in);
        if (!target || (!in.test && !builtin_lane(db, config, *target)) ||
            answer::quick_answer(*target, in.body)) {
            return Precomputed{};
        }
        return Precomputed{
            answer::answer_question(db, *target, in.body, config.min_confidence_percent / 100.0),
            target->rowid};
    });
    return pre ? *pre : Precomputed{}; // a failed read leaves the answer to a worker
}

int Pipeline::defer_limit(const config::Config& config) const {
    return config.http_defer_after < 0 ? m_cores : config.http_defer_after;
}

bool Pipeline::deferring() const {
    return steady_ms() - m_deferred_at_ms.load() < k_burst_quiet_ms;
}

std::int64_t Pipeline::burst_wait_ms() const {
    return m_config.get()->http_burst_wait_ms;
}

void Pipeline::announce(const Outcome& outcome) {
    if (outcome.answer_job && m_job_queued) {
        m_job_queued(*outcome.answer_job, outcome.answer_lane, outcome.answer_customer);
    }
    if (outcome.media_queued > 0 && m_media_queued) {
        m_media_queued();
    }
    for (const auto& file : outcome.removed_files) {
        media::remove_file(m_config.get()->data_dir, file);
    }
}

Result<Outcome> Pipeline::handle(const Inbound& in) {
    auto config = m_config.get();
    InFlight counted(m_in_flight);
    // Under a burst the webhook is only stored before its acknowledgement (see the header). send-test is
    // never deferred: sbcctl shows what it became.
    bool may_defer = m_inbox_queued && !in.test;
    bool defer = may_defer && counted.others >= defer_limit(*config);
    if (defer) {
        m_deferred_at_ms = steady_ms();
    }
    // The built-in answer is composed before the write, on this thread's reader connection, so that the
    // webhook's transaction stores the reply and the sender has it at the commit (handle_question). Not for
    // an LLM's business, whose answer worker composes it, and not while answer.inline_webhooks (the cores)
    // or more were being handled: then acknowledging comes first, and the answers follow on the answer
    // workers, which yield the CPU to the HTTP workers (an answer costs several acknowledgements).
    std::optional<answer::Answer> precomputed;
    std::int64_t precomputed_for = 0;
    int limit = config->answer_inline_webhooks < 0 ? m_cores : config->answer_inline_webhooks;
    if (!defer && (in.test || counted.others < limit)) {
        std::tie(precomputed, precomputed_for) = precompute(in, *config);
    }
    auto result =
        write_and_hand_over([&](Database& db, std::vector<store::Claim>& claims) -> Result<Outcome> {
            // Behind a webhook still in the inbox, this one waits its turn there too.
            if (defer || (may_defer && store::inbox_waiting(db))) {
                return defer_webhook(db, in);
            }
            Outcome outcome;
            Step st{db, *config, in, outcome};
            process(st, precomputed, precomputed_for);
            claims = claim_for_sender(db, *config, st, {m_has_room, m_unhanded});
            return outcome;
        });
    if (result && result->kind == Outcome::Kind::deferred) {
        m_inbox_queued();
    } else if (result) {
        announce(*result);
    }
    return result;
}

std::vector<Result<Outcome>> Pipeline::handle_inbox(const std::vector<store::InboxRow>& rows) {
    auto config = m_config.get();
    std::vector<Inbound> ins;
    std::vector<std::pair<std::optional<answer::Answer>, std::int64_t>> precomputed;
    ins.reserve(rows.size());
    precomputed.reserve(rows.size());
    for (const auto& row : rows) {
        ins.push_back(inbound_of(row));
        precomputed.push_back(precompute(ins.back(), *config));
    }
    std::vector<std::vector<store::Claim>> claims(rows.size());
    std::vector<std::function<Result<Outcome>(Database&)>> writes;
    writes.reserve(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        writes.emplace_back([&, i](Database& db) -> Result<Outcome> {
            if (rows[i].unreadable) {
                return Error{1, *rows[i].unreadable};
            }
            Outcome outcome;
            if (!store::delete_inbox(db, rows[i].id)) {
                outcome.kind = Outcome::Kind::duplicate; // handled already
                return outcome;
            }
            Step st{db, *config, ins[i], outcome};
            process(st, precomputed[i].first, precomputed[i].second);
            claims[i] = claim_for_sender(db, *config, st, {m_has_room, m_unhanded});
            return outcome;
        });
    }
    auto results = m_store.write_batch(writes);
    hand_over_batch(claims, committed(results));
    for (const auto& result : results) {
        if (result) {
            announce(*result);
        }
    }
    return results;
}

Result<bool> Pipeline::finish_answer(const store::AnswerJob& job, const Composed& composed) {
    return finish_answers({{job, composed}}).front();
}

std::vector<Result<bool>> Pipeline::finish_answers(const std::vector<Answered>& answered) {
    auto config = m_config.get();
    std::vector<std::vector<store::Claim>> claims(answered.size());
    std::vector<std::function<Result<bool>(Database&)>> writes;
    writes.reserve(answered.size());
    for (std::size_t i = 0; i < answered.size(); ++i) {
        writes.emplace_back([&, i](Database& db) -> Result<bool> {
            return write_answer(db, *config, answered[i].first, answered[i].second, {m_has_room, m_unhanded},
                                claims[i]);
        });
    }
    auto results = m_store.write_batch(writes);
    hand_over_batch(claims, committed(results));
    return results;
}

Result<bool> Pipeline::finish_owner_upload(std::int64_t message_id, const UploadWrite& write) {
    auto config = m_config.get();
    return write_and_hand_over([&](Database& db, std::vector<store::Claim>& claims) -> Result<bool> {
        auto message = store::find_message(db, message_id);
        if (!message || !message->business_rowid) {
            return false;
        }
        auto b = store::find_business_by_rowid(db, *message->business_rowid);
        if (!b || b->owner != message->customer) {
            return false; // removed, or the owner changed since: nobody to tell
        }
        std::string summary = write(db, *b);
        Inbound in;
        in.to = message->our_number;
        in.from = b->owner;
        in.received_at_ms = time_format::now_ms();
        Outcome outcome;
        outcome.message_id = message->id;
        Step st{db, *config, in, outcome};
        reply(st, b, b->owner, summary, "owner-reply");
        claims = claim_for_sender(db, *config, st, {m_has_room, m_unhanded});
        return true;
    });
}

Result<int> Pipeline::ask_for_ratings(std::int64_t now_ms, std::int64_t quiet_ms) {
    // Looked for with a reader first: most rounds find nothing, and must not cost the writer a transaction.
    auto any = m_store.read([&](Database& db) -> Result<bool> {
        return !store::due_surveys(db, now_ms, quiet_ms, k_window_ms, k_survey_margin_ms, 1).empty();
    });
    if (!any) {
        return any.error();
    }
    if (!*any) {
        return 0;
    }
    auto config = m_config.get();
    return write_and_hand_over([&](Database& db, std::vector<store::Claim>& claims) -> Result<int> {
        auto due = store::due_surveys(db, now_ms, quiet_ms, k_window_ms, k_survey_margin_ms, k_survey_batch);
        for (const auto& d : due) {
            auto b = store::find_business_by_rowid(db, d.business_rowid);
            if (!b) {
                continue;
            }
            Inbound in;
            in.to = d.our_number;
            in.from = d.phone;
            in.received_at_ms = now_ms;
            Outcome outcome;
            Step st{db, *config, in, outcome};
            reply(st, b, d.phone,
                  fmt::format("How would you rate your conversation with {}? Reply with a number from 1 "
                              "(poor) to 5 (excellent).",
                              b->name),
                  "rating-request");
            store::mark_survey_asked(db, b->rowid, d.phone, now_ms);
            auto claimed = claim_for_sender(db, *config, st, {m_has_room, m_unhanded});
            claims.insert(claims.end(), claimed.begin(), claimed.end());
        }
        return static_cast<int>(due.size());
    });
}

Result<std::vector<Message>> Pipeline::send_manual(const std::string& business_id, const std::string& to,
                                                   const std::string& text, const std::string& actor) {
    auto config = m_config.get();
    return write_and_hand_over([&](Database& db,
                                   std::vector<store::Claim>& claims) -> Result<std::vector<Message>> {
        auto b = store::find_business(db, business_id);
        if (!b) {
            return Error{
                protocol::k_not_found,
                fmt::format("business '{}' not found (sbcctl business list shows the registered ones)",
                            business_id)};
        }
        auto now = time_format::now_ms();
        auto customer = store::find_customer(db, b->rowid, to);
        if (customer && customer->opted_out) {
            return Error{protocol::k_conflict,
                         fmt::format("{} opted out of {} (they must send START first)", to, b->id)};
        }
        if (!customer || !customer->last_inbound_at || *customer->last_inbound_at <= now - k_window_ms) {
            return Error{
                protocol::k_conflict,
                fmt::format("{} has not written to {} in the last 24 hours: WhatsApp allows only approved "
                            "templates outside that window",
                            to, b->id)};
        }
        Inbound in;
        in.to = b->number;
        in.from = to;
        in.received_at_ms = now;
        Outcome outcome;
        Step st{db, *config, in, outcome};
        reply(st, b, to, text, "manual");
        store::record_event(db, actor, "send", b->id, {{"to", to}, {"parts", outcome.replies.size()}});
        claims = claim_for_sender(db, *config, st, {m_has_room, m_unhanded});
        return outcome.replies;
    });
}

} // namespace sbc::pipeline
