#pragma once
// Turns a customer's question into search terms: words, lower-cased, stop words dropped. Stemming is the
// index's (FTS5 porter tokenizer), so "delivering" here still finds "delivered" there; porter does not join
// the noun to the verb, though: "delivery" and "deliver" stay apart.

#include <string>
#include <string_view>
#include <vector>

namespace sbc::answer {

// Distinct terms in order of appearance; empty when the text has only stop words or punctuation.
std::vector<std::string> query_terms(std::string_view text);

// True for English function words that carry no meaning for retrieval ("the", "what", "do").
bool is_stop_word(std::string_view word);

} // namespace sbc::answer
