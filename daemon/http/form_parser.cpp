#include "daemon/http/form_parser.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace sbc::http {
namespace {

constexpr char k_hex_upper[] = "0123456789ABCDEF";

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

bool is_unreserved(unsigned char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~';
}

// Decodes [begin, end) of `body`; offsets in errors are relative to `body` so that they point into what the
// sender actually sent.
Result<std::string> decode_range(std::string_view body, std::size_t begin, std::size_t end) {
    std::string out;
    out.reserve(end - begin);
    std::string_view range = body.substr(0, end); // searches stop at the end of the component
    for (std::size_t i = begin; i < end; ++i) {
        // Most of a component needs no decoding: copy it in one piece up to the next '+' or '%'.
        std::size_t special = std::min(range.find_first_of("+%", i), end);
        out.append(range.substr(i, special - i));
        if (special == end) {
            break;
        }
        i = special;
        if (range[i] == '+') {
            out.push_back(' ');
            continue;
        }
        if (i + 2 >= end) {
            return Error{1,
                         fmt::format("malformed percent-escape at byte {}: '%' needs two hex digits after it "
                                     "but the {} ends first",
                                     i, end == body.size() ? "input" : "pair")};
        }
        int high = hex_value(range[i + 1]);
        int low = hex_value(range[i + 2]);
        if (high < 0 || low < 0) {
            return Error{1,
                         fmt::format("malformed percent-escape at byte {}: '%' must be followed by two hex "
                                     "digits (0-9, A-F)",
                                     i)};
        }
        out.push_back(static_cast<char>(high * 16 + low));
        i += 2;
    }
    return out;
}

} // namespace

std::optional<std::string_view> FormParams::first(std::string_view name) const {
    for (const auto& [key, value] : pairs) {
        if (key == name) {
            return std::string_view(value);
        }
    }
    return std::nullopt;
}

std::vector<std::string_view> FormParams::all(std::string_view name) const {
    std::vector<std::string_view> values;
    for (const auto& [key, value] : pairs) {
        if (key == name) {
            values.emplace_back(value);
        }
    }
    return values;
}

void FormParams::add(std::string name, std::string value) {
    pairs.emplace_back(std::move(name), std::move(value));
}

Result<FormParams> parse_form(std::string_view body) {
    FormParams params;
    // One allocation for a webhook's twenty-odd pairs rather than one each time the vector doubles; capped,
    // since "&&&…" (empty pairs, skipped) must not reserve room for thousands.
    auto separators = static_cast<std::size_t>(std::count(body.begin(), body.end(), '&'));
    params.pairs.reserve(std::min<std::size_t>(separators + 1, 64));
    std::size_t pos = 0;
    while (pos <= body.size()) {
        std::size_t amp = body.find('&', pos);
        if (amp == std::string_view::npos) {
            amp = body.size();
        }
        if (amp > pos) {
            std::size_t eq = body.find('=', pos);
            std::size_t name_end = (eq == std::string_view::npos || eq > amp) ? amp : eq;
            auto name = decode_range(body, pos, name_end);
            if (!name) {
                return name.error();
            }
            std::string value;
            if (name_end < amp) {
                auto decoded = decode_range(body, name_end + 1, amp);
                if (!decoded) {
                    return decoded.error();
                }
                value = std::move(*decoded);
            }
            params.add(std::move(*name), std::move(value));
        }
        pos = amp + 1;
    }
    return params;
}

Result<std::string> decode_form_component(std::string_view component) {
    return decode_range(component, 0, component.size());
}

std::string percent_encode_form(std::string_view raw) {
    std::string out;
    out.reserve(raw.size() * 3);
    for (char ch : raw) {
        auto c = static_cast<unsigned char>(ch);
        if (is_unreserved(c)) {
            out.push_back(ch);
        } else if (c == ' ') {
            out.push_back('+');
        } else {
            out.push_back('%');
            out.push_back(k_hex_upper[c >> 4]);
            out.push_back(k_hex_upper[c & 0x0F]);
        }
    }
    return out;
}

std::string encode_form(const std::vector<FormPair>& pairs) {
    std::string out;
    for (const auto& [name, value] : pairs) {
        if (!out.empty()) {
            out.push_back('&');
        }
        out += percent_encode_form(name);
        out.push_back('=');
        out += percent_encode_form(value);
    }
    return out;
}

std::string encode_form(const FormParams& params) {
    return encode_form(params.pairs);
}

} // namespace sbc::http
