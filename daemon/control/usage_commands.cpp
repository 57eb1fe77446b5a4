// Usage for billing: messages, chat and embedding tokens per business in a calendar month (UTC), priced
// from the configuration (billing.*).

#include "daemon/config/config.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/store/store.hpp"
#include "daemon/store/usage_repo.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <fmt/format.h>

namespace sbc::control {
namespace {

struct Month {
    int year = 0;
    int month = 0; // 1..12
    std::string name() const { return fmt::format("{:04d}-{:02d}", year, month); }
};

std::int64_t month_start_ms(int year, int month) {
    std::tm tm{};
    tm.tm_year = year - 1900 + (month - 1) / 12;
    tm.tm_mon = (month - 1) % 12;
    tm.tm_mday = 1;
    return static_cast<std::int64_t>(timegm(&tm)) * 1000;
}

Month checked_month(const std::optional<std::string>& text) {
    if (!text) {
        std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        return {tm.tm_year + 1900, tm.tm_mon + 1};
    }
    Month m;
    int consumed = 0;
    if (text->size() != 7 || std::sscanf(text->c_str(), "%4d-%2d%n", &m.year, &m.month, &consumed) != 2 ||
        consumed != 7 || m.month < 1 || m.month > 12 || m.year < 1970) {
        fail(protocol::k_invalid, fmt::format("month '{}' is not YYYY-MM, e.g. 2026-11", *text));
    }
    return m;
}

// Millionths of the currency unit, rounded to whole millionths.
std::int64_t cost_micros(const config::Config& c, const store::Usage& u) {
    return u.messages_in * c.price_inbound_micros + u.messages_out * c.price_outbound_micros +
           (u.llm_tokens * c.price_per_1k_tokens_micros + 500) / 1000 +
           (u.embedding_tokens * c.price_per_1k_embedding_tokens_micros + 500) / 1000;
}

std::string money(std::int64_t micros) {
    return fmt::format("{}.{:06d}", micros / 1000000, micros % 1000000);
}

} // namespace

Response usage(Context& ctx, Arguments& args) {
    Month month = checked_month(args.optional_string("month"));
    auto business = args.optional_string("business");
    args.check_unknown();
    std::int64_t from = month_start_ms(month.year, month.month);
    std::int64_t to = month_start_ms(month.year, month.month + 1);
    auto rows = unwrap(ctx.store.read([&](store::Database& db) -> Result<std::vector<store::Usage>> {
        if (business) {
            if (auto b = business_or_error(db, *business); !b) {
                return b.error();
            }
        }
        return store::usage_by_business(db, from, to, business);
    }));
    nlohmann::json list = nlohmann::json::array();
    store::Usage total;
    std::int64_t total_cost = 0;
    for (const auto& u : rows) {
        std::int64_t cost = cost_micros(ctx.config, u);
        list.push_back({{"business", u.business},
                        {"name", u.name},
                        {"messages_in", u.messages_in},
                        {"messages_out", u.messages_out},
                        {"llm_tokens", u.llm_tokens},
                        {"embedding_tokens", u.embedding_tokens},
                        {"cost", money(cost)}});
        total.messages_in += u.messages_in;
        total.messages_out += u.messages_out;
        total.llm_tokens += u.llm_tokens;
        total.embedding_tokens += u.embedding_tokens;
        total_cost += cost;
    }
    const auto& c = ctx.config;
    return {
        protocol::k_ok,
        fmt::format("usage in {} (UTC): {} in, {} out, {} chat tokens, {} embedding tokens, estimated {} {}",
                    month.name(), total.messages_in, total.messages_out, total.llm_tokens,
                    total.embedding_tokens, money(total_cost), c.billing_currency),
        {{"month", month.name()},
         {"currency", c.billing_currency},
         {"prices",
          {{"inbound_message", money(c.price_inbound_micros)},
           {"outbound_message", money(c.price_outbound_micros)},
           {"per_1k_llm_tokens", money(c.price_per_1k_tokens_micros)},
           {"per_1k_embedding_tokens", money(c.price_per_1k_embedding_tokens_micros)}}},
         {"businesses", list},
         {"total",
          {{"messages_in", total.messages_in},
           {"messages_out", total.messages_out},
           {"llm_tokens", total.llm_tokens},
           {"embedding_tokens", total.embedding_tokens},
           {"cost", money(total_cost)}}}}};
}

} // namespace sbc::control
