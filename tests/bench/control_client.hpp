#pragma once
// A client of sbcd's control socket speaking the protocol directly (common/protocol.hpp,
// docs/control-protocol.md): one JSON request line, one JSON response line. Setup registers thousands of
// businesses through it, which is far faster than starting sbcctl for each.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace sbc::bench {

class ControlClient {
  public:
    // Connects to the socket; throws std::runtime_error naming the path when it cannot.
    explicit ControlClient(const std::string& socket_path);
    ~ControlClient();
    ControlClient(const ControlClient&) = delete;
    ControlClient& operator=(const ControlClient&) = delete;

    // Sends one request and returns the whole response object; throws on I/O errors or a response that is not
    // JSON. The result code is the caller's to check (see ok()).
    nlohmann::json request(std::string_view command, nlohmann::json arguments = nlohmann::json::object());
    // The same, throwing std::runtime_error with sbcd's text unless the result is 0.
    nlohmann::json checked(std::string_view command, nlohmann::json arguments = nlohmann::json::object());

  private:
    std::string read_line();

    int m_fd = -1;
    std::string m_path;
    std::string m_buffer;
};

} // namespace sbc::bench
