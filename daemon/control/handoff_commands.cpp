// Questions handed to owners that are still open (the owners answer them with !reply / !answer).

#include "common/time_format.hpp"
#include "daemon/control/handlers.hpp"
#include "daemon/control/lookup.hpp"
#include "daemon/control/validate.hpp"
#include "daemon/store/ai_repo.hpp"
#include "daemon/store/store.hpp"

#include <fmt/format.h>

namespace sbc::control {

Response handoffs(Context& ctx, Arguments& args) {
    auto business = args.optional_string("business");
    args.check_unknown();
    auto out = unwrap(ctx.store.read([&](store::Database& db) -> Result<nlohmann::json> {
        std::optional<std::int64_t> rowid;
        if (business) {
            auto b = business_or_error(db, *business);
            if (!b) {
                return b.error();
            }
            rowid = b->rowid;
        }
        nlohmann::json list = nlohmann::json::array();
        for (const auto& h : store::list_open_handoffs(db, rowid)) {
            list.push_back({{"business", h.business_slug},
                            {"number", h.number},
                            {"customer", h.customer},
                            {"question", h.question},
                            {"created_at", time_format::iso8601(h.created_at)}});
        }
        return nlohmann::json{{"handoffs", list}};
    }));
    auto count = out["handoffs"].size();
    return {protocol::k_ok, fmt::format("{} open hand-off{}", count, count == 1 ? "" : "s"), out};
}

} // namespace sbc::control
