#pragma once
// One media download with libcurl: Twilio's Basic auth (sent to the first host only, never to the host a
// redirect leads to), redirects followed, a size limit enforced while the body streams in, a content-type
// allow-list, a timeout. The body goes to a file the caller names; on any failure that file is removed.

#include <cstdint>
#include <string>

namespace sbc::media {

struct FetchRequest {
    std::string url;
    std::string username; // the account SID; empty: no Authorization header
    std::string password; // the auth token
    std::int64_t max_bytes = 16 << 20;
    long timeout_ms = 60000;
    long connect_timeout_ms = 10000;
    std::string declared_type; // MediaContentType{N}: used when the answer has no Content-Type
    std::string dest_path;     // created exclusively; must not exist
};

struct FetchOutcome {
    enum class Kind { ok, retry, permanent };
    Kind kind = Kind::retry;
    std::string error;        // why, for the log and the media row; never contains the credentials
    std::string content_type; // normalised, allowed (ok only)
    std::int64_t bytes = 0;
    int http_status = 0;
};

// Downloads request.url into request.dest_path. Never throws for network or HTTP errors: they are outcomes.
FetchOutcome fetch(const FetchRequest& request);

} // namespace sbc::media
