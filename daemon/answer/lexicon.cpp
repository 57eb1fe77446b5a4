#include "daemon/answer/lexicon.hpp"

#include "daemon/answer/normalise.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace sbc::answer {
namespace {

// Trade-neutral on purpose: words of one trade (balayage, puncture, wreath) are what the owner teaches
// with !synonym. Words, not stems: they are stemmed when the table is built, so that they match whatever the
// normaliser makes of a question or an entry. A word may sit in several groups.
const std::vector<std::vector<std::string_view>> k_groups = {
    // opening hours
    {"hours",   "open",      "opening",  "close",   "closing",  "closed", "shut",     "time",    "times",
     "tonight", "today",     "late",     "early",   "until",    "till",   "schedule", "weekend", "monday",
     "tuesday", "wednesday", "thursday", "friday",  "saturday", "sunday", "tomorrow", "weekday", "weekdays",
     "daily",   "mon",       "tue",      "wed",     "thu",      "fri",    "sat",      "sun",     "morning",
     "evening", "later",     "latest",   "earlier", "earliest"},
    // where
    {"address", "location", "located", "where", "find", "directions", "map", "street", "road", "lane",
     "square", "avenue", "opposite", "behind", "near", "nearest"},
    // the area a business serves (a town's name in a question stands for "area": place_names.hpp)
    {"area", "areas", "cover", "covers", "covered", "coverage", "surrounding", "nearby", "local", "locally",
     "radius", "miles", "mile", "km", "travel"},
    {"parking", "park", "car", "carpark"},
    // bookings
    {"book", "booking", "reservation", "reserve", "table", "appointment", "slot", "schedule", "walkin",
     "availability", "available", "slots", "booked"},
    {"cancel", "whatif", "cancellation", "reschedule", "move", "change", "notice", "rearrange", "postpone",
     "miss", "missed"},
    // how long it takes ("how long" is joined to "duration"): a wait, a turnaround, a session's length
    {"duration", "wait", "waiting", "ready", "minute", "minutes", "mins", "hour", "hours", "quick", "quickly",
     "fast", "turnaround", "soon", "sooner"},
    // money
    {"price", "prices", "cost", "costs", "expensive", "cheap", "cheaper", "cheapest", "fee", "charge", "rate",
     "rates", "tariff", "quote", "quotation", "estimate", "estimates", "ballpark"},
    {"pay",        "payment",     "card",    "cards",  "cash",    "contactless", "apple",  "google",
     "transfer",   "accept",      "take",    "cheque", "invoice", "debit",       "credit", "paypal",
     "instalment", "instalments", "finance", "spread", "upfront", "deposit"},
    // first-timers
    {"beginner", "beginners", "novice", "newcomer", "first", "trial", "taster", "intro", "introductory",
     "try"},
    {"voucher", "vouchers", "giftcard", "gift", "certificate", "present"},
    {"refund", "moneyback", "replace", "replacement", "return", "exchange", "complaint", "unhappy", "happy",
     "wrong", "broken", "damaged", "wilted"},
    {"discount", "offer", "deal", "promotion", "loyalty", "reward", "rewards", "stamp", "points", "off"},
    // getting things to people
    {"deliver", "delivery", "deliveries", "ship", "shipping", "send", "courier", "post", "bring", "arrive",
     "home", "house", "door", "far", "distance", "km", "radius"},
    {"collect", "collection", "takeaway", "pickup", "pick", "fetch"},
    // people
    {"child", "children", "kid", "kids", "toddler", "baby", "babies", "son", "daughter", "boy", "girl",
     "junior", "little"},
    {"staff", "job", "jobs", "hiring", "hire", "vacancy", "vacancies", "work", "career", "careers", "cv",
     "apply", "recruit", "employ"},
    // food and diets
    {"menu", "dishes", "food", "eat"},
    {"vegan", "plant", "dairy", "vegetarian"},
    {"gluten", "coeliac", "celiac", "wheat"},
    {"allergen", "allergens", "allergy", "allergic", "allergies", "nut", "nuts", "intolerance"},
    // premises
    {"wifi", "internet", "password", "network", "laptop", "online"},
    {"toilet", "toilets", "bathroom", "restroom", "loo", "wc", "lavatory", "changing", "nappy", "diaper"},
    {"accessible", "accessibility", "wheelchair", "step", "ramp", "lift", "elevator", "disabled", "stairs",
     "upstairs"},
    {"dog", "dogs", "pet", "pets", "puppy", "animal", "cat", "cats"},
    // services
    {"repair", "fix", "mend", "service", "tune", "broken", "breakdown", "breakdowns"},
    {"rent", "rental", "hire", "borrow"},
    {"used", "secondhand", "refurbished", "preowned"},
    // "what if" (normalise.cpp's phrases) asks what happens when something goes wrong: the guarantee, the
    // insurance, the cancellation terms
    {"guarantee", "warranty", "whatif"},
    {"insurance", "whatif", "insured", "insure", "insurer", "liability", "breakage", "breakages", "damage",
     "damages", "smashed"},
    {"alcohol", "alcoholic", "booze", "drinks", "wine", "beer", "bar", "corkage", "fizz", "prosecco",
     "champagne"},
    {"accommodation", "overnight", "bedroom", "bedrooms", "sleep", "sleeping", "stay", "hotel", "lodging"},
    {"viewing", "viewings", "visit", "tour", "lookaround"},
    {"party", "parties", "birthday", "celebration", "event", "events", "wedding", "function", "married",
     "marry", "engagement", "anniversary", "christening", "graduation"},
    {"event", "events", "music", "live", "gig", "concert", "quiz", "karaoke", "dj", "mic", "exhibition",
     "workshop"},
    {"group", "groups", "people", "guests", "seats", "seating", "capacity"},
    // British and American words for the same thing
    {"holiday", "holidays", "vacation", "break"},
    {"queue", "line"},
    {"bill", "receipt", "invoice"},
    {"petrol", "gas", "fuel", "diesel"},
    {"postcode", "zip", "zipcode"},
    {"rubbish", "trash", "garbage", "recycling"},
    {"pram", "pushchair", "stroller", "buggy"},
    {"chemist", "pharmacy", "drugstore"},
    {"trainers", "sneakers"},
    {"biscuit", "biscuits", "cookie", "cookies"},
    {"aubergine", "eggplant"},
    {"courgette", "zucchini"},
    {"coriander", "cilantro"},
    {"takeaway", "takeout"},
    {"emergency", "urgent", "urgently", "asap", "immediately", "burst", "leak", "leaking", "flood",
     "flooding", "bleeding", "injured", "accident", "poisoned", "swallowed", "collapsed"},
    // memberships and subscriptions
    {"register", "registration", "join", "joining", "signup", "enrol", "enroll", "enrolment", "member",
     "members", "membership"},
    {"pause", "freeze", "frozen", "suspend", "hold"},
    // health
    {"medication", "medicine", "medicines", "meds", "pills", "tablets", "prescription", "prescriptions"},
    {"vaccination", "vaccinations", "vaccine", "vaccines", "jab", "jabs", "injection", "injections",
     "booster", "boosters", "immunisation"},
    {"nervous", "anxious", "scared", "afraid", "frightened", "fear", "phobia", "worried", "confidence"},
    {"landlord", "landlords", "letting", "lettings", "tenant", "tenants", "tenancy", "rental"},
    {"progress", "improve", "improving", "improvement", "report", "reports", "feedback"},
    {"shower", "showers", "wash", "towel", "towels"},
    // sessions at a distance
    {"online", "video", "zoom", "skype", "facetime", "remote", "remotely", "virtual", "virtually"},
};

using Table = std::map<std::string, std::vector<std::string>, std::less<>>;

Table build() {
    std::map<std::string, std::set<std::string>> related;
    for (const auto& group : k_groups) {
        std::set<std::string> stems;
        for (auto word : group) {
            stems.insert(stem(word));
        }
        for (const auto& s : stems) {
            for (const auto& other : stems) {
                if (other != s) {
                    related[s].insert(other);
                }
            }
        }
    }
    Table table;
    for (auto& [s, others] : related) {
        table.emplace(s, std::vector<std::string>(others.begin(), others.end()));
    }
    return table;
}

} // namespace

const std::vector<std::string>& lexicon_related(std::string_view term) {
    static const Table table = build();
    static const std::vector<std::string> none;
    auto it = table.find(term);
    return it == table.end() ? none : it->second;
}

const std::vector<std::string>& lexicon_terms() {
    static const std::vector<std::string> terms = [] {
        std::set<std::string> all;
        for (const auto& group : k_groups) {
            for (auto word : group) {
                all.insert(stem(word));
            }
        }
        return std::vector<std::string>(all.begin(), all.end());
    }();
    return terms;
}

} // namespace sbc::answer
