#pragma once
// What a control command is: a named function from (context, arguments) to a response. Handlers do no I/O on
// the socket and can be called directly in tests.

#include "common/protocol.hpp"
#include "daemon/control/arguments.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sbc::config {
struct Config;
}
namespace sbc::store {
class Store;
}
namespace sbc::pipeline {
class Pipeline;
}
namespace sbc::metrics {
class Counters;
}

namespace sbc::control {

// Everything a handler may use. Built per request by the transport; handlers never reach for globals.
struct Context {
    store::Store& store;
    const config::Config& config;
    std::chrono::system_clock::time_point started_at;
    std::string actor;                           // who asks, for the audit log: "sbcctl:uid=1000"
    int http_port = 0;                           // the port actually bound (the configured one may be 0)
    pipeline::Pipeline* pipeline = nullptr;      // for send-test and send; null in tests of other commands
    const metrics::Counters* counters = nullptr; // refused signatures for webhook-check; null in unit tests
};

struct Response {
    int result = protocol::k_ok;
    std::string text;
    nlohmann::json arguments = nlohmann::json::object();
};

using Handler = Response (*)(Context&, Arguments&);

enum class Access { read, write };

struct Command {
    std::string_view name;
    Access access;
    Handler handler;
    std::string_view help;
};

// A failure a handler reports by throwing; the dispatcher turns it into a response with this result code.
struct CommandError {
    int result;
    std::string text;
};

[[noreturn]] inline void fail(int result, std::string text) {
    throw CommandError{result, std::move(text)};
}

} // namespace sbc::control
