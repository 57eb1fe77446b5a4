#include "daemon/answer/query_terms.hpp"

#include <catch2/catch.hpp>

using sbc::answer::is_stop_word;
using sbc::answer::query_terms;
using Terms = std::vector<std::string>;

TEST_CASE("query_terms keeps the meaningful words of a question, lower-cased", "[answer][terms]") {
    REQUIRE(query_terms("What are your opening hours?") == Terms{"opening", "hours"});
    REQUIRE(query_terms("Do you DELIVER to Downtown") == Terms{"deliver", "downtown"});
}

TEST_CASE("query_terms keeps each term once, in order of appearance", "[answer][terms]") {
    REQUIRE(query_terms("pizza PIZZA Pizza pasta pizza") == Terms{"pizza", "pasta"});
}

TEST_CASE("query_terms splits on punctuation and keeps digits", "[answer][terms]") {
    REQUIRE(query_terms("gluten-free, vegan; open 24/7 until 10pm!") ==
            Terms{"gluten", "free", "vegan", "open", "24", "7", "until", "10pm"});
    REQUIRE(query_terms("price:5\t\neuros") == Terms{"price", "5", "euros"});
}

TEST_CASE("query_terms joins words around an ASCII apostrophe", "[answer][terms]") {
    REQUIRE(query_terms("don't") == Terms{"dont"});
    REQUIRE(query_terms("what's the pizza's price") == Terms{"pizzas", "price"}); // "whats" is a stop word
}

TEST_CASE("query_terms is empty for stop words, punctuation or nothing", "[answer][terms]") {
    REQUIRE(query_terms("").empty());
    REQUIRE(query_terms("   ").empty());
    REQUIRE(query_terms("?!...").empty());
    REQUIRE(query_terms("Hi! What is it, please? Thanks").empty());
}

TEST_CASE("query_terms keeps non-ASCII letters inside words", "[answer][terms]") {
    REQUIRE(query_terms("Caf\xC3\xA9 cr\xC3\xA8me?") == Terms{"caf\xC3\xA9", "cr\xC3\xA8me"});
    REQUIRE(query_terms("\xE5\xAF\xBF\xE5\x8F\xB8") == Terms{"\xE5\xAF\xBF\xE5\x8F\xB8"});
}

TEST_CASE("query_terms strips FTS5 query syntax", "[answer][terms]") {
    REQUIRE(query_terms("\"hours\" OR NEAR(open*, close) AND text:noon -x ^y {z}") ==
            Terms{"hours", "near", "open", "close", "text", "noon", "x", "y", "z"});
    for (const auto& term : query_terms("a\"b*c(d)e:f^g-h+i{j}k")) {
        INFO(term);
        for (char c : term) {
            REQUIRE(((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')));
        }
    }
}

TEST_CASE("is_stop_word knows function words and spares meaningful ones", "[answer][terms]") {
    for (const char* word : {"the", "a", "what", "do", "you", "please", "is", "whats", "okay"}) {
        INFO(word);
        REQUIRE(is_stop_word(word));
    }
    for (const char* word : {"open", "close", "near", "hours", "pizza", "delivery", "not", "no"}) {
        INFO(word);
        REQUIRE_FALSE(is_stop_word(word));
    }
}
