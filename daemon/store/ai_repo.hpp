#pragma once
// What AI answers keep in the database: per-business LLM settings, the answers being composed (answer_jobs),
// the knowledge base's version and hand-offs. Token usage is the ledger of usage_repo.hpp.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

struct AiSettings {
    bool llm = false;
    std::string tone; // e.g. "friendly and brief"; empty: the prompt's default
};

AiSettings ai_settings(Database& db, std::int64_t business_rowid);
void set_ai_settings(Database& db, std::int64_t business_rowid, const AiSettings& settings);

// An inbound question whose answer an answer worker composes; written in the inbound message's transaction.
struct AnswerJob {
    std::int64_t id = 0;
    std::int64_t message_id = 0;
    std::int64_t business_rowid = 0;
    std::int64_t created_at = 0;
    std::string customer; // who asked: the answer worker answers one customer's questions in order
};

std::int64_t insert_answer_job(Database& db, std::int64_t message_id, std::int64_t business_rowid,
                               std::int64_t now_ms);
std::optional<AnswerJob> find_answer_job(Database& db, std::int64_t id);
// Every job left, oldest first (start-up: a crash left them).
std::vector<AnswerJob> list_answer_jobs(Database& db);
// Whether one of the customer's latest questions to the business is still being answered: a new question
// then queues behind it instead of being answered at once, so that the answers go out in order.
bool answer_job_waiting(Database& db, std::int64_t business_rowid, const std::string& customer);
// False when the job was already gone (finished by another worker).
bool delete_answer_job(Database& db, std::int64_t id);

// Bumped by a trigger on every insert, update and delete of the business's knowledge; 0 before the first.
std::int64_t kb_version(Database& db, std::int64_t business_rowid);

// One turn of a conversation, oldest first.
struct Turn {
    bool from_customer = true;
    std::string text;
};
// The last `limit` messages between the business and this customer before their message `before_id`: the
// customer's earlier messages and the replies to them, oldest first. A reply written after `before_id`
// arrived (its answer was composed meanwhile) is part of the conversation the customer saw.
std::vector<Turn> recent_turns(Database& db, std::int64_t business_rowid, const std::string& customer,
                               std::int64_t before_id, int limit);

// A question handed to the owner.
struct Handoff {
    std::int64_t id = 0;
    std::int64_t business_rowid = 0;
    std::string business_slug;
    std::int64_t number = 0; // per business, the lowest free among open hand-offs
    std::string customer;
    std::string question;
    std::int64_t created_at = 0;
};

// Opens a hand-off and returns its number.
std::int64_t open_handoff(Database& db, std::int64_t business_rowid, const std::string& customer,
                          const std::string& question, std::optional<std::int64_t> message_id,
                          std::int64_t now_ms);
std::optional<Handoff> find_open_handoff(Database& db, std::int64_t business_rowid, std::int64_t number);
void close_handoff(Database& db, std::int64_t id, std::int64_t now_ms);
// Open hand-offs, of one business or all, oldest first.
std::vector<Handoff> list_open_handoffs(Database& db, std::optional<std::int64_t> business_rowid);

} // namespace sbc::store
