#pragma once
// Finding what a request names, with the error message users see when it is not there.

#include "common/result.hpp"
#include "daemon/store/business_repo.hpp"
#include "daemon/store/knowledge_repo.hpp"

namespace sbc::control {

// The business with that id, or a not-found error that says how to list the registered ones.
Result<store::Business> business_or_error(store::Database& db, std::string_view id);

// Knowledge entry `number` of the business with that id, or a not-found error naming whichever is missing.
Result<store::Entry> entry_or_error(store::Database& db, std::string_view business_id, std::int64_t number);

} // namespace sbc::control
