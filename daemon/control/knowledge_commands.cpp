// Managing a business's knowledge base.

#include "daemon/answer/query_terms.hpp"
#include "daemon/config/config.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/knowledge_import.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/control/views.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>

namespace sbc::control {
namespace {

using store::Database;
using store::Entry;

constexpr std::size_t k_max_tags_chars = 200;
constexpr std::size_t k_max_source_chars = 100;
constexpr std::size_t k_max_import_entries = 20000;

// An entry as a request describes it, checked; `where` prefixes errors ("entries[3].text").
Entry checked_entry(std::string_view where, std::string_view text, std::optional<std::string> tags,
                    std::optional<std::string> source) {
    Entry e;
    e.text = checked_text(fmt::format("{}text", where), text, k_max_entry_chars);
    e.tags = tags ? checked_text(fmt::format("{}tags", where), *tags, k_max_tags_chars, true) : "";
    e.source =
        source ? checked_text(fmt::format("{}source", where), *source, k_max_source_chars, true) : "cli";
    return e;
}

std::optional<std::string> optional_member(const nlohmann::json& object, const char* key,
                                           std::string_view where) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) {
        return std::nullopt;
    }
    if (!it->is_string()) {
        fail(protocol::k_invalid, fmt::format("{}{} must be a string", where, key));
    }
    return it->get<std::string>();
}

} // namespace

std::vector<Entry> checked_import(const nlohmann::json& entries) {
    if (entries.size() > k_max_import_entries) {
        fail(protocol::k_invalid, fmt::format("{} entries in one request; send at most {} per request",
                                              entries.size(), k_max_import_entries));
    }
    std::vector<Entry> out;
    out.reserve(entries.size());
    for (std::size_t i = 0; i < entries.size(); ++i) {
        std::string where = fmt::format("entries[{}].", i);
        const auto& item = entries[i];
        if (!item.is_object()) {
            fail(protocol::k_invalid, fmt::format("entries[{}] must be an object with \"text\"", i));
        }
        for (const auto& [key, value] : item.items()) {
            if (key != "text" && key != "tags" && key != "source") {
                fail(protocol::k_invalid,
                     fmt::format("{}{}: unknown field (use text, tags, source)", where, key));
            }
        }
        auto text = optional_member(item, "text", where);
        if (!text) {
            fail(protocol::k_invalid, fmt::format("{}text is missing", where));
        }
        out.push_back(checked_entry(where, *text, optional_member(item, "tags", where),
                                    optional_member(item, "source", where)));
    }
    return out;
}

namespace {

nlohmann::json entries_json(const std::vector<Entry>& entries, std::string_view business) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : entries) {
        out.push_back(entry_json(e, business));
    }
    return out;
}

} // namespace

Response kb_add(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    // A document (sbcctl kb add --file) is split into passages, one entry each (knowledge_file_commands.cpp).
    if (auto document = args.optional_string("document")) {
        return kb_add_document(ctx, args, business, *document);
    }
    auto text = args.required_string("text");
    Entry entry = checked_entry("", text, args.optional_string("tags"), args.optional_string("source"));
    args.check_unknown();
    auto added = unwrap(ctx.store.write([&](Database& db) -> Result<Entry> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        entry.business_rowid = b->rowid;
        store::insert_entry(db, entry);
        store::record_event(db, ctx.actor, "kb-add", business, {{"after", entry_json(entry, business)}});
        return entry;
    }));
    return {protocol::k_ok,
            fmt::format("added entry {} to {}", added.number, business),
            {{"entry", entry_json(added, business)}}};
}

Response kb_list(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto limit = args.optional_int("limit", 100, 1, 1000);
    auto offset = args.optional_int("offset", 0, 0, INT64_MAX);
    args.check_unknown();
    auto out = unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        auto listed = store::list_entries(db, b->rowid, limit, offset);
        auto entries = entries_json(listed, business);
        add_attachments(db, *b, listed, entries);
        return nlohmann::json{{"entries", std::move(entries)}, {"total", store::count_entries(db, b->rowid)}};
    }));
    return {protocol::k_ok,
            fmt::format("{} of {} entries", out["entries"].size(), out["total"].get<std::int64_t>()), out};
}

Response kb_search(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto query = args.required_string("query");
    auto limit = args.optional_int("limit", 5, 1, 100);
    args.check_unknown();
    auto terms = answer::query_terms(query);
    auto out = unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        nlohmann::json results = nlohmann::json::array();
        for (const auto& hit : store::search_entries(db, b->rowid, terms, static_cast<int>(limit))) {
            auto item = entry_json(hit.entry, business);
            item["score"] = hit.score;
            results.push_back(std::move(item));
        }
        return results;
    }));
    if (out.empty()) {
        return {protocol::k_ok,
                fmt::format("no entry of {} matches '{}'", business, query),
                {{"results", out}, {"terms", terms}}};
    }
    return {
        protocol::k_ok, fmt::format("{} matching entries", out.size()), {{"results", out}, {"terms", terms}}};
}

Response kb_remove(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto number = args.required_int("number");
    args.check_unknown();
    std::optional<std::string> attachment_file; // removed after the commit: the row goes first
    auto removed = unwrap(ctx.store.write([&](Database& db) -> Result<nlohmann::json> {
        auto entry = entry_or_error(db, business, number);
        if (!entry) {
            return entry.error();
        }
        auto json = entry_json(*entry, business);
        if (auto attachment = store::find_attachment(db, entry->rowid)) {
            attachment_file = attachment->file;
        }
        store::delete_entry(db, entry->rowid);
        store::record_event(db, ctx.actor, "kb-remove", business, {{"before", json}});
        return json;
    }));
    if (attachment_file) {
        media::remove_file(ctx.config.data_dir, *attachment_file);
    }
    return {protocol::k_ok, fmt::format("removed entry {} from {}", number, business), {{"entry", removed}}};
}

Response kb_import(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto entries = checked_import(args.required_array("entries"));
    args.check_unknown();
    struct Counts {
        std::int64_t added = 0, unchanged = 0;
    };
    auto counts = unwrap(ctx.store.write([&](Database& db) -> Result<Counts> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        Counts c;
        for (auto& e : entries) {
            if (store::has_entry_text(db, b->rowid, e.text)) {
                ++c.unchanged;
                continue;
            }
            e.business_rowid = b->rowid;
            store::insert_entry(db, e);
            ++c.added;
        }
        if (c.added > 0) {
            store::record_event(db, ctx.actor, "kb-import", business, {{"added", c.added}});
        }
        return c;
    }));
    return {protocol::k_ok,
            fmt::format("imported into {}: {} added, {} already present", business, counts.added,
                        counts.unchanged),
            {{"added", counts.added}, {"unchanged", counts.unchanged}}};
}

Response kb_export(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto after = args.optional_int("after", 0, 0, INT64_MAX);
    auto limit = args.optional_int("limit", 1000, 1, 5000);
    args.check_unknown();
    auto page = unwrap(ctx.store.read([&](Database& db) -> Result<std::vector<Entry>> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        return store::entries_after(db, b->rowid, after, limit);
    }));
    nlohmann::json next = nullptr;
    if (static_cast<std::int64_t>(page.size()) == limit) {
        next = page.back().number;
    }
    return {protocol::k_ok,
            fmt::format("{} entries", page.size()),
            {{"entries", entries_json(page, business)}, {"next_after", next}}};
}

} // namespace sbc::control
