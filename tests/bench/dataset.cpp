#include "tests/bench/dataset.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fmt/format.h>
#include <set>
#include <string_view>

namespace sbc::bench {
namespace {

using Rng = std::mt19937_64;
using Words = std::vector<std::string_view>;

// One kind of business: how it is named, what it sells, and what its customers care about.
struct Kind {
    Words nouns;               // "Pizzeria", "Pizza Kitchen"
    std::string_view category; // "pizzas": what allergy and vegan entries talk about
    Words items;               // price-list items
    Words sizes;               // variants that multiply the items ("small", "large")
    Words describe;            // words for item descriptions
    double min_price = 0, max_price = 0;
    std::string_view opens, closes; // weekday hours
    std::string_view book;          // "a table", "an appointment"
    bool delivers = true;
};

const std::vector<Kind>& kinds() {
    static const std::vector<Kind> k_kinds = {
        {{"Pizzeria", "Pizza Kitchen", "Pizza Bar"},
         "pizzas",
         {"margherita pizza", "marinara pizza", "diavola pizza", "quattro formaggi pizza",
          "capricciosa pizza", "funghi pizza", "calzone", "garlic bread", "tiramisu", "panna cotta",
          "caesar salad", "lasagne", "spaghetti carbonara", "penne arrabbiata", "hawaiian pizza",
          "vegan pizza", "nutella pizza"},
         {"small", "medium", "large", "family size", "gluten-free", "half-and-half"},
         {"tomato", "mozzarella", "fresh basil", "oregano", "wood-fired", "sourdough base", "chilli oil",
          "parmesan", "olives", "mushrooms", "salami", "rocket"},
         7.5,
         24,
         "11:30",
         "22:30",
         "a table",
         true},
        {{"Café", "Coffee House", "Espresso Bar"},
         "drinks and cakes",
         {"flat white", "cappuccino", "latte", "espresso", "cortado", "chai latte", "hot chocolate",
          "iced americano", "matcha latte", "banana bread", "carrot cake", "croissant", "avocado toast",
          "granola bowl", "cinnamon bun", "brownie", "bagel with cream cheese"},
         {"small", "regular", "large", "oat milk", "decaf", "takeaway"},
         {"single origin", "locally roasted", "house blend", "homemade", "organic milk", "baked daily",
          "sourdough", "seasonal fruit", "dark chocolate"},
         2.2,
         9.5,
         "07:00",
         "18:00",
         "a table",
         false},
        {{"Bakery", "Bread Shop", "Patisserie"},
         "breads and pastries",
         {"sourdough loaf", "rye bread", "baguette", "croissant", "pain au chocolat", "almond croissant",
          "lemon tart", "birthday cake", "eclair", "cheesecake", "focaccia", "brioche", "cinnamon roll",
          "fruit scone", "apple strudel", "macarons"},
         {"small", "large", "whole", "half", "box of six", "gluten-free"},
         {"stone-baked", "slow-fermented", "butter", "organic flour", "baked before dawn", "seasonal fruit",
          "vanilla cream", "dark chocolate"},
         1.5,
         38,
         "06:30",
         "17:00",
         "a cake order",
         true},
        {{"Hair Studio", "Barbers", "Salon"},
         "treatments",
         {"women's cut", "men's cut", "children's cut", "beard trim", "colour", "highlights", "balayage",
          "blow dry", "keratin treatment", "wedding styling", "hot towel shave", "fringe trim", "perm",
          "scalp treatment"},
         {"short hair", "long hair", "express", "senior stylist", "junior stylist", "student"},
         {"consultation included", "wash and style", "organic products", "about 45 minutes", "about 2 hours",
          "patch test needed 48 hours before"},
         9,
         140,
         "09:00",
         "19:00",
         "an appointment",
         false},
        {{"Bike Shop", "Cycles", "Bike Workshop"},
         "repairs",
         {"puncture repair", "basic service", "full service", "brake adjustment", "gear tuning",
          "wheel truing", "chain replacement", "e-bike check", "bike fitting", "city bike rental",
          "road bike rental", "helmet", "bike lock", "lights set"},
         {"same-day", "standard", "premium", "weekend", "one day", "one week"},
         {"parts extra", "includes safety check", "done while you wait", "ready in 48 hours",
          "with free collection", "frame and tyres checked"},
         6,
         260,
         "08:30",
         "18:30",
         "a repair slot",
         true},
        {{"Flowers", "Florist", "Flower Studio"},
         "bouquets",
         {"rose bouquet", "tulip bunch", "seasonal bouquet", "sympathy wreath", "wedding bouquet",
          "orchid plant", "succulent pot", "peony bunch", "sunflower bunch", "dried flower posy",
          "table centrepiece", "buttonhole"},
         {"small", "medium", "large", "luxury", "hand-tied", "vase included"},
         {"British-grown", "wrapped in paper", "with a handwritten card", "lasts about a week",
          "seasonal stems", "delivered same day"},
         12,
         180,
         "08:00",
         "18:00",
         "a consultation",
         true},
        {{"Books", "Bookshop", "Book Corner"},
         "books",
         {"hardback novel", "paperback novel", "children's picture book", "cookbook", "travel guide",
          "book token", "reading club membership", "signed first edition", "graphic novel",
          "poetry collection", "notebook", "literary magazine"},
         {"new", "second-hand", "signed", "gift-wrapped", "special order", "bundle"},
         {"ordered in two days", "staff pick", "local author", "free gift wrap", "in stock now"},
         3,
         60,
         "09:30",
         "18:00",
         "a reading event place",
         true},
        {{"Pet Grooming", "Dog Spa", "Pet Parlour"},
         "grooms",
         {"full groom", "bath and brush", "nail clip", "puppy introduction", "de-shedding treatment",
          "teeth cleaning", "ear cleaning", "hand stripping", "flea treatment", "cat groom",
          "paw balm treatment", "bow and bandana"},
         {"small dog", "medium dog", "large dog", "giant breed", "cat", "express"},
         {"hypoallergenic shampoo", "about 90 minutes", "nervous dogs welcome", "includes nail clip",
          "collection service available"},
         12,
         95,
         "08:00",
         "17:30",
         "an appointment",
         false},
        {{"Dental Clinic", "Dental Care", "Smile Studio"},
         "treatments",
         {"check-up", "hygienist visit", "filling", "teeth whitening", "emergency appointment", "crown",
          "root canal treatment", "invisible braces consultation", "children's check-up", "mouth guard",
          "x-ray", "dental implant consultation"},
         {"new patient", "existing patient", "NHS", "private", "child", "student"},
         {"takes 30 minutes", "includes x-rays", "payment plans available", "numbing available",
          "same-week appointments"},
         20,
         650,
         "08:00",
         "18:00",
         "an appointment",
         false},
        {{"Yoga Studio", "Pilates Studio", "Movement Space"},
         "classes",
         {"drop-in class", "10-class pass", "monthly membership", "beginners course", "private session",
          "hot yoga class", "reformer pilates class", "pregnancy yoga", "meditation session", "mat rental",
          "workshop", "aerial yoga class"},
         {"morning", "evening", "weekend", "student", "off-peak", "unlimited"},
         {"60 minutes", "all levels", "mats provided", "small groups of 12", "showers available",
          "book in the app"},
         5,
         120,
         "06:30",
         "21:00",
         "a class",
         false},
        {{"Hardware", "DIY Store", "Tool Shop"},
         "products",
         {"key cutting", "paint mixing", "drill hire", "ladder hire", "screws box", "timber cut to size",
          "light bulb", "garden hose", "padlock", "sealant", "wallpaper paste", "extension lead"},
         {"small", "large", "pack of 100", "trade", "per day", "per week"},
         {"cut while you wait", "deposit required", "in stock", "trade discount available",
          "ordered next day"},
         1.2,
         85,
         "07:30",
         "17:30",
         "a tool hire",
         true},
        {{"Sushi Bar", "Ramen House", "Noodle Kitchen"},
         "dishes",
         {"salmon nigiri", "tuna maki", "california roll", "tonkotsu ramen", "miso ramen", "gyoza", "edamame",
          "chicken katsu curry", "vegetable tempura", "miso soup", "mochi", "poke bowl", "teriyaki salmon"},
         {"small", "regular", "large", "vegan", "spicy", "set menu"},
         {"made to order", "sustainable fish", "house broth simmered 12 hours", "sesame", "soy",
          "pickled ginger", "wasabi"},
         3.5,
         26,
         "12:00",
         "22:00",
         "a table",
         true},
    };
    return k_kinds;
}

const Words k_first_names = {"Rosa",   "Marco", "Aisha", "Tom",   "Priya", "Jonas", "Mei",   "Carlos",
                             "Fatima", "Liam",  "Sofia", "Omar",  "Hana",  "Lukas", "Zoe",   "Kwame",
                             "Elena",  "Ravi",  "Ines",  "Noah",  "Yuki",  "Amara", "Pavel", "Lucia",
                             "Sam",    "Nadia", "Ben",   "Chloe", "Ahmed", "Greta", "Theo",  "Ana"};
const Words k_surnames = {"Bianchi", "Okafor", "Nguyen", "Schmidt", "Kowalski", "Haddad", "Silva",
                          "Murphy",  "Tanaka", "Patel",  "Moreau",  "Andersen", "Costa",  "Brennan",
                          "Ivanova", "Mensah", "Rossi",  "Fischer", "Duarte",   "Walsh",  "Kaur"};
const Words k_adjectives = {"Golden",    "Little", "Corner", "Green",   "Old Town", "Sunny",     "Blue Door",
                            "Riverside", "Happy",  "Urban",  "Village", "Copper",   "Red Brick", "Northern"};
const Words k_streets = {"High Street",  "Elm Road",      "Station Road",  "Church Lane",    "Market Square",
                         "Mill Lane",    "Victoria Road", "Park Avenue",   "King Street",    "Bridge Street",
                         "Canal Walk",   "Queen's Road",  "Orchard Way",   "Harbour Street", "Castle Hill",
                         "Union Street", "Albert Road",   "Chapel Street", "Green Lane",     "North Parade"};
const Words k_areas = {"Downtown",
                       "Riverside",
                       "Old Town",
                       "Northfield",
                       "Southgate",
                       "Westbury",
                       "Eastside",
                       "the Harbour",
                       "Greenhill",
                       "Kingsmead",
                       "Parkview",
                       "Millbrook",
                       "Ashford",
                       "Brookside",
                       "Castlefield",
                       "Hilltop",
                       "Lakeside",
                       "St Anne's",
                       "the University quarter",
                       "the Business Park",
                       "Meadowbank",
                       "Fairview",
                       "Oakwood",
                       "Stonebridge",
                       "Elmwood",
                       "Cherry Hill",
                       "Redcliffe",
                       "Bayside"};
const Words k_landmarks = {"post office",   "library",      "town hall",   "cinema",
                           "big Tesco",     "fire station", "clock tower", "art gallery",
                           "swimming pool", "market hall",  "cathedral",   "bank"};
const Words k_stations = {"Central",  "Northgate", "Riverside",  "Market Street",
                          "Victoria", "Parkway",   "University", "Harbour"};
const Words k_payments = {"Visa", "Mastercard", "American Express", "Apple Pay", "Google Pay", "cash"};
const Words k_allergens = {"gluten", "nuts", "dairy", "eggs", "sesame", "soy"};
const Words k_off_topic = {
    "Can you fix my washing machine?",
    "Do you sell concert tickets?",
    "Is the swimming pool open today?",
    "Who won the match last night?",
    "can you recommend a good plumber",
    "Do you know a taxi number?",
    "My package from another shop never arrived, what should I do?",
    "Are you hiring a night security guard?",
    "What's the weather going to be like tomorrow?",
    "Can I pay my council tax here?",
};

template <typename T>
const T& pick(Rng& rng, const std::vector<T>& from) {
    std::uniform_int_distribution<std::size_t> d(0, from.size() - 1);
    return from[d(rng)];
}

int between(Rng& rng, int lo, int hi) {
    return std::uniform_int_distribution<int>(lo, hi)(rng);
}

bool chance(Rng& rng, double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng) < p;
}

std::string price(Rng& rng, double lo, double hi) {
    double cents = std::round(std::uniform_real_distribution<double>(lo, hi)(rng) * 10) * 10;
    return fmt::format("${:.2f}", cents / 100);
}

std::string slug(std::string_view name) {
    std::string out;
    for (char c : name) {
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            out.push_back(c);
        } else if (c >= 'A' && c <= 'Z') {
            out.push_back(static_cast<char>(c - 'A' + 'a'));
        } else if (!out.empty() && out.back() != '-') {
            out.push_back('-');
        }
    }
    while (!out.empty() && out.back() == '-') {
        out.pop_back();
    }
    return out.substr(0, 40);
}

std::string business_name(Rng& rng, const Kind& kind) {
    std::string_view noun = pick(rng, kind.nouns);
    switch (between(rng, 0, 3)) {
    case 0:
        return fmt::format("{}'s {}", pick(rng, k_first_names), noun);
    case 1:
        return fmt::format("{} {}", pick(rng, k_surnames), noun);
    case 2:
        return fmt::format("The {} {}", pick(rng, k_adjectives), noun);
    default: {
        std::string_view street = pick(rng, k_streets);
        return fmt::format("{} {}", street.substr(0, street.find(' ')), noun);
    }
    }
}

// Per-business facts that several entries and questions share.
struct Facts {
    std::string street, area, landmark, station, email, phone, wifi;
    int street_number = 0, bus = 0;
    std::vector<std::string> areas;
    std::string sat_open, sat_close;
    bool sunday_open = false;
};

Facts make_facts(Rng& rng, const BusinessData& b) {
    Facts f;
    f.street = std::string(pick(rng, k_streets));
    f.area = std::string(pick(rng, k_areas));
    f.landmark = std::string(pick(rng, k_landmarks));
    f.station = std::string(pick(rng, k_stations));
    f.street_number = between(rng, 1, 240);
    f.bus = between(rng, 2, 99);
    f.email = fmt::format("hello@{}.example", slug(b.name));
    f.phone = fmt::format("020 7{:03} {:04}", between(rng, 0, 999), between(rng, 0, 9999));
    f.wifi = fmt::format("{}-guest", slug(b.name).substr(0, 12));
    std::set<std::string> areas;
    while (areas.size() < 4) {
        areas.insert(std::string(pick(rng, k_areas)));
    }
    f.areas.assign(areas.begin(), areas.end());
    f.sat_open = chance(rng, 0.5) ? "09:00" : "10:00";
    f.sat_close = chance(rng, 0.5) ? "16:00" : "17:30";
    f.sunday_open = chance(rng, 0.4);
    return f;
}

// The general entries every business has, in its own words and with its own facts.
std::vector<KnowledgeEntry> general_entries(Rng& rng, const BusinessData& b, const Kind& kind,
                                            const Facts& f) {
    std::string cat(kind.category);
    std::string allergen(pick(rng, k_allergens));
    std::string pay1(pick(rng, k_payments)), pay2(pick(rng, k_payments));
    int days = between(rng, 7, 30);
    std::vector<KnowledgeEntry> e = {
        {fmt::format("We are open Monday to Friday from {} to {}.", kind.opens, kind.closes), "hours"},
        {fmt::format("On Saturdays we open at {} and close at {}. {}", f.sat_open, f.sat_close,
                     f.sunday_open ? "On Sundays we open 10:00 to 15:00." : "We are closed on Sundays."),
         "hours weekend"},
        {"On bank holidays we keep Sunday hours. We are closed on Christmas Day, Boxing Day and New Year's "
         "Day.",
         "hours holidays"},
        {fmt::format("You can find us at {} {}, {}, next to the {}.", f.street_number, f.street, f.area,
                     f.landmark),
         "address location"},
        {fmt::format("The nearest bus stop is on {} (bus {}). {} station is a {}-minute walk away.", f.street,
                     f.bus, f.station, between(rng, 3, 15)),
         "directions transport"},
        {chance(rng, 0.5)
             ? fmt::format("There is free parking for {} cars behind the building.", between(rng, 4, 30))
             : fmt::format("We have no parking of our own; the {} car park is two minutes away and the first "
                           "hour is free.",
                           f.street),
         "parking"},
        {kind.delivers
             ? fmt::format("We deliver to {}, {}, {} and {}.", f.areas[0], f.areas[1], f.areas[2], f.areas[3])
             : fmt::format("We do not deliver, but you can order ahead and collect at {} {}.",
                           f.street_number, f.street),
         "delivery areas"},
        {kind.delivers ? fmt::format("Delivery costs {} and is free for orders over {}.", price(rng, 1.5, 5),
                                     price(rng, 20, 60))
                       : "Sorry, we have no delivery service at the moment.",
         "delivery fee"},
        {fmt::format("Deliveries usually arrive within {} minutes; at busy times it can take up to an hour.",
                     between(rng, 25, 60)),
         "delivery time"},
        {fmt::format("Click and collect: order by message and pick up from the counter {} minutes later.",
                     between(rng, 10, 40)),
         "collection pickup"},
        {fmt::format("We accept {}, {} and contactless payments. We do not take cheques.", pay1, pay2),
         "payment cards"},
        {fmt::format("Gift cards are available in store and online from $10 to $200 and are valid for {} "
                     "months.",
                     between(rng, 6, 36)),
         "gift cards vouchers"},
        {fmt::format("With our loyalty card every {}th visit gets 10% off. Ask for a card at the till.",
                     between(rng, 5, 10)),
         "loyalty rewards"},
        {fmt::format("Free Wi-Fi for customers: the network is {} and the password is on your receipt.",
                     f.wifi),
         "wifi internet"},
        {"Our entrance is step-free and we have an accessible toilet. Assistance dogs are always welcome.",
         "accessibility wheelchair"},
        {chance(rng, 0.6) ? "Well-behaved dogs are welcome inside; we keep water bowls by the door."
                          : "Dogs are welcome on the terrace but not inside, except assistance dogs.",
         "dogs pets"},
        {fmt::format("To book {}, reply here with the date, time and number of people, or call us on {}.",
                     kind.book, f.phone),
         "booking reservations appointments"},
        {fmt::format("Please cancel at least {} hours ahead. Late cancellations may be charged {}.",
                     between(rng, 12, 48), price(rng, 5, 25)),
         "cancellation policy"},
        {fmt::format("Unused items can be returned within {} days with the receipt for a full refund.", days),
         "returns refunds"},
        {fmt::format("Please tell us about any allergy when you order. All our {} may contain traces of {}.",
                     cat, allergen),
         "allergies allergens"},
        {fmt::format("We have vegan and gluten-free {} every day; ask the team for today's choice.", cat),
         "vegan gluten-free dietary"},
        {"Children are welcome. We have high chairs and baby changing facilities.", "children kids family"},
        {fmt::format("We host private events and parties for up to {} guests. Message us for a quote.",
                     between(rng, 12, 80)),
         "events private hire parties"},
        {fmt::format("For large or corporate orders please give us {} days' notice.", between(rng, 2, 7)),
         "catering large orders corporate"},
        {fmt::format("You can email us at {}; we answer within one working day.", f.email), "email contact"},
        {fmt::format("Our phone number is {}.", f.phone), "phone contact"},
        {fmt::format("Follow us on Instagram at @{} for news and offers.", slug(b.name)), "instagram social"},
        {"We are hiring! Send your CV to our email address with the job you are interested in.",
         "jobs hiring"},
        {"Students and over-65s get 10% off from Monday to Thursday with valid ID.", "discounts students"},
        {fmt::format("We can give you a VAT receipt or an invoice for any purchase; just ask at {}.",
                     chance(rng, 0.5) ? "the counter" : "checkout"),
         "invoice receipt vat"},
        {"Lost something? We keep lost property for 30 days behind the counter.", "lost property"},
        {fmt::format("We source our ingredients and supplies from local producers in {} wherever we can.",
                     f.area),
         "local sourcing"},
    };
    return e;
}

std::string item_entry(Rng& rng, const Kind& kind, std::string_view size, std::string_view item) {
    std::string_view d1 = pick(rng, kind.describe), d2 = pick(rng, kind.describe);
    while (d2 == d1) {
        d2 = pick(rng, kind.describe);
    }
    std::string first = fmt::format("{} {}", size, item);
    first[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(first[0])));
    return fmt::format("{}: {}. {}, {}.", first, price(rng, kind.min_price, kind.max_price), d1, d2);
}

std::string capitalised(std::string s) {
    if (!s.empty()) {
        s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
    }
    return s;
}

} // namespace

BusinessData make_business(std::uint64_t seed, int index, int entries) {
    Rng rng(seed * 1000003ULL + static_cast<std::uint64_t>(index));
    const auto& all = kinds();
    BusinessData b;
    b.index = index;
    b.kind = index % static_cast<int>(all.size());
    const Kind& kind = all[static_cast<std::size_t>(b.kind)];
    b.name = business_name(rng, kind);
    b.id = fmt::format("{}-{}", slug(b.name), index);
    b.number = fmt::format("+4420{:08}", 10000 + index);
    b.owner = fmt::format("+4477{:08}", 10000 + index);
    b.hours = fmt::format("Mon-Fri {}-{}, Sat 10:00-17:00", kind.opens, kind.closes);
    b.greeting = chance(rng, 0.5) ? fmt::format("Hi! {} here. How can we help?", b.name) : "";
    Facts facts = make_facts(rng, b);
    b.areas = facts.areas;
    b.station = facts.station;

    auto general = general_entries(rng, b, kind, facts);
    std::shuffle(general.begin(), general.end(), rng);
    // Items: every (size, item) pair in a shuffled order, so each business lists a different selection.
    std::vector<std::pair<std::string_view, std::string_view>> pairs;
    for (auto size : kind.sizes) {
        for (auto item : kind.items) {
            pairs.emplace_back(size, item);
        }
    }
    std::shuffle(pairs.begin(), pairs.end(), rng);
    std::size_t n_general = std::min<std::size_t>(general.size(), static_cast<std::size_t>(entries) / 3);
    b.entries.assign(general.begin(), general.begin() + static_cast<std::ptrdiff_t>(n_general));
    for (const auto& [size, item] : pairs) {
        if (b.entries.size() >= static_cast<std::size_t>(entries)) {
            break;
        }
        b.entries.push_back(
            {item_entry(rng, kind, size, item), fmt::format("menu prices {}", kind.category)});
        b.items.push_back(fmt::format("{} {}", size, item));
    }
    // Kinds with short price lists fill up with the rest of the general entries.
    for (std::size_t i = n_general;
         i < general.size() && b.entries.size() < static_cast<std::size_t>(entries); ++i) {
        b.entries.push_back(general[i]);
    }
    return b;
}

std::string make_question(std::mt19937_64& rng, const BusinessData& b) {
    const Kind& kind = kinds()[static_cast<std::size_t>(b.kind)];
    std::string item = b.items.empty() ? std::string(kind.items.front()) : pick(rng, b.items);
    std::string area = b.areas.empty() ? "town" : pick(rng, b.areas);
    std::string cat(kind.category);
    std::string allergen(pick(rng, k_allergens));
    int topic = between(rng, 0, 99);
    if (topic < 3) {
        return std::string(pick(rng, Words{"Hi", "Hello!", "hey there", "Good morning"}));
    }
    if (topic < 10) {
        return std::string(pick(rng, Words{"What time do you open on Saturday?", "are you open on sunday",
                                           "What are your opening hours?", "When do you close today?"}));
    }
    if (topic < 18) {
        return std::string(pick(rng, Words{"Where are you located?", "What's your address?",
                                           "Is there parking nearby?", "where can I park"})) +
               (chance(rng, 0.3) ? fmt::format(" I'm coming from {} station.", b.station) : "");
    }
    if (topic < 30) {
        switch (between(rng, 0, 3)) {
        case 0:
            return fmt::format("Do you deliver to {}?", area);
        case 1:
            return "How much is delivery?";
        case 2:
            return "how long does delivery take";
        default:
            return fmt::format("can I order for collection and pick it up later?");
        }
    }
    if (topic < 55) {
        switch (between(rng, 0, 2)) {
        case 0:
            return fmt::format("How much is the {}?", item);
        case 1:
            return fmt::format("Do you have {}?", item);
        default:
            return fmt::format("price of {}", item);
        }
    }
    if (topic < 63) {
        return fmt::format(
            fmt::runtime(std::string(
                pick(rng, Words{"Are your {0} free from {1}?", "Do you have vegan {0}?",
                                "I have an allergy to {1}, is that a problem?", "any gluten-free {0}?"}))),
            cat, allergen);
    }
    if (topic < 70) {
        return std::string(pick(rng, Words{"Can I pay by card?", "Do you take Apple Pay?", "cash only?",
                                           "Do you sell gift cards?", "can I buy a gift voucher online"}));
    }
    if (topic < 80) {
        return capitalised(fmt::format(
            fmt::runtime(std::string(
                pick(rng, Words{"can I book {} for friday", "I'd like to book {} please",
                                "how do I cancel {}", "can I bring my dog?", "do you have wifi",
                                "what is the wifi password", "Can I return something I bought last week?",
                                "are you wheelchair accessible?", "do you do student discount"}))),
            kind.book));
    }
    if (topic < 88) {
        return std::string(
            pick(rng, Words{"Do you host birthday parties?", "what's your email address",
                            "Are you hiring at the moment?", "can I get an invoice",
                            "I think I left my scarf there yesterday", "what's your phone number"}));
    }
    return std::string(pick(rng, k_off_topic));
}

std::string customer_number(int index) {
    return fmt::format("+1646{:07}", index);
}

std::string reply_customer_number(int index) {
    return fmt::format("+1917{:07}", index);
}

} // namespace sbc::bench
