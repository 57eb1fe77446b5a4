#include "common/text.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace sbc::text {

bool is_valid_utf8(std::string_view bytes) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* end = p + bytes.size();
    while (p < end) {
        unsigned char c = *p;
        if (c < 0x80) {
            ++p;
            continue;
        }
        int extra = 0;
        unsigned int cp = 0;
        if (c >= 0xC2 && c <= 0xDF) {
            extra = 1;
            cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            extra = 2;
            cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            extra = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if (end - p <= extra) {
            return false;
        }
        for (int i = 1; i <= extra; ++i) {
            if ((p[i] & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (p[i] & 0x3F);
        }
        if ((extra == 2 && cp < 0x800) || (extra == 3 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        p += extra + 1;
    }
    return true;
}

std::size_t utf8_length(std::string_view bytes) {
    std::size_t n = 0;
    for (unsigned char c : bytes) {
        if ((c & 0xC0) != 0x80) {
            ++n;
        }
    }
    return n;
}

std::size_t utf8_prefix_bytes(std::string_view bytes, std::size_t max_chars) {
    std::size_t chars = 0;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        bool start = (static_cast<unsigned char>(bytes[i]) & 0xC0) != 0x80;
        if (start && ++chars > max_chars) {
            return i;
        }
    }
    return bytes.size();
}

Result<std::string> slugify(std::string_view name) {
    std::string slug;
    bool pending_dash = false;
    for (char raw : name) {
        char c = raw;
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
        bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!keep) {
            pending_dash = !slug.empty();
            continue;
        }
        if (pending_dash) {
            slug.push_back('-');
            pending_dash = false;
        }
        slug.push_back(c);
        if (slug.size() >= 64) {
            break;
        }
    }
    while (!slug.empty() && slug.back() == '-') {
        slug.pop_back();
    }
    if (slug.empty()) {
        return Error{1, fmt::format("cannot make an id from the name '{}': it has no letters a-z or digits "
                                    "(pass one with --id, e.g. --id cafe-1)",
                                    name)};
    }
    return slug;
}

Status check_slug(std::string_view id) {
    if (id.empty() || id.size() > 64) {
        return Error{1, fmt::format("invalid id '{}': use 1 to 64 characters a-z, 0-9 and '-'", id)};
    }
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok) {
            return Error{1,
                         fmt::format("invalid id '{}': '{}' is not allowed (use a-z, 0-9 and '-')", id, c)};
        }
    }
    if (id.front() == '-' || id.back() == '-') {
        return Error{1, fmt::format("invalid id '{}': it may not start or end with '-'", id)};
    }
    return ok_status();
}

std::string_view trim(std::string_view s) {
    const char* ws = " \t\r\n";
    auto b = s.find_first_not_of(ws);
    if (b == std::string_view::npos) {
        return {};
    }
    auto e = s.find_last_not_of(ws);
    return s.substr(b, e - b + 1);
}

bool iequals(std::string_view a, std::string_view b) {
    auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
    return a.size() == b.size() &&
           std::equal(a.begin(), a.end(), b.begin(), [&](char x, char y) { return lower(x) == lower(y); });
}

std::string ascii_lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        if (c >= 'A' && c <= 'Z') {
            c = static_cast<char>(c - 'A' + 'a');
        }
    }
    return out;
}

std::string preview(std::string_view text, std::size_t max_chars) {
    std::string out;
    std::size_t chars = 0;
    for (char c : text) {
        bool start = (static_cast<unsigned char>(c) & 0xC0) != 0x80;
        if (start && ++chars > max_chars) {
            return out + "…";
        }
        out.push_back(c == '\n' ? ' ' : c);
    }
    return out;
}

} // namespace sbc::text
