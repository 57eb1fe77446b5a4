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

// The content type of a file an operator attaches to a knowledge entry, from its extension (any case): jpg,
// jpeg, png, webp, pdf, mp4, mp3, ogg (what WhatsApp shows next to a message); nullopt otherwise.
std::optional<std::string> attachable_type(std::string_view extension);

// False when the bytes plainly are not of the type (JPEG, PNG, WebP, PDF and MP4 have fixed signatures):
// Twilio refuses a file whose content does not match its Content-Type. True for types without a check.
bool content_matches(std::string_view content_type, std::string_view bytes);

// The allowed types, comma-separated, for error messages.
std::string allowed_types();

// What a customer sent, in words for the default answer: "photo", "voice message", "video", "file".
std::string kind_in_words(std::string_view content_type);

} // namespace sbc::media
