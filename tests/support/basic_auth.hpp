#pragma once
// The Authorization header a Twilio client sends (HTTP Basic, RFC 7617), as the fakes expect it. Computed
// with OpenSSL rather than sbc's own base64, so that a mistake there cannot hide in both the client and the
// fake.

#include <string>
#include <string_view>

namespace sbc::test {

// "Basic " followed by base64 of "user:password".
std::string basic_authorization(std::string_view user, std::string_view password);

} // namespace sbc::test
