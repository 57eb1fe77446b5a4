#pragma once
// A fake of where Twilio's media URLs lead, on 127.0.0.1 for tests: files served at paths (GET), optionally
// behind the account's Basic auth (Twilio's "Enforce HTTP Auth on Media URLs"), a redirect to another host
// (Twilio's storage), an answer that fails the first n times, and a record of each request with its
// Authorization header.
//
// Usage:
//   sbc::test::FakeMedia media(fake.account_sid(), fake.auth_token());
//   media.serve("/Media/ME1", {"bytes", "image/jpeg", true});   // needs Basic auth
//   media.url("/Media/ME1")                                     // what to put in MediaUrl0

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace sbc::test {

struct MediaFile {
    std::string body;
    std::string content_type = "image/jpeg";
    bool require_auth = false;              // 401 without the account's Basic auth
    std::optional<std::string> redirect_to; // answer 307 with this Location instead of the body
    int fail_first = 0;                     // the first n requests get 503
};

struct MediaRequest {
    std::string path;
    std::string authorization; // "" when absent
    int status = 0;            // what the fake answered
};

class FakeMedia {
  public:
    // Listening on a port the OS chooses once constructed. Throws std::runtime_error if it cannot start.
    FakeMedia(std::string account_sid, std::string auth_token);
    ~FakeMedia();
    FakeMedia(const FakeMedia&) = delete;
    FakeMedia& operator=(const FakeMedia&) = delete;

    void serve(const std::string& path, MediaFile file);
    // "http://127.0.0.1:<port>" + path.
    std::string url(const std::string& path) const;
    // Every request so far, in arrival order.
    std::vector<MediaRequest> requests() const;
    // "Basic <base64(sid:token)>", what a request with the right credentials carries.
    const std::string& expected_authorization() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

} // namespace sbc::test
