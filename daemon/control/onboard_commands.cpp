// Onboarding many businesses, with their knowledge, in one request and one transaction: what a cron job or a
// provisioning script sends. Each row is created, updated or left unchanged; a row that fails is rolled back
// alone and reported, the others are applied.

#include "common/text.hpp"
#include "daemon/control/business_settings.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/knowledge_import.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/control/views.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>
#include <map>

namespace sbc::control {
namespace {

using store::Business;
using store::Database;

// Keeps one request a short transaction; sbcctl sends bigger files in batches of this size.
constexpr std::size_t k_max_onboard_rows = 1000;

// One row as the request gives it, checked; `error` set instead when it failed its checks.
struct Row {
    std::string id;
    Settings settings;
    std::vector<store::Entry> knowledge;
    std::optional<CommandError> error;
};

struct Outcome {
    std::string id;
    std::string status; // created, updated, unchanged, error
    std::vector<std::string> changed;
    std::int64_t knowledge_added = 0;
    int result = protocol::k_ok;
    std::string error;
};

std::string row_id(const Settings& s, const std::optional<std::string>& id) {
    if (id) {
        return *id;
    }
    auto slug = text::slugify(*s.name);
    if (!slug) {
        fail(protocol::k_invalid, slug.error().message);
    }
    return *slug;
}

// The id a failed row would have had, so that its error line names it; "" when even that cannot be told.
std::string best_effort_id(const nlohmann::json& item) {
    if (!item.is_object()) {
        return "";
    }
    if (auto id = item.find("id"); id != item.end() && id->is_string()) {
        return id->get<std::string>();
    }
    if (auto name = item.find("name"); name != item.end() && name->is_string()) {
        auto slug = text::slugify(name->get<std::string>());
        return slug ? *slug : "";
    }
    return "";
}

Row checked_row(const nlohmann::json& item) {
    Row row;
    try {
        if (!item.is_object()) {
            fail(protocol::k_invalid, "must be an object with name, number and owner");
        }
        Arguments args(item);
        auto id = args.optional_string("id");
        row.settings = read_settings(args, true);
        auto knowledge = item.find("knowledge");
        if (knowledge != item.end() && !knowledge->is_null()) {
            args.required_array("knowledge"); // marks it read for check_unknown()
            row.knowledge = checked_import(*knowledge);
        }
        args.check_unknown();
        if (!row.settings.name || !row.settings.number || !row.settings.owner) {
            fail(protocol::k_invalid, fmt::format("missing '{}'", !row.settings.name     ? "name"
                                                                  : !row.settings.number ? "number"
                                                                                         : "owner"));
        }
        row.id = row_id(row.settings, id);
        if (auto ok = text::check_slug(row.id); !ok) {
            fail(protocol::k_invalid, ok.error().message);
        }
    } catch (const CommandError& e) {
        row.error = e;
        row.id = best_effort_id(item);
    }
    return row;
}

// Creates or updates the business, then adds the knowledge entries it does not have yet (never removes).
Outcome apply_row(Database& db, const std::string& actor, const Row& row) {
    Outcome out{row.id, "unchanged", {}, 0, protocol::k_ok, {}};
    auto existing = store::find_business(db, row.id);
    Business b;
    if (existing) {
        b = *existing;
        out.changed = apply(row.settings, b);
        if (!out.changed.empty()) {
            if (auto free = check_number_free(db, b); !free) {
                throw CommandError{free.error().code, free.error().message};
            }
            store::update_business(db, b);
            store::record_event(db, actor, "business-update", b.id,
                                {{"before", business_json(*existing, 0)},
                                 {"after", business_json(b, 0)},
                                 {"changed", out.changed}});
            out.status = "updated";
        }
    } else {
        b.id = row.id;
        b.fallback = k_default_fallback;
        apply(row.settings, b);
        if (auto free = check_number_free(db, b); !free) {
            throw CommandError{free.error().code, free.error().message};
        }
        store::insert_business(db, b);
        store::record_event(db, actor, "business-register", b.id, {{"after", business_json(b, 0)}});
        out.status = "created";
    }
    for (auto entry : row.knowledge) {
        if (!store::has_entry_text(db, b.rowid, entry.text)) {
            entry.business_rowid = b.rowid;
            store::insert_entry(db, entry);
            ++out.knowledge_added;
        }
    }
    if (out.knowledge_added > 0) {
        store::record_event(db, actor, "kb-import", b.id, {{"added", out.knowledge_added}});
        if (out.status != "created") {
            out.status = "updated";
            out.changed.emplace_back("knowledge");
        }
    }
    return out;
}

// Each row in its own savepoint: a row that fails (say, a number another business owns) leaves no trace.
Outcome apply_in_savepoint(Database& db, const std::string& actor, const Row& row) {
    db.exec("SAVEPOINT onboard_row");
    try {
        auto out = apply_row(db, actor, row);
        db.exec("RELEASE onboard_row");
        return out;
    } catch (const CommandError& e) {
        db.exec("ROLLBACK TO onboard_row; RELEASE onboard_row");
        return Outcome{row.id, "error", {}, 0, e.result, e.text};
    } catch (...) {
        db.exec("ROLLBACK TO onboard_row; RELEASE onboard_row"); // a storage error fails the whole request
        throw;
    }
}

nlohmann::json outcome_json(std::size_t index, const Outcome& o) {
    nlohmann::json json = {{"index", index}, {"id", o.id}, {"status", o.status}};
    if (o.status == "error") {
        json["result"] = o.result;
        json["error"] = o.error;
    } else {
        json["changed"] = o.changed;
        json["knowledge_added"] = o.knowledge_added;
    }
    return json;
}

} // namespace

Response onboard(Context& ctx, Arguments& args) {
    const auto& items = args.required_array("businesses");
    bool dry_run = args.optional_bool("dry_run").value_or(false);
    args.check_unknown();
    if (items.size() > k_max_onboard_rows) {
        fail(protocol::k_invalid, fmt::format("{} businesses in one request; send at most {} per request",
                                              items.size(), k_max_onboard_rows));
    }
    std::vector<Row> rows;
    rows.reserve(items.size());
    for (const auto& item : items) {
        rows.push_back(checked_row(item));
    }
    std::vector<Outcome> outcomes(rows.size());
    // A dry run applies everything the same way and then rolls it all back: what it reports is exactly what
    // a real run would do now.
    constexpr int k_rolled_back = -1;
    auto written = ctx.store.write([&](Database& db) -> Result<bool> {
        for (std::size_t i = 0; i < rows.size(); ++i) {
            if (rows[i].error) {
                outcomes[i] = Outcome{rows[i].id, "error", {}, 0, rows[i].error->result, rows[i].error->text};
            } else {
                outcomes[i] = apply_in_savepoint(db, ctx.actor, rows[i]);
            }
        }
        if (dry_run) {
            return Error{k_rolled_back, "dry run"};
        }
        return true;
    });
    if (!written.ok() && written.error().code != k_rolled_back) {
        fail(written.error().code, written.error().message);
    }
    std::map<std::string, std::int64_t> counts = {
        {"created", 0}, {"updated", 0}, {"unchanged", 0}, {"error", 0}};
    nlohmann::json out_rows = nlohmann::json::array();
    int result = protocol::k_ok;
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
        ++counts[outcomes[i].status];
        if (outcomes[i].status == "error" && result == protocol::k_ok) {
            result = outcomes[i].result;
        }
        out_rows.push_back(outcome_json(i, outcomes[i]));
    }
    std::string text =
        fmt::format("{}{} businesses: {} created, {} updated, {} unchanged, {} failed",
                    dry_run ? "dry run, nothing changed: " : "", outcomes.size(), counts["created"],
                    counts["updated"], counts["unchanged"], counts["error"]);
    return {result, text, {{"rows", out_rows}, {"summary", counts}, {"dry_run", dry_run}}};
}

} // namespace sbc::control
