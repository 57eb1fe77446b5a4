#pragma once
// Phone numbers in one normal form: E.164, "+" and 7 to 15 digits, the first not 0.

#include "common/result.hpp"

#include <string>
#include <string_view>

namespace sbc::phone {

// Accepts "+15551234567", "whatsapp:+1 555-123-4567", "(+1) 555.123.4567" and "0015551234567".
// Returns "+15551234567", or an error saying what is wrong with the input and how a valid one looks.
Result<std::string> normalize(std::string_view input);

// "whatsapp:+15551234567" for a normalised number: the address form Twilio uses for WhatsApp.
std::string to_whatsapp(std::string_view e164);

} // namespace sbc::phone
