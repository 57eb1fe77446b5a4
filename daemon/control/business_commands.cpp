// Registering and managing businesses.

#include "common/text.hpp"
#include "daemon/control/business_settings.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/control/views.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/satisfaction_repo.hpp"
#include "daemon/store/stats_repo.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/usage_repo.hpp"

#include <cmath>
#include <fmt/format.h>

namespace sbc::control {
namespace {

using store::Business;
using store::Database;

} // namespace

Settings read_settings(Arguments& args, bool with_paused) {
    Settings s;
    if (auto v = args.optional_string("name")) {
        s.name = checked_text("name", *v, k_max_name_chars);
    }
    if (auto v = args.optional_string("number")) {
        s.number = checked_phone("number", *v);
    }
    if (auto v = args.optional_string("owner")) {
        s.owner = checked_phone("owner", *v);
    }
    if (auto v = args.optional_string("greeting")) {
        s.greeting = checked_text("greeting", *v, k_max_setting_chars, true);
    }
    if (auto v = args.optional_string("hours")) {
        s.hours = checked_text("hours", *v, k_max_setting_chars, true);
    }
    if (auto v = args.optional_string("timezone")) {
        s.timezone = checked_timezone(*v);
    }
    if (auto v = args.optional_string("fallback")) {
        s.fallback = checked_text("fallback", *v, k_max_setting_chars);
    }
    s.shared = args.optional_bool("shared");
    if (with_paused) {
        s.paused = args.optional_bool("paused");
    }
    return s;
}

// Applies the settings given; returns the names of the fields that changed.
std::vector<std::string> apply(const Settings& s, Business& b) {
    std::vector<std::string> changed;
    auto set = [&](const auto& value, auto& field, const char* name) {
        if (value && *value != field) {
            field = *value;
            changed.emplace_back(name);
        }
    };
    set(s.name, b.name, "name");
    set(s.number, b.number, "number");
    set(s.owner, b.owner, "owner");
    set(s.shared, b.shared, "shared");
    set(s.paused, b.paused, "paused");
    set(s.greeting, b.greeting, "greeting");
    set(s.hours, b.hours, "hours");
    set(s.timezone, b.timezone, "timezone");
    set(s.fallback, b.fallback, "fallback");
    return changed;
}

// A number belongs to one business, unless every business on it (this one included) is marked shared.
Status check_number_free(Database& db, const Business& b) {
    for (const auto& other : store::businesses_on_number(db, b.number)) {
        if (other.rowid != b.rowid && !(other.shared && b.shared)) {
            return Error{
                protocol::k_conflict,
                fmt::format("WhatsApp number {} already belongs to business '{}' (mark both --shared to "
                            "let several businesses answer on one number)",
                            b.number, other.id)};
        }
    }
    return ok_status();
}

namespace {

nlohmann::json audit(const Business& b) {
    return business_json(b, 0);
}

struct Registered {
    std::string status;
    Business business;
    std::int64_t knowledge = 0;
};

Result<Registered> register_in(Database& db, Context& ctx, Business wanted, const Settings& given) {
    if (auto existing = store::find_business(db, wanted.id)) {
        Business merged = *existing;
        auto changed = apply(given, merged);
        if (!changed.empty()) {
            return Error{
                protocol::k_conflict,
                fmt::format("business '{}' already exists with a different {} (use sbcctl business update "
                            "{} to change it)",
                            wanted.id, changed.front(), wanted.id)};
        }
        return Registered{"unchanged", *existing, store::count_entries(db, existing->rowid)};
    }
    if (auto free = check_number_free(db, wanted); !free) {
        return free.error();
    }
    store::insert_business(db, wanted);
    store::record_event(db, ctx.actor, "business-register", wanted.id, {{"after", audit(wanted)}});
    return Registered{"created", wanted, 0};
}

} // namespace

Response business_register(Context& ctx, Arguments& args) {
    Settings given = read_settings(args, false);
    auto id_arg = args.optional_string("id");
    args.check_unknown();
    if (!given.name || !given.number || !given.owner) {
        fail(protocol::k_invalid, fmt::format("missing argument '{}'", !given.name     ? "name"
                                                                       : !given.number ? "number"
                                                                                       : "owner"));
    }
    Business wanted;
    if (id_arg) {
        wanted.id = *id_arg;
    } else if (auto slug = text::slugify(*given.name)) {
        wanted.id = *slug;
    } else {
        fail(protocol::k_invalid, slug.error().message); // bad input, not a daemon error
    }
    if (auto ok = text::check_slug(wanted.id); !ok) {
        fail(protocol::k_invalid, ok.error().message);
    }
    wanted.fallback = k_default_fallback;
    apply(given, wanted);
    auto done = unwrap(ctx.store.write([&](Database& db) { return register_in(db, ctx, wanted, given); }));
    std::string text = done.status == "created" ? fmt::format("registered business '{}' on {}",
                                                              done.business.id, done.business.number)
                                                : fmt::format("business '{}' unchanged", done.business.id);
    return {protocol::k_ok,
            text,
            {{"status", done.status}, {"business", business_json(done.business, done.knowledge)}}};
}

Response business_list(Context& ctx, Arguments& args) {
    args.check_unknown();
    auto list = unwrap(ctx.store.read([](Database& db) -> Result<nlohmann::json> {
        nlohmann::json out = nlohmann::json::array();
        for (const auto& b : store::list_businesses(db)) {
            out.push_back(business_json(b, store::count_entries(db, b.rowid)));
        }
        return out;
    }));
    return {protocol::k_ok,
            fmt::format("{} business{}", list.size(), list.size() == 1 ? "" : "es"),
            {{"businesses", list}}};
}

Response business_show(Context& ctx, Arguments& args) {
    auto id = args.required_string("id");
    args.check_unknown();
    auto json = unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
        auto b = business_or_error(db, id);
        if (!b) {
            return b.error();
        }
        return business_json(*b, store::count_entries(db, b->rowid));
    }));
    return {protocol::k_ok, fmt::format("business '{}'", id), {{"business", json}}};
}

// LLM on/off and tone live in business_ai (AI answers); applied like the other settings.
std::vector<std::string> apply_ai(Database& db, std::int64_t rowid, std::optional<bool> llm,
                                  const std::optional<std::string>& tone, store::AiSettings& ai) {
    ai = store::ai_settings(db, rowid);
    std::vector<std::string> changed;
    if (llm && *llm != ai.llm) {
        ai.llm = *llm;
        changed.emplace_back("llm");
    }
    if (tone && *tone != ai.tone) {
        ai.tone = *tone;
        changed.emplace_back("tone");
    }
    if (!changed.empty()) {
        store::set_ai_settings(db, rowid, ai);
    }
    return changed;
}

Response business_update(Context& ctx, Arguments& args) {
    auto id = args.required_string("id");
    Settings given = read_settings(args, true);
    auto llm = args.optional_bool("llm");
    auto satisfaction = args.optional_bool("satisfaction");
    std::optional<std::string> tone;
    if (auto v = args.optional_string("tone")) {
        tone = checked_text("tone", *v, k_max_setting_chars, true);
    }
    args.check_unknown();
    struct Updated {
        Business business;
        std::vector<std::string> changed;
        std::int64_t knowledge;
        store::AiSettings ai;
        bool satisfaction = false;
    };
    auto done = unwrap(ctx.store.write([&](Database& db) -> Result<Updated> {
        auto found = business_or_error(db, id);
        if (!found) {
            return found.error();
        }
        Business b = *found;
        auto changed = apply(given, b);
        if (!changed.empty()) {
            if (auto free = check_number_free(db, b); !free) {
                return free.error();
            }
            store::update_business(db, b);
            store::record_event(db, ctx.actor, "business-update", b.id,
                                {{"before", audit(*found)}, {"after", audit(b)}, {"changed", changed}});
        }
        store::AiSettings ai;
        auto ai_changed = apply_ai(db, b.rowid, llm, tone, ai);
        if (!ai_changed.empty()) {
            store::record_event(db, ctx.actor, "business-update", b.id,
                                {{"after", {{"llm", ai.llm}, {"tone", ai.tone}}}, {"changed", ai_changed}});
            changed.insert(changed.end(), ai_changed.begin(), ai_changed.end());
        }
        bool asks = store::survey_enabled(db, b.rowid);
        if (satisfaction && *satisfaction != asks) {
            asks = *satisfaction;
            store::set_survey_enabled(db, b.rowid, asks);
            store::record_event(db, ctx.actor, "business-update", b.id,
                                {{"after", {{"satisfaction", asks}}}, {"changed", {"satisfaction"}}});
            changed.emplace_back("satisfaction");
        }
        return Updated{b, changed, store::count_entries(db, b.rowid), ai, asks};
    }));
    bool changed = !done.changed.empty();
    std::string text = changed ? fmt::format("updated business '{}': {}", id, fmt::join(done.changed, ", "))
                               : fmt::format("business '{}' unchanged", id);
    return {protocol::k_ok,
            text,
            {{"status", changed ? "updated" : "unchanged"},
             {"business", business_json(done.business, done.knowledge)},
             {"ai", {{"llm", done.ai.llm}, {"tone", done.ai.tone}}},
             {"satisfaction", done.satisfaction},
             {"changed", done.changed}}};
}

Response business_remove(Context& ctx, Arguments& args) {
    auto id = args.required_string("id");
    args.check_unknown();
    auto removed = unwrap(ctx.store.write([&](Database& db) -> Result<nlohmann::json> {
        auto found = business_or_error(db, id);
        if (!found) {
            return found.error();
        }
        auto json = business_json(*found, store::count_entries(db, found->rowid));
        store::delete_business(db, found->rowid);
        store::record_event(db, ctx.actor, "business-remove", id, {{"before", json}});
        return json;
    }));
    return {protocol::k_ok,
            fmt::format("removed business '{}' and its {} knowledge entries", id,
                        removed["knowledge_count"].get<int>()),
            {{"business", removed}}};
}

} // namespace sbc::control

namespace sbc::control {

Response business_stats(Context& ctx, Arguments& args) {
    auto id = args.required_string("id");
    args.check_unknown();
    store::ProviderUsage usage;
    store::Satisfaction rated;
    bool asks = false;
    auto st = unwrap(ctx.store.read([&](Database& db) -> Result<store::BusinessStats> {
        auto b = business_or_error(db, id);
        if (!b) {
            return b.error();
        }
        usage = store::provider_usage(db, b->rowid);
        rated = store::satisfaction(db, b->rowid);
        asks = store::survey_enabled(db, b->rowid);
        return store::business_stats(db, b->rowid);
    }));
    nlohmann::json out = {
        {"business", id},
        {"total_queries", st.queries},
        {"answered", st.answered},
        {"unanswered", st.unanswered},
        {"knowledge_base_size", st.knowledge},
        {"messages_sent", st.sent},
        {"messages_failed", st.failed},
        {"messages_pending", st.pending},
        {"avg_response_ms", st.avg_response_ms},
        {"p95_response_ms", st.p95_response_ms},
        {"recent_unanswered", st.recent_unanswered},
        {"llm_calls", usage.chat.calls},
        {"llm_failures", usage.chat.failures},
        {"prompt_tokens", usage.chat.prompt_tokens},
        {"completion_tokens", usage.chat.completion_tokens},
        {"chat_cost_usd", usage.chat.cost_usd},
        {"embedding_calls", usage.embedding.calls},
        {"embedding_failures", usage.embedding.failures},
        {"embedding_tokens", usage.embedding.prompt_tokens},
        {"embedding_cost_usd", usage.embedding.cost_usd},
        {"estimated_cost_usd", usage.chat.cost_usd + usage.embedding.cost_usd},
        {"satisfaction_survey", asks},
        {"ratings", rated.ratings},
        // The mean rating to one decimal, as the seed's API shows it (4.8); null before the first rating.
        {"customer_satisfaction",
         rated.average ? nlohmann::json(std::round(*rated.average * 10) / 10) : nlohmann::json()},
    };
    return {protocol::k_ok,
            fmt::format("{}: {} questions, {} answered, {} unanswered", id, st.queries, st.answered,
                        st.unanswered),
            out};
}

} // namespace sbc::control
