// sbcctl send-test, send and logs: trying the pipeline, sending by hand, and reading the message log.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"
#include "common/protocol.hpp"

#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fmt/format.h>
#include <memory>
#include <unistd.h>

namespace sbc::cli {

namespace {

// How long sbcd holds a follow request open when nothing new comes (its limit is 30 s).
constexpr std::int64_t k_follow_wait_ms = 25'000;
// A follow request must be allowed to outlast the wait, whatever --timeout says.
constexpr std::chrono::milliseconds k_follow_min_timeout{30'000};
// New messages are fetched in pages of sbcd's largest size, so a burst is caught up in few requests.
constexpr std::int64_t k_follow_page = 1000;

// ---- send-test ------------------------------------------------------------------------------------------

// "classification: question, entry #3, score 0.82": why the pipeline answered as it did.
std::string classification_line(const nlohmann::json& arguments) {
    auto classification = arguments.value("classification", nlohmann::json());
    if (!classification.is_string() || classification.get<std::string>().empty()) {
        return "";
    }
    std::string line = "classification: " + classification.get<std::string>();
    auto entry = arguments.value("entry", nlohmann::json());
    auto score = arguments.value("score", nlohmann::json());
    if (entry.is_number_integer()) {
        line += fmt::format(", entry #{}", entry.get<std::int64_t>());
    }
    // A score without an entry is the best match that fell below the threshold: worth seeing when it is not
    // 0.
    if (score.is_number() && (entry.is_number_integer() || score.get<double>() != 0)) {
        line += fmt::format(", score {:.2f}", score.get<double>());
    }
    return line;
}

void print_send_test(const nlohmann::json& reply) {
    print_reply_text(reply); // the reply to the sender, or "(no reply)"
    const auto& arguments = reply_arguments(reply);
    std::string from = arguments.value("from", "");
    // Messages to anyone else, such as the owner's "A customer asked: …", are shown with their recipient.
    for (const auto& message : arguments.value("replies", nlohmann::json::array())) {
        std::string to = message.value("to", "");
        if (to != from) {
            fmt::print("→ {}: {}\n", to, message.value("body", ""));
        }
    }
    if (auto line = classification_line(arguments); !line.empty()) {
        fmt::print("{}\n", line);
    }
}

// ---- logs: showing messages -----------------------------------------------------------------------------

std::string message_field(const nlohmann::json& message, const char* key) {
    return display_value(message.value(key, nlohmann::json()));
}

// ← for what customers sent, → for what went out: the eye finds the conversation's turns at once.
std::string direction_cell(const nlohmann::json& message) {
    std::string direction = message.value("direction", "");
    return direction == "in" ? "←" : direction == "out" ? "→" : direction;
}

std::string status_cell(const nlohmann::json& message) {
    auto error_code = message.value("error_code", nlohmann::json());
    std::string status = message_field(message, "status");
    return error_code.is_number() ? fmt::format("{} ({})", status, error_code.get<long long>()) : status;
}

// With minimum widths (for --follow) the tables printed batch after batch line up; without, a single table
// is as narrow as its cells.
Table message_table(bool fixed_widths) {
    auto width = [fixed_widths](std::size_t w) { return fixed_widths ? w : std::size_t{0}; };
    return Table({{"TIME", Align::left, width(24)},
                  {"BUSINESS", Align::left, width(16)},
                  {"DIR"},
                  {"CUSTOMER", Align::left, width(16)},
                  {"KIND", Align::left, width(12)},
                  {"STATUS", Align::left, width(9)},
                  {"BODY"}});
}

void add_message_row(Table& table, const nlohmann::json& message) {
    table.add_row({message_field(message, "created_at"), message_field(message, "business"),
                   direction_cell(message), message_field(message, "customer"),
                   message_field(message, "kind"), status_cell(message),
                   fit_cell(message_field(message, "body"), k_text_cell_width)});
}

// The reply's messages, oldest first. sbcd lists the newest first unless asked for those after an id.
nlohmann::json messages_oldest_first(const nlohmann::json& reply, bool newest_first) {
    auto messages = reply_arguments(reply).value("messages", nlohmann::json::array());
    if (newest_first) {
        std::reverse(messages.begin(), messages.end());
    }
    return messages;
}

void print_log_table(const nlohmann::json& reply) {
    print_reply_text(reply);
    auto messages = messages_oldest_first(reply, true);
    if (messages.empty()) {
        return;
    }
    Table table = message_table(false);
    for (const auto& message : messages) {
        add_message_row(table, message);
    }
    fmt::print("{}", table.render());
}

// ---- logs --follow --------------------------------------------------------------------------------------

// A signal between batches ends sbcctl at once: stdout was flushed after the last batch, and the request
// sbcd is holding open can simply be dropped. During a batch it only asks to stop once the batch is out, so
// a line is never cut in half.
volatile std::sig_atomic_t g_printing = 0;
volatile std::sig_atomic_t g_stop_requested = 0;

void on_stop_signal(int) {
    if (g_printing == 0) {
        ::_exit(k_exit_ok);
    }
    g_stop_requested = 1;
}

void install_stop_handlers() {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    ::sigaction(SIGINT, &action, nullptr);
    ::sigaction(SIGTERM, &action, nullptr);
}

// Prints batches of messages as they arrive: table rows, or with --json one compact object per line.
class FollowPrinter {
  public:
    explicit FollowPrinter(bool json) : m_json(json) {}

    // Returns false when a signal asked to stop while the batch was printed.
    bool print(const nlohmann::json& messages) {
        g_printing = 1;
        if (m_json) {
            for (const auto& message : messages) {
                fmt::print("{}\n", compact_json(message));
            }
        } else if (!messages.empty()) {
            Table table = message_table(true);
            for (const auto& message : messages) {
                add_message_row(table, message);
            }
            fmt::print("{}", table.render(!m_title_printed));
            m_title_printed = true;
        }
        // So that `sbcctl logs --follow | grep …` sees each message when it comes, not when a buffer fills.
        std::fflush(stdout);
        g_printing = 0;
        return g_stop_requested == 0;
    }

  private:
    bool m_json;
    bool m_title_printed = false;
};

struct LogOptions {
    std::optional<std::string> business, customer, since;
    std::optional<std::int64_t> limit;
    bool follow = false;
};

nlohmann::json log_arguments(const LogOptions& o) {
    nlohmann::json arguments = nlohmann::json::object();
    put_if_set(arguments, "business", o.business);
    put_if_set(arguments, "customer", o.customer);
    put_if_set(arguments, "since", o.since);
    return arguments;
}

// The id to ask for messages after. last_id is the newest message of all, so it moves past messages the
// filters leave out; a full page means more may follow right after its last message.
std::int64_t next_after_id(const nlohmann::json& reply, const nlohmann::json& messages, std::int64_t page) {
    std::int64_t newest_shown = 0;
    for (const auto& message : messages) {
        newest_shown = std::max(newest_shown, message.value("id", std::int64_t{0}));
    }
    if (!messages.empty() && static_cast<std::int64_t>(messages.size()) >= page) {
        return newest_shown;
    }
    return std::max(newest_shown, reply_arguments(reply).value("last_id", std::int64_t{0}));
}

// One follow request. When sbcd hangs up (it stopped or restarted) one new connection is tried, so a
// restart is followed through, while a stopped sbcd ends sbcctl with the usual "is sbcd running?" hint.
Result<nlohmann::json> follow_call(const GlobalOptions& options, std::optional<ControlClient>& client,
                                   std::chrono::milliseconds timeout, const nlohmann::json& request) {
    auto reply = client->call(request);
    if (reply || reply.error().code != k_exit_error) {
        return reply;
    }
    auto reconnected = ControlClient::connect(options.socket, timeout);
    if (!reconnected) {
        return reconnected.error();
    }
    client.emplace(std::move(*reconnected));
    return client->call(request);
}

bool reply_ok(const nlohmann::json& reply) {
    return reply.at(std::string(protocol::k_result)).get<int>() == protocol::k_ok;
}

int follow_logs(const GlobalOptions& options, std::string_view command, const LogOptions& o) {
    install_stop_handlers();
    auto timeout = std::max(options.timeout(), k_follow_min_timeout);
    std::optional<ControlClient> client;
    if (auto connected = ControlClient::connect(options.socket, timeout); connected) {
        client.emplace(std::move(*connected));
    } else {
        return report_failure(options, connected.error());
    }
    FollowPrinter printer(options.json);

    // First the last --limit messages, as without --follow.
    auto arguments = log_arguments(o);
    put_if_set(arguments, "limit", o.limit);
    auto reply = client->call(protocol::make_request(command, arguments));
    if (!reply) {
        return report_failure(options, reply.error());
    }
    if (!reply_ok(*reply)) {
        return report_reply(options, *reply, print_reply_text);
    }
    if (!printer.print(messages_oldest_first(*reply, true))) {
        return k_exit_ok;
    }
    std::int64_t after_id = reply_arguments(*reply).value("last_id", std::int64_t{0});

    for (;;) {
        arguments = log_arguments(o);
        arguments["limit"] = k_follow_page;
        arguments["wait_ms"] = k_follow_wait_ms;
        // after_id 0 (an empty log) makes sbcd answer with its newest page, newest first, once one arrives.
        if (after_id > 0) {
            arguments["after_id"] = after_id;
        }
        reply = follow_call(options, client, timeout, protocol::make_request(command, arguments));
        if (!reply) {
            return report_failure(options, reply.error());
        }
        if (!reply_ok(*reply)) {
            return report_reply(options, *reply, print_reply_text);
        }
        auto messages = messages_oldest_first(*reply, after_id == 0);
        if (!printer.print(messages)) {
            return k_exit_ok;
        }
        after_id = next_after_id(*reply, messages, k_follow_page);
    }
}

} // namespace

CommandAction define_send_test(CLI::App& command, const GlobalOptions& options,
                               std::string_view daemon_command) {
    struct Options {
        std::string business, text;
        std::optional<std::string> from;
        bool owner = false;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    auto* from = command.add_option("--from", o->from, "the customer's number the message comes from");
    command.add_flag("--owner", o->owner, "send it as the business's owner, to try owner commands (!help)")
        ->excludes(from);
    command.add_option("text", o->text, "the message's text (quote it)")->required();
    return [o, &options, daemon_command] {
        if (!o->from && !o->owner) {
            return report_failure(options,
                                  Error{k_exit_usage, "say who writes: --from PHONE for a customer, or "
                                                      "--owner (sbcctl send-test --help)"});
        }
        nlohmann::json arguments = {{"business", o->business}, {"text", o->text}};
        put_if_set(arguments, "from", o->from);
        if (o->owner) {
            arguments["owner"] = true;
        }
        return run_request(options, daemon_command, std::move(arguments), print_send_test);
    };
}

CommandAction define_send(CLI::App& command, const GlobalOptions& options, std::string_view daemon_command) {
    struct Options {
        std::string business, to, text;
    };
    auto o = std::make_shared<Options>();
    add_business_option(command, o->business);
    command.add_option("--to", o->to, "the customer's number")->required();
    command.add_option("text", o->text, "the message's text (quote it)")->required();
    return [o, &options, daemon_command] {
        return run_request(options, daemon_command,
                           {{"business", o->business}, {"to", o->to}, {"text", o->text}});
    };
}

CommandAction define_logs(CLI::App& command, const GlobalOptions& options, std::string_view daemon_command) {
    auto o = std::make_shared<LogOptions>();
    command.add_flag("--follow,-f", o->follow, "keep printing new messages until interrupted (Ctrl-C)");
    command.add_option("--business", o->business, "only this business's messages");
    command.add_option("--customer", o->customer, "only messages to and from this number");
    command.add_option("--since", o->since,
                       "only messages from this time on: 2026-11-25, 2026-11-25T10:00, "
                       "or 15m, 2h, 3d ago");
    command.add_option("--limit", o->limit, "the last this many messages (sbcd's default 50, at most 1000)")
        ->check(integer_at_least(1));
    return [o, &options, daemon_command] {
        if (o->follow) {
            return follow_logs(options, daemon_command, *o);
        }
        auto arguments = log_arguments(*o);
        put_if_set(arguments, "limit", o->limit);
        return run_request(options, daemon_command, std::move(arguments), print_log_table);
    };
}

} // namespace sbc::cli
