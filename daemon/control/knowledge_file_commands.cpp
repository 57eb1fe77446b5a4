// Files in the knowledge base: kb-add with a document (its passages become entries, as an owner's upload on
// WhatsApp does) and kb-attach (a file sent with an entry's answer). sbcctl sends the file's bytes as
// base64, never a path: sbcd runs as another user and must not read files on the operator's behalf.

#include "common/base64.hpp"
#include "common/time_format.hpp"
#include "daemon/config/config.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/knowledge_import.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/control/views.hpp"
#include "daemon/import/add_entries.hpp"
#include "daemon/import/document.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/media/media_types.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>

namespace sbc::control {
namespace {

using store::Database;

// The decoded bytes of a base64 argument, at most max_bytes of them.
std::string decoded(std::string_view key, const std::string& text, std::int64_t max_bytes) {
    auto bytes = base64::decode(text);
    if (!bytes) {
        fail(protocol::k_invalid, fmt::format("{} must be standard base64 with padding", key));
    }
    if (static_cast<std::int64_t>(bytes->size()) > max_bytes) {
        fail(protocol::k_invalid,
             fmt::format("the file is {} bytes, more than media.max_bytes ({})", bytes->size(), max_bytes));
    }
    return std::move(*bytes);
}

nlohmann::json attachment_json(const store::Attachment& a, const config::Config& config) {
    nlohmann::json out = {
        {"content_type", a.content_type}, {"bytes", a.bytes}, {"path", store::public_path(a)}};
    out["url"] = config.media_base_url().empty()
                     ? nlohmann::json(nullptr)
                     : nlohmann::json(config.media_base_url() + store::public_path(a));
    return out;
}

} // namespace

void add_attachments(Database& db, const store::Business& business, const std::vector<store::Entry>& entries,
                     nlohmann::json& json) {
    auto attachments = store::attachments_of(db, business.rowid);
    if (attachments.empty()) {
        return;
    }
    for (std::size_t i = 0; i < entries.size() && i < json.size(); ++i) {
        auto it = attachments.find(entries[i].rowid);
        if (it != attachments.end()) {
            json[i]["attachment"] = {{"content_type", it->second.content_type},
                                     {"bytes", it->second.bytes},
                                     {"path", store::public_path(it->second)}};
        }
    }
}

Response kb_add_document(Context& ctx, Arguments& args, const std::string& business,
                         const std::string& document) {
    auto raw_name = args.required_string("name");
    if (args.optional_string("text")) {
        fail(protocol::k_invalid, "give either text or document, not both");
    }
    auto tags = args.optional_string("tags");
    auto source = args.optional_string("source");
    args.check_unknown();
    auto kind = import::kind_for_name(raw_name);
    if (!kind) {
        fail(protocol::k_invalid,
             "name must end in .txt, .md, .csv or .pdf: the extension says how the document "
             "is split into entries");
    }
    auto bytes = decoded("document", document, ctx.config.media_max_bytes);
    std::string name = import::display_name(raw_name, *kind);
    import::ImportLimits limits;
    limits.pdftotext = ctx.config.media_pdftotext;
    auto passages = unwrap(import::document_passages(*kind, bytes, name, limits));
    std::string tag_text = tags ? checked_text("tags", *tags, 200, true) : "";
    std::string source_text = source ? checked_text("source", *source, 100, true) : "file:" + name;
    auto added = unwrap(ctx.store.write([&](Database& db) -> Result<import::Added> {
        auto b = business_or_error(db, business);
        if (!b) {
            return b.error();
        }
        return import::add_passages(db, b->rowid, b->id, passages, source_text, ctx.actor, tag_text);
    }));
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& e : added.entries) {
        entries.push_back(entry_json(e, business));
    }
    return {protocol::k_ok,
            fmt::format("added {} entr{} to {} from {} ({} already present)", added.entries.size(),
                        added.entries.size() == 1 ? "y" : "ies", business, name, added.unchanged),
            {{"entries", std::move(entries)},
             {"added", added.entries.size()},
             {"unchanged", added.unchanged},
             {"document", name}}};
}

Response kb_attach(Context& ctx, Arguments& args) {
    auto business = args.required_string("business");
    auto number = args.required_int("number");
    auto content = args.optional_string("content");
    auto name = args.optional_string("name");
    bool remove = args.optional_bool("remove").value_or(false);
    args.check_unknown();
    if (remove == content.has_value()) {
        fail(protocol::k_invalid, "give either content (and name) to attach a file, or remove: true");
    }
    std::optional<std::string> new_file; // written before the transaction, removed again if it fails
    store::Attachment attachment;
    if (content) {
        if (!name) {
            fail(protocol::k_invalid, "name is missing: its extension gives the file's type");
        }
        auto dot = name->rfind('.');
        auto type = dot == std::string::npos ? std::nullopt : media::attachable_type(name->substr(dot + 1));
        if (!type) {
            fail(protocol::k_invalid,
                 "name must end in .jpg, .jpeg, .png, .webp, .pdf, .mp4, .mp3 or .ogg (what "
                 "WhatsApp can show with a message)");
        }
        auto bytes = decoded("content", *content, ctx.config.media_max_bytes);
        if (bytes.empty()) {
            fail(protocol::k_invalid, "the file is empty");
        }
        if (!media::content_matches(*type, bytes)) {
            fail(protocol::k_invalid, fmt::format("the file's content is not {} although its name says so "
                                                  "(Twilio refuses such files): check the file",
                                                  *type));
        }
        attachment.content_type = *type;
        attachment.bytes = static_cast<std::int64_t>(bytes.size());
        attachment.token = media::new_token();
        attachment.created_at = time_format::now_ms();
        // The business's rowid names the folder; look it up before writing the file.
        auto rowid = unwrap(ctx.store.read([&](Database& db) -> Result<std::int64_t> {
            auto b = business_or_error(db, business);
            if (!b) {
                return b.error();
            }
            return b->rowid;
        }));
        std::string error;
        new_file =
            media::write_new_file(ctx.config.data_dir, rowid, *media::extension_for(*type), bytes, error);
        if (!new_file) {
            fail(protocol::k_error, error);
        }
        attachment.file = *new_file;
    }
    std::optional<std::string> old_file;
    auto result = ctx.store.write([&](Database& db) -> Result<nlohmann::json> {
        auto entry = entry_or_error(db, business, number);
        if (!entry) {
            return entry.error();
        }
        if (remove) {
            old_file = store::remove_attachment(db, entry->rowid);
            if (!old_file) {
                return Error{protocol::k_not_found,
                             fmt::format("entry {} of {} has no attachment", number, business)};
            }
            store::record_event(db, ctx.actor, "kb-detach", business, {{"number", number}});
            return entry_json(*entry, business);
        }
        attachment.business_rowid = entry->business_rowid;
        attachment.entry_rowid = entry->rowid;
        old_file = store::set_attachment(db, attachment);
        store::record_event(
            db, ctx.actor, "kb-attach", business,
            {{"number", number}, {"content_type", attachment.content_type}, {"bytes", attachment.bytes}});
        auto json = entry_json(*entry, business);
        json["attachment"] = attachment_json(attachment, ctx.config);
        return json;
    });
    if (!result) {
        if (new_file) {
            media::remove_file(ctx.config.data_dir, *new_file);
        }
        fail(result.error().code, result.error().message);
    }
    // The row is gone or points elsewhere now: the old file is nobody's.
    if (old_file) {
        media::remove_file(ctx.config.data_dir, *old_file);
    }
    return {protocol::k_ok,
            remove ? fmt::format("removed the attachment of entry {} of {}", number, business)
                   : fmt::format("attached {} ({} bytes) to entry {} of {}", attachment.content_type,
                                 attachment.bytes, number, business),
            {{"entry", *result}}};
}

} // namespace sbc::control
