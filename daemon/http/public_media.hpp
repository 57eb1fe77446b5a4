#pragma once
// GET (and HEAD) /media/<token>.<ext>: the attachments of knowledge entries, for Twilio to fetch when a reply
// carries one (MediaUrl). The token is 128 random bits stored with the attachment; the file is found through
// that row, never through the request's path, so no path can reach another file, and customers' media
// (which has no token) is never served. Anything else is 404.

#include <string>
#include <string_view>

namespace sbc::http {

struct StatusSources;

struct PublicFile {
    int status = 404;
    std::string content_type;
    std::string body; // the file's bytes (200), or a short text (404)
};

// What the request for `name` (the part after "/media/", as the server decoded it) gets.
PublicFile public_media(StatusSources& sources, std::string_view name);

} // namespace sbc::http
