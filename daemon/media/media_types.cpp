#include "daemon/media/media_types.hpp"

#include <algorithm>
#include <array>
#include <utility>

namespace sbc::media {
namespace {

// WhatsApp's media types (see /work/shared/twilio-facts.md §6) plus the documents owners teach with.
constexpr std::array<std::pair<std::string_view, std::string_view>, 20> k_allowed = {{
    {"image/jpeg", "jpg"},
    {"image/png", "png"},
    {"image/webp", "webp"},
    {"audio/ogg", "ogg"},
    {"audio/amr", "amr"},
    {"audio/mpeg", "mp3"},
    {"audio/aac", "aac"},
    {"audio/mp4", "m4a"},
    {"video/mp4", "mp4"},
    {"video/3gpp", "3gp"},
    {"application/pdf", "pdf"},
    {"application/msword", "doc"},
    {"application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx"},
    {"application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx"},
    {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"},
    {"text/plain", "txt"},
    {"text/csv", "csv"},
    {"text/markdown", "md"},
    {"text/vcard", "vcf"},
    {"text/x-vcard", "vcf"},
}};

} // namespace

std::string normalise_type(std::string_view content_type) {
    auto semicolon = content_type.find(';');
    auto type = content_type.substr(0, semicolon);
    while (!type.empty() && (type.front() == ' ' || type.front() == '\t')) {
        type.remove_prefix(1);
    }
    while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) {
        type.remove_suffix(1);
    }
    std::string out;
    for (char c : type) {
        out.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
    }
    return out;
}

std::optional<std::string> extension_for(std::string_view content_type) {
    auto type = normalise_type(content_type);
    for (const auto& [name, extension] : k_allowed) {
        if (name == type) {
            return std::string(extension);
        }
    }
    return std::nullopt;
}

std::optional<std::string> attachable_type(std::string_view extension) {
    // What WhatsApp shows next to a message, by the extension the allow-list stores each type with.
    constexpr std::array<std::string_view, 7> k_attachable = {"jpg", "png", "webp", "pdf",
                                                              "mp4", "mp3", "ogg"};
    std::string ext = normalise_type(extension);
    if (ext == "jpeg") {
        ext = "jpg";
    }
    if (std::find(k_attachable.begin(), k_attachable.end(), ext) == k_attachable.end()) {
        return std::nullopt;
    }
    // The first type stored with that extension: video/mp4 before audio/mp4 (which is "m4a" anyway).
    for (const auto& [name, stored_as] : k_allowed) {
        if (stored_as == ext) {
            return std::string(name);
        }
    }
    return std::nullopt;
}

bool content_matches(std::string_view content_type, std::string_view bytes) {
    auto type = normalise_type(content_type);
    if (type == "image/jpeg") {
        return bytes.substr(0, 3) == "\xFF\xD8\xFF";
    }
    if (type == "image/png") {
        return bytes.substr(0, 8) == "\x89PNG\r\n\x1A\n";
    }
    if (type == "image/webp") {
        return bytes.substr(0, 4) == "RIFF" && bytes.size() >= 12 && bytes.substr(8, 4) == "WEBP";
    }
    if (type == "application/pdf") {
        return bytes.substr(0, 5) == "%PDF-";
    }
    if (type == "video/mp4") {
        return bytes.size() >= 8 && bytes.substr(4, 4) == "ftyp";
    }
    return true;
}

std::string allowed_types() {
    std::string out;
    for (const auto& [name, extension] : k_allowed) {
        out += (out.empty() ? "" : ", ") + std::string(name);
    }
    return out;
}

std::string kind_in_words(std::string_view content_type) {
    auto type = normalise_type(content_type);
    if (type.rfind("image/", 0) == 0) {
        return "photo";
    }
    if (type.rfind("audio/", 0) == 0) {
        return "voice message";
    }
    if (type.rfind("video/", 0) == 0) {
        return "video";
    }
    return "file";
}

} // namespace sbc::media
