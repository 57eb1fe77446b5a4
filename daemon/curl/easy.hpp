#pragma once
// libcurl handles with owners, for sbcd's four HTTP clients: Twilio's Messages API and account check, media
// downloads, and the OpenAI-compatible provider.

#include <curl/curl.h>
#include <memory>

namespace sbc::curl {

struct EasyDeleter {
    void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct HeaderListDeleter {
    void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using HeaderList = std::unique_ptr<curl_slist, HeaderListDeleter>;

// A new easy handle, or null when libcurl cannot initialise or create one. libcurl's global initialisation
// runs once per process, before the first handle: before libcurl 7.84 it was not safe in two threads at once.
Easy new_easy();

} // namespace sbc::curl
