// A business's synonyms: word pairs the answerer treats as the same (the control side of !synonym).

#include "daemon/answer/synonym_words.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/synonym_repo.hpp"

#include <fmt/format.h>

namespace sbc::control {
namespace {

using store::Database;

answer::SynonymPair checked_pair(Arguments& args) {
    auto word = args.required_string("word");
    auto synonym = args.required_string("synonym");
    args.check_unknown();
    auto pair = answer::check_synonym_pair(word, synonym);
    if (!pair) {
        fail(protocol::k_invalid, pair.error().message + "; give two single words, e.g. delivery shipping");
    }
    return std::move(*pair);
}

nlohmann::json pair_json(const std::string& word, const std::string& synonym) {
    return {{"word", word}, {"synonym", synonym}};
}

} // namespace

Response kb_synonym_add(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto pair = checked_pair(args);
    auto added = unwrap(ctx.store.write([&](Database& db) -> Result<bool> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        if (!store::add_synonym(db, b->rowid, pair.word, pair.synonym)) {
            return false;
        }
        store::record_event(db, ctx.actor, "synonym-add", business, pair_json(pair.word, pair.synonym));
        return true;
    }));
    auto text =
        added
            ? fmt::format("{} now treats {} and {} as the same word", business, pair.word, pair.synonym)
            : fmt::format("{} already treats {} and {} as the same word", business, pair.word, pair.synonym);
    return {protocol::k_ok, text, {{"synonym", pair_json(pair.word, pair.synonym)}, {"added", added}}};
}

Response kb_synonym_list(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    args.check_unknown();
    auto pairs = unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        nlohmann::json out = nlohmann::json::array();
        for (const auto& p : store::list_synonyms(db, b->rowid)) {
            out.push_back(pair_json(p.word, p.synonym));
        }
        return out;
    }));
    return {protocol::k_ok,
            fmt::format("{} synonym pair{} of {}", pairs.size(), pairs.size() == 1 ? "" : "s", business),
            {{"synonyms", pairs}}};
}

Response kb_synonym_remove(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto pair = checked_pair(args);
    unwrap(ctx.store.write([&](Database& db) -> Result<bool> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        if (!store::remove_synonym(db, b->rowid, pair.word, pair.synonym)) {
            return Error{
                protocol::k_not_found,
                fmt::format("{} has no synonym {} = {} (sbcctl kb synonym list --business {} shows them)",
                            business, pair.word, pair.synonym, business)};
        }
        store::record_event(db, ctx.actor, "synonym-remove", business, pair_json(pair.word, pair.synonym));
        return true;
    }));
    return {protocol::k_ok,
            fmt::format("removed the synonym {} = {} from {}", pair.word, pair.synonym, business),
            {{"synonym", pair_json(pair.word, pair.synonym)}}};
}

} // namespace sbc::control
