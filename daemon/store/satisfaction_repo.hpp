#pragma once
// Customer satisfaction: whether a business asks for ratings, which conversations have gone quiet and may be
// asked about, the question waiting for its answer, and the ratings (1-5) with their average.

#include "daemon/store/database.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sbc::store {

// Off unless the business turned it on (sbcctl business update --satisfaction).
bool survey_enabled(Database& db, std::int64_t business_rowid);
void set_survey_enabled(Database& db, std::int64_t business_rowid, bool enabled);

// Records that the customer asked a question now: a new conversation, to be asked about once it goes quiet.
// Also ends a rating question left unanswered: the customer moved on.
void note_question(Database& db, std::int64_t business_rowid, std::string_view phone, std::int64_t now_ms);

// A customer whose conversation is due for the rating question.
struct DueSurvey {
    std::int64_t business_rowid = 0;
    std::string phone;
    std::string our_number; // the business's number, the question's sender
};

// Conversations that went quiet: the customer of a business with surveys on asked a question, has not written
// for `quiet_ms`, is still inside the 24-hour window with `margin_ms` to spare (the question must reach
// Twilio before the window closes), was not asked since that question, did not opt out, has no open hand-off
// (they are waiting for the owner) and the business is not paused. At most `limit`, oldest first.
std::vector<DueSurvey> due_surveys(Database& db, std::int64_t now_ms, std::int64_t quiet_ms,
                                   std::int64_t window_ms, std::int64_t margin_ms, int limit);
// Marks the customer as asked now; the next message that reads as a rating is taken as the answer.
void mark_survey_asked(Database& db, std::int64_t business_rowid, std::string_view phone,
                       std::int64_t now_ms);

// When the customer was asked and has not answered yet; nullopt when no rating question is waiting.
std::optional<std::int64_t> pending_survey(Database& db, std::int64_t business_rowid, std::string_view phone);
// Stores the answer to the waiting question and closes it.
void record_rating(Database& db, std::int64_t business_rowid, std::string_view phone, int rating,
                   std::optional<std::int64_t> message_id, std::int64_t asked_at_ms, std::int64_t now_ms);

struct Satisfaction {
    std::int64_t ratings = 0;
    std::optional<double> average; // nullopt before the first rating
};
Satisfaction satisfaction(Database& db, std::int64_t business_rowid);

} // namespace sbc::store
