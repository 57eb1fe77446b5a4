#include "daemon/http/public_media.hpp"

#include "daemon/config/live.hpp"
#include "daemon/http/status_pages.hpp"
#include "daemon/log/log.hpp"
#include "daemon/media/media_files.hpp"
#include "daemon/store/attachment_repo.hpp"
#include "daemon/store/store.hpp"

namespace sbc::http {
namespace {

PublicFile not_found() {
    return {404, "text/plain", "not found\n"};
}

} // namespace

PublicFile public_media(StatusSources& sources, std::string_view name) {
    // "<32 hex>.<ext>" and nothing else: no separators, no dots but the one, no encoded tricks survive this.
    auto dot = name.find('.');
    if (dot != 32 || !media::is_token(name.substr(0, dot))) {
        return not_found();
    }
    auto token = name.substr(0, dot);
    auto attachment =
        sources.store.read([&](store::Database& db) -> Result<std::optional<store::Attachment>> {
            return store::find_attachment_by_token(db, token);
        });
    if (!attachment || !*attachment) {
        return not_found();
    }
    const auto& a = **attachment;
    // The extension must be the stored one: a public URL names exactly one file.
    if ("/media/" + std::string(name) != store::public_path(a)) {
        return not_found();
    }
    auto config = sources.config.get();
    auto path = media::path_of(config->data_dir, a.file);
    if (!path) {
        return not_found();
    }
    auto bytes = media::read_file(*path);
    if (!bytes) {
        log_warn("http", "attachment of entry {} is missing its file {}", a.entry_rowid, a.file);
        return not_found();
    }
    return {200, a.content_type, std::move(*bytes)};
}

} // namespace sbc::http
