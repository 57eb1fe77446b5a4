#pragma once
// A customer who asks for a person ("can I talk to a human", "that's not what I asked") gets one: their last
// question goes to the owner as a hand-off, as a question the answerer declines would. The answerer is wrong
// sometimes (docs/retrieval.md), and a wrong answer, unlike a declined question, reaches nobody who could put
// it right unless the customer can say so.

#include <string_view>

namespace sbc::pipeline {

// Whether the whole message asks for a person or says the answer missed: a short message (a question that
// mentions staff is a question) that is one of the words customers use for it ("human", "agent") or holds
// one of their phrases ("talk to someone", "not what I asked", "wrong answer"), in any case and punctuation.
bool asks_for_a_person(std::string_view body);

} // namespace sbc::pipeline
