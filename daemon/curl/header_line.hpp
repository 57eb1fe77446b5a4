#pragma once
// The header lines libcurl hands a CURLOPT_HEADERFUNCTION, one at a time ("Retry-After: 5\r\n").

#include <string_view>

namespace sbc::curl {

// Whether `line` is the header `name`, whatever its case ("retry-after: 5" is Retry-After).
bool header_is(std::string_view line, std::string_view name);

} // namespace sbc::curl
