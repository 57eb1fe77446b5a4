// Fuzz target: the owner-command parser (daemon/pipeline/owner_command_parser.*), which reads every message
// an owner sends ("!add We deliver until 10pm", "!edit 3 new text"). Input: the message body as Twilio
// delivers it.

#include "common/text.hpp"
#include "daemon/pipeline/owner_command_parser.hpp"
#include "fuzz/fuzz_check.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

using sbc::fuzz::printable;
using sbc::pipeline::leading_number;
using sbc::pipeline::parse_owner_command;
using sbc::text::is_valid_utf8;
using sbc::text::trim;

// What text::trim() removes, so what the parsers treat as space around a command and its arguments.
bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

bool is_suffix(std::string_view part, std::string_view whole) {
    return part.size() <= whole.size() && whole.substr(whole.size() - part.size()) == part;
}

void check_leading_number(std::string_view args) {
    std::string_view rest;
    auto number = leading_number(args, &rest);

    // The oracle: optional '#', digits, then the end or a space. Up to 18 significant digits always fit.
    std::string_view s = trim(args);
    if (!s.empty() && s.front() == '#') {
        s.remove_prefix(1);
    }
    std::size_t digits = 0;
    while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') {
        ++digits;
    }
    std::string_view all_digits = s.substr(0, digits);
    std::string_view significant = all_digits.substr(std::min(all_digits.find_first_not_of('0'), digits));
    bool separated = digits == s.size() || (digits < s.size() && is_space(s[digits]));

    if (!number) {
        FUZZ_CHECK(!(separated && !significant.empty() && significant.size() <= 18),
                   "leading_number missed the number in " + printable(args));
        return;
    }
    FUZZ_CHECK(*number > 0, "leading_number gave " + std::to_string(*number) + " for " + printable(args));
    FUZZ_CHECK(separated && std::to_string(*number) == significant,
               "leading_number gave " + std::to_string(*number) + " for " + printable(args));
    FUZZ_CHECK(rest == trim(rest) && is_suffix(rest, trim(args)),
               "leading_number's rest " + printable(rest) + " of " + printable(args));
    // Written again the canonical way, it reads the same.
    std::string again = std::to_string(*number) + " " + std::string(rest);
    std::string_view rest_again;
    auto number_again = leading_number(again, &rest_again);
    FUZZ_CHECK(number_again == number && rest_again == rest,
               "leading_number does not re-read " + printable(again) + " (from " + printable(args) + ")");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view body(reinterpret_cast<const char*>(data), size);
    std::string_view trimmed = trim(body);
    auto command = parse_owner_command(body);
    if (!command) {
        FUZZ_CHECK(!(trimmed.size() >= 2 && trimmed[0] == '!' && !is_space(trimmed[1])),
                   "parse_owner_command missed the command in " + printable(body));
        check_leading_number(body); // a customer's menu choice ("2") goes through leading_number too
        return 0;
    }

    const std::string& name = command->name;
    const std::string& args = command->args;
    FUZZ_CHECK(!trimmed.empty() && trimmed[0] == '!', "not a command, but parsed: " + printable(body));
    FUZZ_CHECK(!name.empty() && name.size() < trimmed.size(),
               "name " + printable(name) + " of " + printable(body));
    for (std::size_t i = 0; i < name.size(); ++i) {
        char written = trimmed[1 + i];
        char lower = (written >= 'A' && written <= 'Z') ? static_cast<char>(written - 'A' + 'a') : written;
        FUZZ_CHECK(!is_space(name[i]) && name[i] == lower,
                   "name " + printable(name) + " is not the lower-cased first word of " + printable(body));
    }
    FUZZ_CHECK(args == trim(args) && is_suffix(args, trimmed),
               "args " + printable(args) + " are not the trimmed rest of " + printable(body));
    FUZZ_CHECK(!is_valid_utf8(body) || (is_valid_utf8(name) && is_valid_utf8(args)),
               "valid UTF-8 " + printable(body) + " gave name " + printable(name) + ", args " +
                   printable(args));

    // The canonical form "!name args" parses to the same command.
    std::string canonical = "!" + name + " " + args;
    auto again = parse_owner_command(canonical);
    FUZZ_CHECK(again && again->name == name && again->args == args,
               "the canonical form " + printable(canonical) + " of " + printable(body) +
                   " parses differently");

    check_leading_number(args);
    return 0;
}
