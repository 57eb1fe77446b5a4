#pragma once
// Finding what a request names, with the error message users see when it is not there.

#include "common/result.hpp"
#include "daemon/store/business_repo.hpp"

namespace sbc::control {

// The business with that id, or a not-found error that says how to list the registered ones.
Result<store::Business> business_or_error(store::Database& db, std::string_view id);

} // namespace sbc::control
