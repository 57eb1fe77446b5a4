#pragma once
// The message pipeline: what happens to one inbound WhatsApp message, whether it came from Twilio's webhook
// or from `sbcctl send-test`. It routes the message to a business, classifies it (duplicate, owner command,
// opt-out, menu choice, rate-limited, question), and writes the inbound message, state changes and outbound
// replies in ONE transaction. The caller acknowledges only after that commit. A question the built-in
// answerer takes is answered before that write when the CPU has room, and its reply is stored with it;
// otherwise (an LLM's business, or a burst of webhooks) it is committed with an answer job instead of its
// reply, and an answer worker composes it after the acknowledgement (see answer_worker.hpp).
// While http.defer_after webhooks or more are in hand, a webhook is not handled before its acknowledgement:
// it is stored as it came in the inbox, and InboxDrain hands it to handle_inbox() right after (and so are the
// webhooks behind it while the inbox is not empty, so that each customer's messages keep their order).

#include "common/result.hpp"
#include "daemon/answer/answerer.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/usage_repo.hpp"

#include <algorithm>
#include <atomic>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace sbc::config {
class Live;
struct Config;
} // namespace sbc::config
namespace sbc::store {
class Store;
}

namespace sbc::pipeline {

// One file a message carried: MediaUrl{N} and MediaContentType{N}.
struct InboundMedia {
    std::string url;
    std::string content_type;
};

struct Inbound {
    std::string sid;  // MessageSid (send-test makes one up)
    std::string from; // E.164
    std::string to;   // E.164, one of our numbers
    std::string body;
    std::string profile_name;
    int num_media = 0;
    std::vector<InboundMedia> media; // at most k_max_media
    bool test = false;               // from send-test: replies are recorded, never sent
    // send-test names the business: on a shared number it is reached without the menu.
    std::optional<std::string> business_hint;
    std::int64_t received_at_ms = 0;
};

// Twilio sends at most 10 media per message; more parameters than that are ignored.
inline constexpr int k_max_media = 10;

// Which answer workers compose a question: the built-in answerer's (CPU only, microseconds to a millisecond
// or two), or those that may wait seconds for a provider (LLM on, or retrieval by embeddings). Separate, so
// that a slow provider never delays the built-in answers queued behind it.
enum class AnswerLane { builtin, provider };

struct Outcome {
    // deferred: stored in the inbox as it came, to be handled after the acknowledgement.
    enum class Kind { processed, duplicate, unknown_number, deferred };
    Kind kind = Kind::processed;
    std::string business_id;
    std::string classification; // the inbound message's kind: question, owner-command, opt-out, ...
    std::int64_t message_id = 0;
    std::vector<store::Message> replies; // to the sender of the inbound message and to the owner, in order
    std::optional<std::int64_t> entry_number;
    double confidence = 0;
    // Set when the answer is composed by an answer worker: the reply follows later.
    std::optional<std::int64_t> answer_job;
    AnswerLane answer_lane = AnswerLane::builtin;
    std::string answer_customer; // whose question the job answers
    int media_queued = 0;        // media rows committed pending: the downloader has work
    // Stored files of attachments the owner deleted (!delete), removed once committed.
    std::vector<std::string> removed_files;
};

// An answer an answer worker composed for a job, ready to be written and sent.
struct Composed {
    std::string text;
    std::string
        kind; // the reply's kind: llm-answer, or the built-in answer's (answer, greeting, fallback, ...)
    std::optional<std::int64_t> entry_number;
    std::optional<double> score;
    bool handoff = false; // the customer gets the fallback text and the owner is told
    // The entries (rowids) the built-in retriever found closest, for the owner's notice of a hand-off.
    std::vector<std::int64_t> closest;
    // The provider calls made for it (the question's embedding, the chat completion), written to the ledger
    // with the answer for the job's business and question.
    std::vector<store::ProviderCall> calls;
};

class Pipeline {
  public:
    // Receives, after the commit, the replies claimed in the transaction that queued them: the sender posts
    // them at once, without polling the outbox or committing a claim of its own.
    using HandOver = std::function<void(std::vector<store::Claim>)>;
    // Whether the receiver of HandOver takes more now, beyond `pending` claims made but not handed over yet
    // (by earlier writes of the same commit, or of commits being handed over); when it says no, replies are
    // queued unclaimed and the sender finds them in the outbox later. Empty: always.
    using HasRoom = std::function<bool(std::size_t pending)>;
    // Each message is handled with the configuration in force when it arrives (see config::Live).
    Pipeline(store::Store& store, const config::Live& config, HandOver hand_over, HasRoom has_room = {});

    // Processes one message. Fails (code 1) only when the store cannot commit: the caller must then not
    // acknowledge it (Twilio retries). An unknown number is an outcome, not a failure.
    Result<Outcome> handle(const Inbound& inbound);

    // Sends a message a person wrote (sbcctl send) to a customer, respecting opt-out and the 24-hour window.
    // Errors: not-found business, conflict (opted out, outside the window without a template), invalid text.
    Result<std::vector<store::Message>> send_manual(const std::string& business_id, const std::string& to,
                                                    const std::string& text, const std::string& actor);

    // Called after the commit with the id of each answer job queued, its lane and the customer who asked, to
    // wake an answer worker.
    using JobQueued = std::function<void(std::int64_t, AnswerLane, const std::string&)>;
    void on_answer_job(JobQueued job_queued) { m_job_queued = std::move(job_queued); }
    // Called after the commit when media rows were queued, to wake the downloader.
    void on_media_queued(std::function<void()> media_queued) { m_media_queued = std::move(media_queued); }
    // Called after the commit of a webhook stored in the inbox, to wake the InboxDrain. Until it is set,
    // nothing is deferred (a Pipeline without a drain handles every message before its acknowledgement).
    void on_inbox_queued(std::function<void()> inbox_queued) { m_inbox_queued = std::move(inbox_queued); }

    // Handles webhooks stored in the inbox, in order, each written as its own write and all sharing one
    // commit; each row is removed in its write. A row already taken gives Outcome::Kind::duplicate.
    std::vector<Result<Outcome>> handle_inbox(const std::vector<store::InboxRow>& rows);
    // Whether a webhook was deferred for the load (not only to wait its turn behind the inbox) in the last
    // few milliseconds: a burst is on, and InboxDrain leaves the CPU and the writer to the acknowledgements.
    bool deferring() const;
    // How long a deferred webhook waits for its burst to end (http.burst_wait_ms).
    std::int64_t burst_wait_ms() const;

    // Writes the composed reply to a job's question and removes the job, in one transaction, then hands the
    // reply to the sender. A job already finished is left alone (ok, nothing written).
    Result<bool> finish_answer(const store::AnswerJob& job, const Composed& composed);
    // The same for several jobs at once, in one Store::write_batch (each is written or fails on its own); the
    // results are in the order of `answered`.
    using Answered = std::pair<store::AnswerJob, Composed>;
    std::vector<Result<bool>> finish_answers(const std::vector<Answered>& answered);

    // Runs `write` in one transaction with the owner's message `message_id` known (it adds what the owner's
    // upload became and returns the summary), then sends the summary to the owner as a reply to that message.
    // Nothing is written when the message or its business is gone, or the sender is no longer the owner (ok,
    // false). Used by OwnerUploads on the downloader thread.
    using UploadWrite = std::function<std::string(store::Database&, const store::Business&)>;
    Result<bool> finish_owner_upload(std::int64_t message_id, const UploadWrite& write);

    // Asks the customers whose conversations went quiet `quiet_ms` ago to rate them (see
    // store::due_surveys), through the outbox like any reply; returns how many were asked. Run by the
    // SurveyTimer.
    Result<int> ask_for_ratings(std::int64_t now_ms, std::int64_t quiet_ms);

  private:
    // Counts the webhooks being handled; `others` is how many were before this one.
    struct InFlight {
        std::atomic<int>& count;
        int others;
        explicit InFlight(std::atomic<int>& c) : count(c), others(c.fetch_add(1)) {}
        ~InFlight() { count.fetch_sub(1); }
        InFlight(const InFlight&) = delete;
        InFlight& operator=(const InFlight&) = delete;
    };
    // Gives the replies a write claimed to the sender when it committed; either way they no longer count as
    // on their way (m_unhanded).
    void hand_over(std::vector<store::Claim> claims, bool committed);
    // hand_over() for the writes of one Store::write_batch: their claims reach the senders together, in
    // order, which wakes the idle senders once per batch instead of once per write.
    void hand_over_batch(std::vector<std::vector<store::Claim>>& claims, const std::vector<bool>& committed);
    // Runs write(db, claims) -> Result<T> as one store write; what it put in `claims` (claim_for_sender) goes
    // to the sender once committed.
    template <typename F>
    auto write_and_hand_over(F&& write)
        -> std::invoke_result_t<F, store::Database&, std::vector<store::Claim>&>;
    // The built-in answer to `in` and the business it is for, composed on a reader; nothing when the message
    // is not a question the built-in answerer takes, or the read failed (an answer worker composes it then).
    std::pair<std::optional<answer::Answer>, std::int64_t> precompute(const Inbound& in,
                                                                      const config::Config& config);
    // The number of webhooks in hand from which new ones are deferred (http.defer_after).
    int defer_limit(const config::Config& config) const;
    // Wakes the answer workers and the downloader for what a handled message committed.
    void announce(const Outcome& outcome);

    store::Store& m_store;
    const config::Live& m_config;
    HandOver m_hand_over;
    HasRoom m_has_room;
    JobQueued m_job_queued;
    std::function<void()> m_media_queued;
    std::function<void()> m_inbox_queued;
    std::atomic<int> m_in_flight{0};
    std::atomic<std::int64_t> m_deferred_at_ms{0}; // steady clock: when the load last deferred a webhook
    std::atomic<std::size_t> m_unhanded{0};        // claims made in writes and not handed to the sender yet
    const int m_cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
};

} // namespace sbc::pipeline
