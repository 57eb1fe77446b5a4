#include "tests/support/basic_auth.hpp"

#include <openssl/evp.h>

namespace sbc::test {

std::string basic_authorization(std::string_view user, std::string_view password) {
    std::string credentials = std::string(user) + ":" + std::string(password);
    std::string encoded(4 * ((credentials.size() + 2) / 3), '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                            reinterpret_cast<const unsigned char*>(credentials.data()),
                            static_cast<int>(credentials.size()));
    encoded.resize(static_cast<std::size_t>(n));
    return "Basic " + encoded;
}

} // namespace sbc::test
