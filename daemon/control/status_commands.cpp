// Commands about the daemon itself.

#include "common/time_format.hpp"
#include "daemon/config/config.hpp"
#include "daemon/control/command_table.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/inbox_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/vector_repo.hpp"

#include <filesystem>

namespace sbc::control {
namespace {

std::int64_t file_size(const std::string& path) {
    std::error_code ec;
    auto size = std::filesystem::file_size(path, ec);
    return ec ? 0 : static_cast<std::int64_t>(size);
}

std::int64_t to_ms(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

} // namespace

Response list_commands(Context&, Arguments& args) {
    args.check_unknown();
    nlohmann::json commands = nlohmann::json::array();
    for (const auto& command : command_table()) {
        commands.push_back({{"name", command.name},
                            {"access", command.access == Access::read ? "read" : "write"},
                            {"help", command.help}});
    }
    return {protocol::k_ok, std::to_string(commands.size()) + " commands", {{"commands", commands}}};
}

Response status(Context& ctx, Arguments& args) {
    args.check_unknown();
    auto counts = unwrap(ctx.store.read([](store::Database& db) -> Result<nlohmann::json> {
        // The inbox: webhooks acknowledged and not handled yet (a burst being worked off), and those set
        // aside because handling them failed again and again (the log says why).
        auto inbox = store::count_inbox(db);
        return nlohmann::json{{"businesses", store::count_businesses(db)},
                              {"knowledge", store::count_all_entries(db)},
                              {"inbox_waiting", inbox.waiting},
                              {"inbox_set_aside", inbox.set_aside}};
    }));
    const auto& path = ctx.store.path();
    auto now = std::chrono::system_clock::now();
    double uptime = std::chrono::duration<double>(now - ctx.started_at).count();
    nlohmann::json out = {
        {"version", SBC_VERSION},
        {"protocol", protocol::k_version},
        {"started_at", time_format::iso8601(to_ms(ctx.started_at))},
        {"uptime_seconds", static_cast<std::int64_t>(uptime)},
        {"database",
         {{"path", path},
          {"size_bytes", file_size(path) + file_size(path + "-wal")},
          {"schema_version", ctx.store.schema_version()}}},
        {"socket", ctx.config.socket()},
        {"http", {{"listen", ctx.config.listen()}, {"port", ctx.http_port}}},
        {"twilio", {{"mode", ctx.config.twilio_live() ? "live" : "dry-run"}}},
        {"counts", counts},
    };
    // How far the embedder is with the model in force: after a model change or a large import the
    // embeddings and hybrid modes only know the entries that already have a vector of it.
    if (ctx.config.embeddings_configured()) {
        const auto& model = ctx.config.openai_embedding_model;
        auto embedded = unwrap(ctx.store.read([&](store::Database& db) -> Result<store::EmbeddingCounts> {
            return store::embedding_counts(db, model);
        }));
        out["embeddings"] = {{"model", model},
                             {"with_vector", embedded.embedded},
                             {"without_vector", embedded.entries - embedded.embedded}};
    }
    return {protocol::k_ok, std::string("sbcd ") + SBC_VERSION + " running", out};
}

} // namespace sbc::control
