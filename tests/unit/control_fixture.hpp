#pragma once
// A control-command test bench: a real Store on a temporary directory, a dry-run Pipeline and a Context, so
// that requests go through dispatch() exactly as the socket server sends them, without a socket.

#include "common/protocol.hpp"
#include "daemon/config/config.hpp"
#include "daemon/config/live.hpp"
#include "daemon/control/command.hpp"
#include "daemon/control/dispatch.hpp"
#include "daemon/pipeline/pipeline.hpp"
#include "daemon/store/store.hpp"
#include "tests/support/process.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace sbc::test {

using nlohmann::json;

// One row of the audit log.
struct AuditEvent {
    std::string actor;
    std::string action;
    std::string business; // empty when NULL
    json details;
};

class ControlFixture {
  public:
    static constexpr const char* k_actor = "sbcctl:uid=1000";

    ControlFixture()
        : m_store(m_dir.file("sbc.db")),
          m_pipeline(m_store, m_live, [](std::vector<store::Claim>) {}), m_ctx{m_store, m_config, started(),
                                                                               k_actor, 8080,     &m_pipeline,
                                                                               nullptr} {
        m_config.data_dir = m_dir.path();
    }

    // The data directory the commands write files under (a temporary directory).
    const std::string& data_dir() const { return m_config.data_dir; }

    // The response to a request line, as the socket server would send it.
    json raw(std::string_view line) { return control::dispatch(line, m_ctx); }

    // The response to a command with arguments.
    json call(std::string_view command, json arguments = json::object()) {
        return raw(protocol::make_request(command, std::move(arguments)).dump());
    }

    // The response's arguments, after checking that the command succeeded.
    json ok(std::string_view command, json arguments = json::object()) {
        auto response = call(command, arguments);
        INFO(command << " " << arguments.dump() << " -> " << response.dump());
        REQUIRE(response["result"] == protocol::k_ok);
        return response["arguments"];
    }

    // The response's text, after checking the result code.
    std::string fails(int result, std::string_view command, json arguments = json::object()) {
        auto response = call(command, arguments);
        INFO(command << " " << arguments.dump() << " -> " << response.dump());
        REQUIRE(response["result"] == result);
        REQUIRE(response["arguments"] == json::object());
        return response["text"].get<std::string>();
    }

    // Registers a business with the usual test data (overridable) and returns it.
    json register_business(const std::string& id, const std::string& number, json extra = json::object()) {
        json args = {{"id", id}, {"name", "Name of " + id}, {"number", number}, {"owner", "+15551234567"}};
        args.update(extra);
        return ok("business-register", args)["business"];
    }

    // Every audit event, oldest first.
    std::vector<AuditEvent> events() {
        auto rows = m_store.read([](store::Database& db) -> Result<std::vector<AuditEvent>> {
            auto s = db.prepare("SELECT actor, action, business, details FROM events ORDER BY id");
            std::vector<AuditEvent> out;
            while (s.step()) {
                out.push_back({s.text(0), s.text(1), s.is_null(2) ? "" : s.text(2), json::parse(s.text(3))});
            }
            return out;
        });
        REQUIRE(rows.ok());
        return *rows;
    }

    store::Store& store() { return m_store; }
    // The configuration the handlers see (the Context holds a reference to it).
    config::Config& config() { return m_config; }
    control::Context& context() { return m_ctx; }
    const TempDir& dir() const { return m_dir; }

  private:
    static std::chrono::system_clock::time_point started() { return std::chrono::system_clock::now(); }

    TempDir m_dir;
    config::Config m_config;
    config::Live m_live{m_config}; // the pipeline's copy: dry-run, no Twilio credentials
    store::Store m_store;
    pipeline::Pipeline m_pipeline; // dry-run: no Twilio credentials in m_config
    control::Context m_ctx;
};

} // namespace sbc::test
