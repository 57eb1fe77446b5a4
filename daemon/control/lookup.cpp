#include "daemon/control/lookup.hpp"

#include "common/protocol.hpp"

#include <fmt/format.h>

namespace sbc::control {

Result<store::Business> business_or_error(store::Database& db, std::string_view id) {
    if (auto b = store::find_business(db, id)) {
        return *b;
    }
    return Error{protocol::k_not_found,
                 fmt::format("business '{}' not found (sbcctl business list shows the registered ones)", id)};
}

Result<store::Entry> entry_or_error(store::Database& db, std::string_view business_id, std::int64_t number) {
    auto b = business_or_error(db, business_id);
    if (!b) {
        return b.error();
    }
    if (auto entry = store::find_entry(db, b->rowid, number)) {
        return *entry;
    }
    return Error{protocol::k_not_found,
                 fmt::format("{} has no entry {} (sbcctl kb list --business {} shows them)", business_id,
                             number, business_id)};
}

} // namespace sbc::control
