// Messages: trying the pipeline (send-test), sending by hand (send), and the message log (logs).

#include "common/phone.hpp"
#include "common/time_format.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/control/views.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>
#include <map>
#include <random>

namespace sbc::control {
namespace {

using store::Database;

constexpr std::size_t k_max_message_chars = 4096;
constexpr std::int64_t k_max_wait_ms = 30'000;

// A MessageSid for a test message: "SM" and 32 hex digits like Twilio's, with "test" so logs tell them apart.
std::string test_sid() {
    thread_local std::mt19937_64 rng{std::random_device{}()};
    return fmt::format("SMtest{:012x}{:016x}", rng() & 0xFFFFFFFFFFFF, rng());
}

pipeline::Pipeline& require_pipeline(Context& ctx) {
    if (ctx.pipeline == nullptr) {
        fail(protocol::k_error, "the message pipeline is not running in this sbcd");
    }
    return *ctx.pipeline;
}

// Business slugs by rowid, for showing messages.
std::map<std::int64_t, std::string> business_names(Database& db) {
    std::map<std::int64_t, std::string> names;
    auto s = db.prepare("SELECT id, slug FROM businesses");
    while (s.step()) {
        names[s.int64(0)] = s.text(1);
    }
    return names;
}

nlohmann::json messages_json(Database& db, const std::vector<store::Message>& messages) {
    auto names = business_names(db);
    nlohmann::json out = nlohmann::json::array();
    for (const auto& m : messages) {
        out.push_back(message_json(m, m.business_rowid ? names[*m.business_rowid] : ""));
    }
    return out;
}

} // namespace

Response send_test(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto text = checked_text("text", args.required_string("text"), k_max_message_chars);
    auto from_arg = args.optional_string("from");
    bool as_owner = args.optional_bool("owner").value_or(false);
    args.check_unknown();
    auto& pipeline = require_pipeline(ctx);
    auto b = unwrap(ctx.store.read([&](Database& db) { return business_or_error(db, business); }));
    if (!as_owner && !from_arg) {
        fail(protocol::k_invalid,
             "give the customer's number with 'from' (or 'owner': true to write as the owner)");
    }
    pipeline::Inbound in;
    in.sid = test_sid();
    in.from = as_owner ? b.owner : checked_phone("from", *from_arg);
    in.to = b.number;
    in.body = text;
    in.test = true;
    in.business_hint = b.id;
    in.received_at_ms = time_format::now_ms();
    auto outcome = unwrap(pipeline.handle(in));
    nlohmann::json replies = nlohmann::json::array();
    std::string reply;
    for (const auto& m : outcome.replies) {
        replies.push_back({{"to", m.customer}, {"body", m.body}, {"kind", m.kind}, {"status", m.status}});
        if (m.customer == in.from) {
            reply += (reply.empty() ? "" : "\n") + m.body;
        }
    }
    nlohmann::json out = {
        {"reply", reply},
        {"replies", replies},
        {"classification", outcome.classification},
        {"business", outcome.business_id.empty() ? b.id : outcome.business_id},
        {"from", in.from},
        {"message_id", outcome.message_id},
        {"entry", outcome.entry_number ? nlohmann::json(*outcome.entry_number) : nlohmann::json(nullptr)},
        {"score", outcome.confidence},
    };
    return {protocol::k_ok, reply.empty() ? "(no reply)" : reply, out};
}

Response send(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto to = checked_phone("to", args.required_string("to"));
    auto text = checked_text("text", args.required_string("text"), k_max_message_chars);
    args.check_unknown();
    auto& pipeline = require_pipeline(ctx);
    auto sent = unwrap(pipeline.send_manual(business, to, text, ctx.actor));
    auto json = unwrap(
        ctx.store.read([&](Database& db) -> Result<nlohmann::json> { return messages_json(db, sent); }));
    return {protocol::k_ok,
            fmt::format("queued {} message{} to {}", sent.size(), sent.size() == 1 ? "" : "s", to),
            {{"messages", json}}};
}

Response logs(Context& ctx, Arguments& args) {
    store::LogFilter filter;
    auto business = args.optional_string("business");
    if (auto customer = args.optional_string("customer")) {
        filter.customer = checked_phone("customer", *customer);
    }
    if (auto since = args.optional_string("since")) {
        auto parsed = time_format::parse_time(*since, time_format::now_ms());
        if (!parsed) {
            fail(protocol::k_invalid,
                 fmt::format("since: '{}' is not a time (use 2026-11-25, 2026-11-25T10:00, "
                             "or 15m, 2h, 3d ago)",
                             *since));
        }
        filter.since_ms = parsed;
    }
    filter.limit = static_cast<int>(args.optional_int("limit", 50, 1, 1000));
    filter.after_id = args.optional_int("after_id", 0, 0, INT64_MAX);
    auto wait_ms = args.optional_int("wait_ms", 0, 0, k_max_wait_ms);
    args.check_unknown();
    // Following: oldest first after the last id seen; otherwise the newest page.
    filter.newest_first = filter.after_id == 0;
    auto query = [&]() {
        return unwrap(ctx.store.read([&](Database& db) -> Result<nlohmann::json> {
            if (business) {
                auto b = business_or_error(db, *business);
                if (!b) {
                    return b.error();
                }
                filter.business_rowid = b->rowid;
            }
            auto list = store::list_messages(db, filter);
            return nlohmann::json{{"messages", messages_json(db, list)},
                                  {"last_id", store::last_message_id(db)}};
        }));
    };
    auto seen = ctx.store.commit_count();
    auto out = query();
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait_ms);
    while (out["messages"].empty() && std::chrono::steady_clock::now() < deadline) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        auto now_seen = ctx.store.wait_for_commit(seen, left);
        if (now_seen == seen) {
            break; // the deadline passed, or sbcd is stopping
        }
        seen = now_seen;
        out = query();
    }
    return {protocol::k_ok, fmt::format("{} messages", out["messages"].size()), out};
}

} // namespace sbc::control
