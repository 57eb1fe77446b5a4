// Fuzz target: the control protocol (common/protocol.*) as it travels over the socket - JSON request lines
// in, JSON response lines out - and the argument checks every control command runs on what it receives
// (daemon/control/arguments.*, validate.*), and the framing both ends share (common/line_framer.*). Input:
// bytes as a client sends them, cut into lines by LineFramer as the socket server does.

#include "common/line_framer.hpp"
#include "common/protocol.hpp"
#include "common/text.hpp"
#include "daemon/control/arguments.hpp"
#include "daemon/control/command.hpp"
#include "daemon/control/validate.hpp"
#include "fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace {

using nlohmann::json;
using sbc::control::Arguments;
using sbc::control::CommandError;
using sbc::fuzz::printable;
using sbc::text::is_valid_utf8;
namespace protocol = sbc::protocol;

constexpr std::size_t k_max_keys = 16; // bound the work per line

// The same number: nlohmann::json's == converts an unsigned to signed first, so 2^64-1 would "equal" -1.
bool same_number(std::int64_t n, const json& value) {
    return json(n).dump() == value.dump();
}

// A response line exactly as sbcd writes it.
std::string response_line(const json& response) {
    return response.dump(-1, ' ', false, json::error_handler_t::replace);
}

// A response line is one line, and sbcctl reads it back as a control-protocol response.
void check_response(const json& response, std::string_view what) {
    std::string line = response_line(response);
    FUZZ_CHECK(line.find('\n') == std::string::npos && line.find('\r') == std::string::npos,
               "response to " + std::string(what) + " spans lines: " + printable(line));
    json back = json::parse(line, nullptr, false);
    FUZZ_CHECK(!back.is_discarded() && back.is_object() && back.contains(protocol::k_result) &&
                   back[std::string(protocol::k_result)].is_number_integer(),
               "sbcctl would refuse the response " + printable(line));
}

// A refusal by a getter or validator: result 5 and a sentence in valid UTF-8 that sbcctl can show.
void check_refusal(const CommandError& e, std::string_view what, std::string_view input) {
    FUZZ_CHECK(e.result == protocol::k_invalid, std::string(what) + " refused " + printable(input) +
                                                    " with result " + std::to_string(e.result));
    FUZZ_CHECK(!e.text.empty() && is_valid_utf8(e.text),
               std::string(what) + " refused " + printable(input) + " with " + printable(e.text));
    check_response(protocol::make_response(e.result, e.text), what);
}

// Runs one getter on a fresh Arguments; a refusal must be a CommandError, nothing else.
template <typename F>
void with_getter(const json& object, std::string_view what, std::string_view key, F&& getter) {
    Arguments args(object);
    try {
        getter(args);
    } catch (const CommandError& e) {
        check_refusal(e, what, key);
    } catch (const std::exception& e) {
        FUZZ_CHECK(false, std::string(what) + " on " + printable(key) + " threw " + e.what());
    }
}

void check_getters(const json& object, const std::string& key, const json& value) {
    bool present = !value.is_null();
    with_getter(object, "optional_string", key, [&](Arguments& args) {
        auto s = args.optional_string(key);
        FUZZ_CHECK(s.has_value() == present && (!s || (value.is_string() && *s == value.get<std::string>())),
                   "optional_string(" + printable(key) + ") of " + value.dump());
    });
    with_getter(object, "required_int", key, [&](Arguments& args) {
        auto n = args.required_int(key);
        FUZZ_CHECK(same_number(n, value),
                   "required_int(" + printable(key) + ") gave " + std::to_string(n) + " for " + value.dump());
    });
    with_getter(object, "optional_int", key, [&](Arguments& args) {
        auto n = args.optional_int(key, 7, 1, 1000);
        FUZZ_CHECK(n >= 1 && n <= 1000 && (present ? same_number(n, value) : n == 7),
                   "optional_int(" + printable(key) + ") gave " + std::to_string(n) + " for " + value.dump());
    });
    with_getter(object, "optional_int (full range)", key, [&](Arguments& args) {
        auto n = args.optional_int(key, 0, 0, INT64_MAX);
        FUZZ_CHECK(n >= 0 && (present ? same_number(n, value) : n == 0),
                   "optional_int(" + printable(key) + ", 0..max) gave " + std::to_string(n) + " for " +
                       value.dump());
    });
    with_getter(object, "optional_bool", key, [&](Arguments& args) {
        auto b = args.optional_bool(key);
        FUZZ_CHECK(b.has_value() == present && (!b || json(*b) == value),
                   "optional_bool(" + printable(key) + ") of " + value.dump());
    });
    with_getter(object, "required_array", key, [&](Arguments& args) {
        const json& a = args.required_array(key);
        FUZZ_CHECK(a.is_array() && a == value, "required_array(" + printable(key) + ") of " + value.dump());
    });
}

void check_validators(const std::string& value) {
    for (bool allow_empty : {false, true}) {
        std::size_t max_chars = allow_empty ? 3 : sbc::control::k_max_entry_chars;
        try {
            std::string text = sbc::control::checked_text("text", value, max_chars, allow_empty);
            FUZZ_CHECK(is_valid_utf8(text) && text == sbc::text::trim(text) &&
                           sbc::text::utf8_length(text) <= max_chars && (allow_empty || !text.empty()) &&
                           value.find(text) != std::string::npos,
                       "checked_text accepted " + printable(value) + " as " + printable(text));
        } catch (const CommandError& e) {
            check_refusal(e, "checked_text", value);
        }
    }
    try {
        std::string number = sbc::control::checked_phone("owner", value);
        FUZZ_CHECK(number.size() >= 8 && number[0] == '+', "checked_phone accepted " + printable(number));
    } catch (const CommandError& e) {
        check_refusal(e, "checked_phone", value);
    }
    try {
        std::string zone = sbc::control::checked_timezone(value);
        // A zone name is stored, shown and later handed to time zone lookups: printable ASCII, no way out of
        // the zone database.
        bool plain =
            zone.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") ==
            std::string::npos;
        FUZZ_CHECK(zone == value && !zone.empty() && plain && zone.find("..") == std::string::npos &&
                       zone.front() != '/',
                   "checked_timezone accepted " + printable(value));
    } catch (const CommandError& e) {
        check_refusal(e, "checked_timezone", value);
    }
}

// The arguments object of a request, as the handlers read it.
void check_arguments(const json& object) {
    std::size_t n = 0;
    for (const auto& [key, value] : object.items()) {
        if (++n > k_max_keys) {
            break;
        }
        check_getters(object, key, value);
        if (value.is_string()) {
            check_validators(value.get<std::string>());
        }
    }
    if (!object.contains("no-such-key")) {
        check_getters(object, "no-such-key", json()); // absent keys behave like nulls
    }

    // check_unknown refuses exactly the keys no getter read.
    Arguments all(object);
    std::string last_key;
    for (const auto& [key, value] : object.items()) {
        try {
            (void)all.optional_bool(key);
        } catch (const CommandError&) {
        }
        last_key = key;
    }
    try {
        all.check_unknown();
    } catch (const CommandError& e) {
        FUZZ_CHECK(false, "check_unknown refused after every key was read: " + e.text);
    }
    if (!object.empty()) {
        Arguments all_but_one(object);
        for (const auto& [key, value] : object.items()) {
            if (key != last_key) {
                try {
                    (void)all_but_one.optional_bool(key);
                } catch (const CommandError&) {
                }
            }
        }
        bool refused = false;
        try {
            all_but_one.check_unknown();
        } catch (const CommandError& e) {
            refused = true;
            check_refusal(e, "check_unknown", last_key);
        }
        FUZZ_CHECK(refused, "check_unknown missed the unread key " + printable(last_key));
    }
}

void check_line(std::string_view line) {
    // Whatever arrives, sbcd's refusal quoting it is still one valid response line; and the strict dump
    // sbcctl uses refuses exactly what text::is_valid_utf8 refuses.
    check_response(protocol::make_response(protocol::k_invalid, std::string(line)), "a quoted line");
    bool dump_refused = false;
    try {
        (void)json(std::string(line)).dump();
    } catch (const json::type_error&) {
        dump_refused = true;
    }
    FUZZ_CHECK(dump_refused != is_valid_utf8(line),
               "is_valid_utf8 and nlohmann::json disagree on " + printable(line));

    json request = json::parse(line, nullptr, false);
    if (request.is_discarded()) {
        return;
    }
    // Anything that parses writes back as one line that parses to the same value.
    std::string again = request.dump();
    FUZZ_CHECK(again.find('\n') == std::string::npos, "request re-encoded over lines: " + printable(again));
    FUZZ_CHECK(json::parse(again) == request, "request does not survive re-encoding: " + printable(line));
    if (!request.is_object()) {
        return;
    }

    json arguments = json::object();
    if (auto it = request.find(std::string(protocol::k_arguments)); it != request.end() && it->is_object()) {
        arguments = *it;
        check_arguments(arguments);
    }
    if (auto it = request.find(std::string(protocol::k_command)); it != request.end() && it->is_string()) {
        const std::string& command = it->get_ref<const std::string&>();
        json rebuilt = protocol::make_request(command, arguments);
        std::string rebuilt_line = rebuilt.dump();
        FUZZ_CHECK(json::parse(rebuilt_line) == rebuilt,
                   "make_request does not round-trip " + printable(line));
        check_response(
            protocol::make_response(protocol::k_unsupported, "unknown command '" + command + "'", arguments),
            "a command");
    }
    if (auto it = request.find(std::string(protocol::k_result));
        it != request.end() && it->is_number_integer()) {
        int code = static_cast<int>(it->get<std::int64_t>() % 1000);
        std::string_view name = protocol::result_name(code);
        FUZZ_CHECK(!name.empty() && (code >= 0 && code <= 5 ? name != "unknown" : name == "unknown"),
                   "result_name(" + std::to_string(code) + ") is " + std::string(name));
    }
}

// The lines of the input as LineFramer cuts them when the bytes arrive in pieces; the sizes of the pieces
// come from the input itself, so the fuzzer explores where recv() may cut.
std::vector<std::string> lines_in_pieces(std::string_view input, sbc::LineFramer& framer) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < input.size()) {
        std::size_t n =
            std::min<std::size_t>(1 + static_cast<unsigned char>(input[at]) % 7, input.size() - at);
        framer.append(input.substr(at, n));
        at += n;
        while (auto line = framer.next_line()) {
            lines.push_back(std::move(*line));
        }
    }
    return lines;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    sbc::LineFramer whole(protocol::k_max_request_bytes);
    whole.append(input);
    std::vector<std::string> lines;
    while (auto line = whole.next_line()) {
        lines.push_back(std::move(*line));
    }
    sbc::LineFramer pieces(protocol::k_max_request_bytes);
    FUZZ_CHECK(lines_in_pieces(input, pieces) == lines && pieces.pending() == whole.pending(),
               "the lines depend on how the bytes arrived: " + printable(input));
    std::size_t newlines = static_cast<std::size_t>(std::count(input.begin(), input.end(), '\n'));
    FUZZ_CHECK(lines.size() == newlines, "expected one line per newline in " + printable(input));
    // Each line is the input up to its '\n', less one '\r' before it.
    std::size_t at = 0;
    for (const auto& line : lines) {
        bool same = input.substr(at, line.size()) == line;
        at += line.size();
        if (input.substr(at, 2) == "\r\n") {
            ++at;
        }
        FUZZ_CHECK(same && at < input.size() && input[at] == '\n',
                   "a line is not the input up to its line end: " + printable(line));
        ++at;
        if (!line.empty()) {
            check_line(line);
        }
    }
    // The corpus's files hold one request without a final newline: checked as if it had arrived.
    std::string_view rest =
        input.substr(input.rfind('\n') == std::string_view::npos ? 0 : input.rfind('\n') + 1);
    FUZZ_CHECK(rest.size() == whole.pending(), "the framer kept other bytes than the unfinished line");
    if (!rest.empty() && rest.back() == '\r') {
        rest.remove_suffix(1);
    }
    if (!rest.empty()) {
        check_line(rest);
    }
    return 0;
}
