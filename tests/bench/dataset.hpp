#pragma once
// Generated data at realistic scale: businesses of a dozen kinds (pizzeria, café, hair salon, bike shop,
// ...), each with its own name, numbers, opening hours and knowledge base — opening and holiday hours,
// address and directions, parking, delivery areas and fees, payment, gift cards, allergies, bookings,
// returns, and a price list of the kind's products — and the questions their customers ask about those topics
// (plus a share of greetings and questions no knowledge base answers). Everything is a pure function of
// (seed, index), so a rerun or another process generates the very same business without storing it.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace sbc::bench {

struct KnowledgeEntry {
    std::string text;
    std::string tags;
};

struct BusinessData {
    int index = 0;
    std::string id;     // slug, unique by index
    std::string name;   // "Rosa's Pizzeria"
    std::string number; // the business's WhatsApp number, E.164, unique by index
    std::string owner;  // the owner's phone, E.164
    std::string hours;
    std::string greeting;
    std::vector<KnowledgeEntry> entries;

    // What its customers' questions are built from.
    int kind = 0;
    std::vector<std::string> areas; // delivery areas
    std::vector<std::string> items; // price-list items ("large margherita pizza")
    std::string station;
};

// Business `index` (0-based) with `entries` knowledge entries (distinct texts; up to about 150).
BusinessData make_business(std::uint64_t seed, int index, int entries);

// A question a customer of `business` might send: mostly about the topics of its knowledge base, some
// greetings and hours questions (answered from its settings) and some it cannot answer (fallback).
std::string make_question(std::mt19937_64& rng, const BusinessData& business);

// Customer phone numbers, E.164: ingest customers and the one-per-message customers of the reply phase come
// from different ranges, so that a reply can be matched to its webhook by number.
std::string customer_number(int index);
std::string reply_customer_number(int index);

} // namespace sbc::bench
