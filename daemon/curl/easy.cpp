#include "daemon/curl/easy.hpp"

#include <mutex>

namespace sbc::curl {

Easy new_easy() {
    static std::once_flag once;
    static bool initialised = false;
    std::call_once(once, [] { initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; });
    if (!initialised) {
        return nullptr;
    }
    return Easy(curl_easy_init());
}

} // namespace sbc::curl
