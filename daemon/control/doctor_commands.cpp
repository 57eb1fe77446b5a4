// sbcctl doctor's daemon side: what sbcd can check about itself, each check with a verdict (ok, warn, fail),
// what it found and what to do. The control socket's permissions are checked by sbcctl, which sees them as
// the user does.

#include "daemon/config/config.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/store/migrations.hpp"
#include "daemon/store/store.hpp"
#include "daemon/twilio/account_check.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sys/statvfs.h>

namespace sbc::control {
namespace {

// Free space below these fails / warns: SQLite needs room for the WAL and for backups' temporary copies.
constexpr std::uint64_t k_fail_free_bytes = 100ull << 20;
constexpr std::uint64_t k_warn_free_bytes = 1ull << 30;
constexpr double k_fail_free_percent = 1;
constexpr double k_warn_free_percent = 5;

nlohmann::json check(std::string_view name, std::string_view status, const std::string& detail,
                     const std::string& fix = "") {
    return {{"name", name}, {"status", status}, {"detail", detail}, {"fix", fix}};
}

nlohmann::json configuration_check(const config::Config& c) {
    if (!c.insecure_skip_signature_check && c.twilio_auth_token.empty()) {
        return check("configuration", "fail", "TWILIO_AUTH_TOKEN is not set: every webhook is refused (403)",
                     "set TWILIO_AUTH_TOKEN (twilio.auth_token) and reload sbcd");
    }
    std::vector<std::string> warnings;
    std::vector<std::string> fixes;
    if (c.insecure_skip_signature_check) {
        warnings.emplace_back("the webhook signature check is off (http.insecure_skip_signature_check)");
        fixes.emplace_back("turn it off outside local development");
    }
    if (c.webhook_base_url.empty()) {
        warnings.emplace_back("WEBHOOK_BASE_URL is not set: signatures are checked against http://<Host>, "
                              "which fails behind a TLS proxy");
        fixes.emplace_back("set WEBHOOK_BASE_URL to the public URL Twilio calls (see sbcctl webhook check)");
    }
    if (c.llm_configured() && c.openai_api_key.empty()) {
        warnings.emplace_back(
            fmt::format("openai.chat_model is {} but OPENAI_API_KEY is not set", c.openai_chat_model));
        fixes.emplace_back("set OPENAI_API_KEY, or clear openai.chat_model");
    }
    if (!warnings.empty()) {
        return check("configuration", "warn", fmt::format("{}", fmt::join(warnings, "; ")),
                     fmt::format("{}", fmt::join(fixes, "; ")));
    }
    return check("configuration", "ok",
                 fmt::format("webhooks verified against {}; {} options in force (--json lists them)",
                             c.webhook_base_url, config::describe(c).size()));
}

nlohmann::json database_check(store::Store& store) {
    if (auto failing = store.write_failure()) {
        return check("database", "fail", "writes fail: " + failing->message,
                     "free disk space or fix the data directory's permissions; sbcd retries by itself");
    }
    auto problems = store.read([](store::Database& db) -> Result<std::vector<std::string>> {
        std::vector<std::string> out;
        auto s = db.prepare("PRAGMA quick_check(5)");
        while (s.step()) {
            if (s.text(0) != "ok") {
                out.push_back(s.text(0));
            }
        }
        return out;
    });
    if (!problems) {
        return check("database", "fail", "cannot read the database: " + problems.error().message,
                     "check the data directory (sbcd's log says more)");
    }
    if (!problems->empty()) {
        return check("database", "fail",
                     fmt::format("quick_check found damage: {}", fmt::join(*problems, "; ")),
                     "stop sbcd and restore the last good backup (sbcctl backup verify FILE, see sbcctl(1))");
    }
    int version = store.schema_version();
    int latest = store::latest_schema_version();
    if (version != latest) {
        return check("database", "fail",
                     fmt::format("schema version {}, this sbcd knows {}", version, latest),
                     "restart sbcd so that it migrates the database");
    }
    return check("database", "ok",
                 fmt::format("{}: quick_check ok, schema version {}", store.path(), version));
}

std::string bytes_text(std::uint64_t bytes) {
    if (bytes >= (1ull << 30)) {
        return fmt::format("{:.1f} GiB", static_cast<double>(bytes) / static_cast<double>(1ull << 30));
    }
    return fmt::format("{:.1f} MiB", static_cast<double>(bytes) / static_cast<double>(1ull << 20));
}

nlohmann::json disk_check(const std::string& data_dir) {
    struct statvfs fs {};
    if (statvfs(data_dir.c_str(), &fs) != 0) {
        return check("disk", "fail", fmt::format("cannot read the free space of {}", data_dir),
                     "check that the data directory exists");
    }
    std::uint64_t free = static_cast<std::uint64_t>(fs.f_bavail) * fs.f_frsize;
    std::uint64_t total = static_cast<std::uint64_t>(fs.f_blocks) * fs.f_frsize;
    double percent = total == 0 ? 0 : 100.0 * static_cast<double>(free) / static_cast<double>(total);
    std::string detail =
        fmt::format("{} free of {} ({:.0f}%) in {}", bytes_text(free), bytes_text(total), percent, data_dir);
    if (free < k_fail_free_bytes || percent < k_fail_free_percent) {
        return check("disk", "fail", detail, "free space now: a full disk stops every reply");
    }
    if (free < k_warn_free_bytes || percent < k_warn_free_percent) {
        return check("disk", "warn", detail, "free some space or grow the file system soon");
    }
    return check("disk", "ok", detail);
}

nlohmann::json twilio_check(const config::Config& c) {
    if (!c.twilio_live()) {
        return check(
            "twilio", "warn",
            "dry-run mode: no TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN, replies are logged and not sent",
            "set both to send replies");
    }
    auto result = twilio::check_account(c.twilio_api_base_url, c.twilio_account_sid, c.twilio_auth_token,
                                        std::min(c.send_timeout_ms, 10000));
    const char* status = result.verdict == twilio::AccountCheck::Verdict::ok     ? "ok"
                         : result.verdict == twilio::AccountCheck::Verdict::warn ? "warn"
                                                                                 : "fail";
    return check("twilio", status, result.detail, result.fix);
}

} // namespace

Response doctor(Context& ctx, Arguments& args) {
    args.check_unknown();
    nlohmann::json checks = {configuration_check(ctx.config), database_check(ctx.store),
                             twilio_check(ctx.config), disk_check(ctx.config.data_dir)};
    auto failed = std::count_if(checks.begin(), checks.end(),
                                [](const nlohmann::json& c) { return c["status"] == "fail"; });
    return {protocol::k_ok,
            failed == 0 ? std::string("sbcd checked itself: nothing failed")
                        : fmt::format("sbcd checked itself: {} check(s) failed", failed),
            {{"checks", checks}, {"config", config::describe(ctx.config)}}};
}

} // namespace sbc::control
