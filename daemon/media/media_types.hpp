#pragma once
// The content types sbcd accepts for media, and the file extension each is stored with. A type outside this
// list is refused; the extension of a stored file always comes from here, never from the request.

#include <optional>
#include <string>
#include <string_view>

namespace sbc::media {

// "Image/JPEG; charset=x" -> "image/jpeg": the media type without parameters, lower-cased and trimmed.
std::string normalise_type(std::string_view content_type);

// The extension ("jpg", "pdf", ...) of an allowed type (normalised first); nullopt when not allowed.
std::optional<std::string> extension_for(std::string_view content_type);

// The allowed types, comma-separated, for error messages.
std::string allowed_types();

// What a customer sent, in words for the default answer: "photo", "voice message", "video", "file".
std::string kind_in_words(std::string_view content_type);

} // namespace sbc::media
