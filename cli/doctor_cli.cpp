// sbcctl doctor: one line per check (ok / warn / fail, what was found, what to fix). sbcd checks its
// configuration, database, Twilio credentials and disk (control command "doctor"); sbcctl checks the control
// socket's permissions itself, as the user running it sees them. Exit status 1 when any check fails.

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/control_client.hpp"
#include "cli/exit_codes.hpp"
#include "cli/output.hpp"
#include "cli/request.hpp"

#include <fmt/format.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>

namespace sbc::cli {
namespace {

nlohmann::json check(std::string_view name, std::string_view status, const std::string& detail,
                     const std::string& fix = "") {
    return {{"name", name}, {"status", status}, {"detail", detail}, {"fix", fix}};
}

std::string group_name(gid_t gid) {
    const group* g = getgrgid(gid);
    return g != nullptr ? g->gr_name : std::to_string(gid);
}

std::string user_name(uid_t uid) {
    const passwd* p = getpwuid(uid);
    return p != nullptr ? p->pw_name : std::to_string(uid);
}

// The socket as the user sees it: it exists, is a socket, and is not open to every local user.
nlohmann::json socket_check(const std::string& path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
        return check("socket", "fail", fmt::format("no control socket at {}", path),
                     "start sbcd (systemctl start sbcd), or point sbcctl at it with --socket or SBC_SOCKET");
    }
    if (!S_ISSOCK(st.st_mode)) {
        return check("socket", "fail", fmt::format("{} is not a socket", path),
                     "remove it and restart sbcd, or fix socket.path");
    }
    auto mode = st.st_mode & 07777;
    std::string detail =
        fmt::format("{} mode {:04o}, owner {}:{}", path, mode, user_name(st.st_uid), group_name(st.st_gid));
    if ((mode & 0007) != 0) {
        return check("socket", "warn", detail + ": every local user can control sbcd",
                     "set socket.group to the operators' group and restart sbcd (the socket becomes 0660)");
    }
    if (access(path.c_str(), R_OK | W_OK) != 0) {
        return check("socket", "fail", detail + ": you may not use it",
                     fmt::format("run as {} or join group {} (then log in again)", user_name(st.st_uid),
                                 group_name(st.st_gid)));
    }
    return check("socket", "ok", detail);
}

void print_checks(const nlohmann::json& checks) {
    for (const auto& c : checks) {
        std::string fix = c.value("fix", "");
        fmt::print("{:<5} {:<14} {}{}\n", c.value("status", "?"), c.value("name", "?"), c.value("detail", ""),
                   fix.empty() ? "" : " -- fix: " + fix);
    }
}

} // namespace

CommandAction define_doctor(CLI::App&, const GlobalOptions& options, std::string_view daemon_command) {
    return [&options, daemon_command] {
        nlohmann::json checks = nlohmann::json::array();
        nlohmann::json config = nlohmann::json::array();
        checks.push_back(socket_check(options.socket));
        auto client = ControlClient::connect(options.socket, options.timeout());
        Result<nlohmann::json> reply =
            client ? client->call(protocol::make_request(daemon_command, nlohmann::json::object()))
                   : Result<nlohmann::json>(client.error());
        if (!reply) {
            checks.push_back(check("sbcd", "fail", reply.error().message,
                                   "start sbcd, or see its log (journalctl -u sbcd)"));
        } else if (reply->value("result", 1) != protocol::k_ok) {
            checks.push_back(
                check("sbcd", "fail", reply_text(*reply), "upgrade sbcd to this sbcctl's version"));
        } else {
            for (const auto& c : reply_arguments(*reply).value("checks", nlohmann::json::array())) {
                checks.push_back(c);
            }
            config = reply_arguments(*reply).value("config", nlohmann::json::array());
        }
        auto failed = std::count_if(checks.begin(), checks.end(),
                                    [](const nlohmann::json& c) { return c.value("status", "") == "fail"; });
        auto warned = std::count_if(checks.begin(), checks.end(),
                                    [](const nlohmann::json& c) { return c.value("status", "") == "warn"; });
        std::string summary = fmt::format("{} checks: {} failed, {} warned", checks.size(), failed, warned);
        int code = failed > 0 ? k_exit_error : k_exit_ok;
        if (options.json) {
            fmt::print("{}\n",
                       compact_json(protocol::make_response(failed > 0 ? 1 : protocol::k_ok, summary,
                                                            {{"checks", checks}, {"config", config}})));
        } else {
            print_checks(checks);
            fmt::print("{}\n", summary);
        }
        return code;
    };
}

} // namespace sbc::cli
