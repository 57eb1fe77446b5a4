#include "daemon/pipeline/owner_uploads.hpp"

#include "common/text.hpp"
#include "common/time_format.hpp"
#include "daemon/config/live.hpp"
#include "daemon/import/add_entries.hpp"
#include "daemon/import/document.hpp"
#include "daemon/import/passages.hpp"
#include "daemon/log/log.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/event_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/message_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>

namespace sbc::pipeline {
namespace {

// An added entry's text in the owner's summary: shorter than a command's, because a file adds many.
constexpr std::size_t k_entry_preview_chars = 60;

// "Added 12 entries from menu.pdf (3 were already there) — !list to see them."
std::string summary(const import::Added& added, const std::string& name) {
    if (added.entries.empty()) {
        return fmt::format(
            "Everything in {} was already in the knowledge base ({} entr{}); nothing was added.", name,
            added.unchanged, added.unchanged == 1 ? "y" : "ies");
    }
    std::string already =
        added.unchanged > 0 ? fmt::format(" ({} already there)", added.unchanged) : std::string();
    return fmt::format(
        "Added {} entr{} from {}{}: #{} to #{}. !list to see them, !delete <number> to drop one.",
        added.entries.size(), added.entries.size() == 1 ? "y" : "ies", name, already,
        added.entries.front().number, added.entries.back().number);
}

} // namespace

OwnerUploads::OwnerUploads(store::Store& store, const config::Live& config, Pipeline& pipeline,
                           std::string data_dir)
    : m_store(store), m_config(config), m_pipeline(pipeline), m_data_dir(std::move(data_dir)) {}

bool OwnerUploads::is_upload(const store::Media& media, std::string& caption) {
    auto message = m_store.read([&](store::Database& db) -> Result<std::optional<store::Message>> {
        return store::find_message(db, media.message_id);
    });
    if (!message || !*message || (*message)->kind != "owner-media") {
        return false;
    }
    caption = (**message).body;
    return true;
}

void OwnerUploads::tell(const store::Media& media, const std::string& text) {
    auto written = m_pipeline.finish_owner_upload(
        media.message_id, [&](store::Database&, const store::Business&) { return text; });
    if (!written) {
        log_error("media", "media {}: cannot tell the owner ({}): {}", media.id, written.error().message,
                  text);
    }
}

void OwnerUploads::failed(const store::Media& media, const std::string& error) {
    std::string caption;
    if (!is_upload(media, caption)) {
        return;
    }
    tell(media,
         fmt::format("I could not fetch your file ({}). Send it again; if it keeps failing, send it as a "
                     "smaller file or as text.",
                     error));
}

void OwnerUploads::stored(const store::Media& media, const std::string& path) {
    std::string caption;
    if (!is_upload(media, caption)) {
        return;
    }
    auto config = m_config.get();
    auto kind = import::kind_for_type(media.content_type);
    if (!kind) {
        // A photo (the pipeline let only documents and captioned photos through): one entry, the caption,
        // with a copy of the photo as its attachment. The copy belongs to the entry, so removing the
        // downloaded file (sbcctl media remove) does not break the entry, and the other way round.
        std::string text(text::trim(caption));
        if (text.empty() || text::utf8_length(text) > import::k_max_passage_chars) {
            tell(media,
                 fmt::format("To add a photo to the knowledge base, send it again with a caption of at "
                             "most {} characters: the caption becomes the entry.",
                             import::k_max_passage_chars));
            return;
        }
        auto bytes = media::read_file(path);
        std::string error;
        auto dot = media.file ? media.file->rfind('.') : std::string::npos;
        std::string extension = dot == std::string::npos ? "jpg" : media.file->substr(dot + 1);
        auto copy = bytes ? media::write_new_file(m_data_dir, media.business_rowid, extension, *bytes, error)
                          : std::nullopt;
        if (!copy) {
            log_error("media", "media {}: cannot copy the photo for its entry: {}", media.id,
                      bytes ? error : "cannot read the stored file");
            tell(media,
                 "I could not store your photo for the knowledge base (a problem on the server, see its "
                 "log). Send it again a little later.");
            return;
        }
        bool attached = false;
        auto written = m_pipeline.finish_owner_upload(
            media.message_id, [&](store::Database& db, const store::Business& b) -> std::string {
                store::Entry e;
                if (auto existing = store::find_entry_by_text(db, b.rowid, text)) {
                    e = *existing;
                } else {
                    e.business_rowid = b.rowid;
                    e.text = text;
                    e.source = "whatsapp-photo";
                    store::insert_entry(db, e);
                }
                store::Attachment a;
                a.entry_rowid = e.rowid;
                a.business_rowid = b.rowid;
                a.file = *copy;
                a.content_type = media.content_type;
                a.bytes = static_cast<std::int64_t>(bytes->size());
                a.token = media::new_token();
                a.created_at = time_format::now_ms();
                store::set_attachment(db, a);
                store::record_event(
                    db, "owner:" + b.owner, "kb-attach", b.id,
                    {{"number", e.number}, {"content_type", a.content_type}, {"bytes", a.bytes}});
                attached = true;
                return fmt::format(
                    "Added #{} with your photo: {}. Customers whose question it answers get the "
                    "photo too. !delete {} removes it.",
                    e.number, text::preview(e.text, k_entry_preview_chars), e.number);
            });
        if (!written || !attached) {
            // Not recorded: the copy is nobody's; the next start-up sweep would remove it, do it now.
            media::remove_file(m_data_dir, *copy);
        }
        return;
    }
    // Twilio sends no file name; WhatsApp puts a document's name in the caption unless the owner wrote one.
    // Either way it is only shown, never used as a path.
    std::string name = import::display_name(import::kind_for_name(text::trim(caption)) ? caption : "", *kind);
    auto bytes = media::read_file(path);
    if (!bytes) {
        tell(media, "I could not read your stored file back (a problem on the server, see its log). Send it "
                    "again a little later.");
        return;
    }
    import::ImportLimits limits;
    limits.pdftotext = config->media_pdftotext;
    auto passages = import::document_passages(*kind, *bytes, name, limits, path);
    if (!passages) {
        log_warn("media", "media {}: owner's {} not imported: {}", media.id, import::kind_in_words(*kind),
                 passages.error().message);
        tell(media, passages.error().message);
        return;
    }
    auto written = m_pipeline.finish_owner_upload(
        media.message_id, [&](store::Database& db, const store::Business& b) -> std::string {
            auto added =
                import::add_passages(db, b.rowid, b.id, *passages, "upload:" + name, "owner:" + b.owner);
            return summary(added, name);
        });
    if (!written) {
        log_error("media", "media {}: the import could not be written: {}", media.id,
                  written.error().message);
    } else {
        log_info("media", "media {}: owner's {} imported ({} passages)", media.id,
                 import::kind_in_words(*kind), passages->size());
    }
}

} // namespace sbc::pipeline
