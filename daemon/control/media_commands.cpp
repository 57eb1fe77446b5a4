// Media: the files messages carried (list, show, remove) and a business's answer to customers' media.

#include "common/time_format.hpp"
#include "daemon/config/config.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/media_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>
#include <map>

namespace sbc::control {
namespace {

using store::Database;

constexpr std::size_t k_max_reply_chars = 1000;

nlohmann::json media_json(const store::Media& m, std::string_view business, const std::string& data_dir) {
    nlohmann::json path = nullptr;
    if (m.file) {
        if (auto p = media::path_of(data_dir, *m.file)) {
            path = *p;
        }
    }
    return {
        {"id", m.id},
        {"business", business},
        {"message_id", m.message_id},
        {"message_sid", m.message_sid ? nlohmann::json(*m.message_sid) : nlohmann::json(nullptr)},
        {"customer", m.customer},
        {"position", m.position},
        {"content_type", m.content_type},
        {"state", m.state},
        {"file", m.file ? nlohmann::json(*m.file) : nlohmann::json(nullptr)},
        {"path", path},
        {"bytes", m.bytes ? nlohmann::json(*m.bytes) : nlohmann::json(nullptr)},
        {"attempts", m.attempts},
        {"error", m.last_error ? nlohmann::json(*m.last_error) : nlohmann::json(nullptr)},
        {"created_at", time_format::iso8601_ms(m.created_at)},
    };
}

std::map<std::int64_t, std::string> business_slugs(Database& db) {
    std::map<std::int64_t, std::string> names;
    auto s = db.prepare("SELECT id, slug FROM businesses");
    while (s.step()) {
        names[s.int64(0)] = s.text(1);
    }
    return names;
}

// Errors are returned, not thrown: the lambdas run on the store's threads.
Result<store::Media> media_or_error(Database& db, std::int64_t id) {
    auto m = store::find_media(db, id);
    if (!m) {
        return Error{protocol::k_not_found,
                     fmt::format("media {} not found (sbcctl media list shows the stored ones)", id)};
    }
    return *m;
}

} // namespace

Response media_list(Context& ctx, Arguments& args) {
    auto business = args.optional_string("business");
    auto limit = args.optional_int("limit", 50, 1, 1000);
    args.check_unknown();
    auto out = unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
        std::optional<std::int64_t> rowid;
        if (business) {
            auto b = business_or_error(db, *business);
            if (!b) {
                return b.error();
            }
            rowid = b->rowid;
        }
        auto names = business_slugs(db);
        nlohmann::json list = nlohmann::json::array();
        for (const auto& m : store::list_media(db, rowid, static_cast<int>(limit))) {
            list.push_back(media_json(m, names[m.business_rowid], ctx.config.data_dir));
        }
        return list;
    }));
    return {protocol::k_ok, out.empty() ? "no media" : "", {{"media", out}}};
}

Response media_show(Context& ctx, Arguments& args) {
    auto id = args.required_int("id");
    args.check_unknown();
    auto out = unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
        auto m = media_or_error(db, id);
        if (!m) {
            return m.error();
        }
        return media_json(*m, business_slugs(db)[m->business_rowid], ctx.config.data_dir);
    }));
    return {protocol::k_ok, "", {{"media", out}}};
}

// The row goes first, then the file: a crash in between leaves an unreferenced file, which the start-up
// sweep removes; the reverse order could leave a row pointing at nothing.
Response media_remove(Context& ctx, Arguments& args) {
    auto id = args.required_int("id");
    args.check_unknown();
    auto removed = unwrap(ctx.store.write([&](Database& db) -> Result<store::Media> {
        auto m = media_or_error(db, id);
        if (!m) {
            return m.error();
        }
        store::delete_media(db, id);
        auto slug = business_slugs(db)[m->business_rowid];
        store::record_event(
            db, ctx.actor, "media-remove", slug,
            {{"id", id}, {"file", m->file ? nlohmann::json(*m->file) : nlohmann::json(nullptr)}});
        return m;
    }));
    bool file_removed = removed.file && media::remove_file(ctx.config.data_dir, *removed.file);
    return {protocol::k_ok,
            fmt::format("removed media {}{}", id, file_removed ? " and its file" : ""),
            {{"id", id}, {"file_removed", file_removed}}};
}

Response media_settings(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto reply = args.optional_string("reply");
    auto notify = args.optional_bool("notify_owner");
    args.check_unknown();
    if (reply) {
        *reply = checked_text("reply", *reply, k_max_reply_chars, true);
    }
    auto out = unwrap(ctx.store.write([&](Database& db) -> Result<store::MediaSettings> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        auto settings = store::media_settings(db, b->rowid);
        if (reply || notify) {
            auto before = settings;
            if (reply) {
                settings.reply = *reply;
            }
            if (notify) {
                settings.notify_owner = *notify;
            }
            store::set_media_settings(db, b->rowid, settings);
            store::record_event(
                db, ctx.actor, "media-settings", business,
                {{"before", {{"reply", before.reply}, {"notify_owner", before.notify_owner}}},
                 {"after", {{"reply", settings.reply}, {"notify_owner", settings.notify_owner}}}});
        }
        return settings;
    }));
    return {protocol::k_ok,
            fmt::format("{}: media answer \"{}\", owner {}notified", business,
                        out.reply.empty() ? "Thanks, we received your photo. (default)" : out.reply,
                        out.notify_owner ? "" : "not "),
            {{"business", business}, {"reply", out.reply}, {"notify_owner", out.notify_owner}}};
}

} // namespace sbc::control
