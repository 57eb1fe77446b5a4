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

} // namespace sbc::control
