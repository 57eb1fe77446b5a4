#pragma once
// Customers' questions the owner taught an entry to answer. When the owner answers a hand-off with !answer,
// the customer's question is kept in the tags of the entry that answered it (a new entry, or an existing one
// with "!answer 3 #7"), one question per line, so that the next customer who asks in the same words finds
// it: the retriever reads tags as it reads the text. Owners do not phrase things the way their customers do,
// and this is how the knowledge base learns the customers' words without anyone editing synonyms.

#include <cstddef>
#include <string>
#include <string_view>

namespace sbc::pipeline {

// A question is kept up to this many characters: past that it is a story, not a phrasing.
inline constexpr std::size_t k_max_taught_question_chars = 300;
// The tags of one entry hold at most this many bytes of taught questions; the oldest go first: an entry
// whose tags said everything would win every question.
inline constexpr std::size_t k_max_taught_chars = 1500;

// `tags` with `question` added as its last line: trimmed, cut to k_max_taught_question_chars (never inside a
// character), not added again when a line already says it (ignoring case), and the oldest lines dropped until
// the whole fits k_max_taught_chars bytes. Lines are separated by '\n'; tags written before (one line, from
// sbcctl or an import) are the oldest line.
std::string with_taught_question(std::string_view tags, std::string_view question);

} // namespace sbc::pipeline
