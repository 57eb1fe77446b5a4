#pragma once
// The client end of sbcd's control socket: one JSON line out, one JSON line back (docs/control-protocol.md).

#include "cli/unique_fd.hpp"
#include "common/line_framer.hpp"
#include "common/result.hpp"

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>

namespace sbc::cli {

class ControlClient {
  public:
    // Connects to the socket at path. Fails with k_exit_unreachable and a message naming the socket and the
    // likely fix when it is missing, refused, not permitted, or does not accept within timeout.
    static Result<ControlClient> connect(std::string path, std::chrono::milliseconds timeout);

    // Sends one request and returns the reply object. Each call gets the whole timeout again, so an import
    // of many batches is limited per batch, not in total. Fails with k_exit_unreachable on a timeout and
    // k_exit_error when sbcd hangs up or answers something that is not a reply object; k_exit_invalid when
    // the request cannot be encoded (text that is not UTF-8).
    Result<nlohmann::json> call(const nlohmann::json& request);

    const std::string& path() const { return m_path; }

  private:
    ControlClient(UniqueFd fd, std::string path, std::chrono::milliseconds timeout)
        : m_fd(std::move(fd)), m_path(std::move(path)), m_timeout(timeout), m_framer(k_max_reply_bytes) {}

    // Replies are bounded so a confused peer cannot make sbcctl eat all memory; an export page of 5,000
    // entries of 4,000 characters each still fits.
    static constexpr std::size_t k_max_reply_bytes = 256 * 1024 * 1024;

    using Clock = std::chrono::steady_clock;
    Status write_all(const std::string& bytes, Clock::time_point deadline);
    Result<std::string> read_line(Clock::time_point deadline);
    Error unreachable(const std::string& problem, const std::string& hint) const;

    UniqueFd m_fd;
    std::string m_path;
    std::chrono::milliseconds m_timeout;
    LineFramer m_framer; // bytes read past the last reply line
};

} // namespace sbc::cli
