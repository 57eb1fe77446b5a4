#include "cli/control_client.hpp"

#include "cli/exit_codes.hpp"
#include "common/protocol.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>

namespace sbc::cli {

namespace {

constexpr std::size_t k_read_chunk = 64 * 1024;

const char* k_hint_running = "is sbcd running? set --socket or SBC_SOCKET";

std::string seconds_text(std::chrono::milliseconds timeout) {
    return fmt::format("{:g} s", static_cast<double>(timeout.count()) / 1000.0);
}

int milliseconds_left(std::chrono::steady_clock::time_point deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    return left.count() <= 0 ? 0 : static_cast<int>(std::min<long long>(left.count(), 1'000'000'000));
}

// Waits until fd is ready for events; false on timeout. poll() errors other than EINTR count as ready so the
// following read or write reports the real error.
bool wait_for(int fd, short events, std::chrono::steady_clock::time_point deadline) {
    for (;;) {
        pollfd pfd{fd, events, 0};
        int n = ::poll(&pfd, 1, milliseconds_left(deadline));
        if (n > 0) {
            return true;
        }
        if (n == 0) {
            return false;
        }
        if (errno != EINTR) {
            return true;
        }
    }
}

std::string hint_for(int error) {
    if (error == EACCES || error == EPERM) {
        return "run as root or as a member of the socket's group; set --socket or SBC_SOCKET for another "
               "socket";
    }
    return k_hint_running;
}

} // namespace

Error ControlClient::unreachable(const std::string& problem, const std::string& hint) const {
    return Error{k_exit_unreachable, fmt::format("cannot reach sbcd at {}: {} ({})", m_path, problem, hint)};
}

Result<ControlClient> ControlClient::connect(std::string path, std::chrono::milliseconds timeout) {
    auto fail = [&](const std::string& problem, const std::string& hint) {
        return Error{k_exit_unreachable,
                     fmt::format("cannot reach sbcd at {}: {} ({})", path, problem, hint)};
    };
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof(address.sun_path)) {
        return fail(fmt::format("a socket path must be 1 to {} bytes", sizeof(address.sun_path) - 1),
                    "use a shorter --socket path");
    }
    std::memcpy(address.sun_path, path.data(), path.size());

    // Non-blocking from the start: a daemon whose listen queue is full must not hang us past --timeout.
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd.valid()) {
        return fail(std::strerror(errno), "the system refused to create a socket");
    }
    auto deadline = Clock::now() + timeout;
    for (;;) {
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0) {
            break;
        }
        int error = errno;
        if (error == EINTR) {
            continue;
        }
        // EAGAIN on a Unix socket means the listen queue is full: retry until the deadline.
        if (error == EAGAIN && Clock::now() < deadline) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
            continue;
        }
        if (error == EAGAIN) {
            return fail(fmt::format("no connection accepted within {}", seconds_text(timeout)),
                        "is sbcd overloaded? raise --timeout");
        }
        return fail(std::strerror(error), hint_for(error));
    }
    return ControlClient(std::move(fd), std::move(path), timeout);
}

Status ControlClient::write_all(const std::string& bytes, Clock::time_point deadline) {
    std::size_t sent = 0;
    while (sent < bytes.size()) {
        // MSG_NOSIGNAL: a daemon that hangs up must give us an error to report, not kill us with SIGPIPE.
        ssize_t n = ::send(m_fd.get(), bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
        if (n > 0) {
            sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!wait_for(m_fd.get(), POLLOUT, deadline)) {
                return unreachable(fmt::format("no answer within {}", seconds_text(m_timeout)),
                                   "is sbcd busy or stuck? raise --timeout");
            }
            continue;
        }
        return Error{k_exit_error,
                     fmt::format("sbcd at {} closed the connection while sbcctl was sending: {} "
                                 "(see sbcd's log)",
                                 m_path, std::strerror(errno))};
    }
    return ok_status();
}

Result<std::string> ControlClient::read_line(Clock::time_point deadline) {
    for (;;) {
        if (auto line = m_framer.next_line()) {
            return std::move(*line);
        }
        if (m_framer.overflowed()) {
            return Error{k_exit_error, fmt::format("sbcd at {} sent a reply longer than {} MiB", m_path,
                                                   k_max_reply_bytes / (1024 * 1024))};
        }
        char chunk[k_read_chunk];
        ssize_t n = ::recv(m_fd.get(), chunk, sizeof(chunk), 0);
        if (n > 0) {
            m_framer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
            continue;
        }
        if (n == 0) {
            return Error{k_exit_error, fmt::format("sbcd at {} closed the connection without answering (see "
                                                   "sbcd's log)",
                                                   m_path)};
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            if (!wait_for(m_fd.get(), POLLIN, deadline)) {
                return unreachable(fmt::format("no answer within {}", seconds_text(m_timeout)),
                                   "is sbcd busy or stuck? raise --timeout");
            }
            continue;
        }
        return Error{k_exit_error,
                     fmt::format("reading from sbcd at {} failed: {}", m_path, std::strerror(errno))};
    }
}

Result<nlohmann::json> ControlClient::call(const nlohmann::json& request) {
    std::string line;
    try {
        line = request.dump() + "\n";
    } catch (const nlohmann::json::type_error&) {
        // dump() refuses invalid UTF-8; sbcd would refuse it too, so say so before sending anything.
        return Error{k_exit_invalid, "an argument is not valid UTF-8 text (sbcd stores UTF-8 only)"};
    }
    auto deadline = Clock::now() + m_timeout;
    if (auto written = write_all(line, deadline); !written) {
        return written.error();
    }
    auto reply_line = read_line(deadline);
    if (!reply_line) {
        return reply_line.error();
    }
    auto reply = nlohmann::json::parse(*reply_line, nullptr, false);
    if (reply.is_discarded() || !reply.is_object() || !reply.contains(protocol::k_result) ||
        !reply[std::string(protocol::k_result)].is_number_integer()) {
        return Error{k_exit_error, fmt::format("sbcd at {} sent a reply that is not a control-protocol "
                                               "response (is something else listening on that socket?)",
                                               m_path)};
    }
    return reply;
}

} // namespace sbc::cli
