#include "tests/bench/control_client.hpp"

#include "common/protocol.hpp"

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

namespace sbc::bench {

ControlClient::ControlClient(const std::string& socket_path) : m_path(socket_path) {
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (socket_path.size() >= sizeof(address.sun_path)) {
        throw std::runtime_error("control socket path too long: " + socket_path);
    }
    std::memcpy(address.sun_path, socket_path.c_str(), socket_path.size() + 1);
    m_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_fd < 0 || ::connect(m_fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
        std::string why = std::strerror(errno);
        if (m_fd >= 0) {
            ::close(m_fd);
        }
        throw std::runtime_error("cannot connect to sbcd's control socket " + socket_path + ": " + why);
    }
}

ControlClient::~ControlClient() {
    ::close(m_fd);
}

std::string ControlClient::read_line() {
    for (;;) {
        auto newline = m_buffer.find('\n');
        if (newline != std::string::npos) {
            std::string line = m_buffer.substr(0, newline);
            m_buffer.erase(0, newline + 1);
            return line;
        }
        char chunk[65536];
        ssize_t n = ::read(m_fd, chunk, sizeof chunk);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw std::runtime_error("sbcd closed the control connection " + m_path);
        }
        m_buffer.append(chunk, static_cast<std::size_t>(n));
    }
}

nlohmann::json ControlClient::request(std::string_view command, nlohmann::json arguments) {
    std::string line = protocol::make_request(command, std::move(arguments)).dump() + "\n";
    std::size_t done = 0;
    while (done < line.size()) {
        ssize_t n = ::send(m_fd, line.data() + done, line.size() - done, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            throw std::runtime_error("cannot write to sbcd's control socket " + m_path);
        }
        done += static_cast<std::size_t>(n);
    }
    return nlohmann::json::parse(read_line());
}

nlohmann::json ControlClient::checked(std::string_view command, nlohmann::json arguments) {
    auto response = request(command, std::move(arguments));
    if (response.value(std::string(protocol::k_result), -1) != protocol::k_ok) {
        throw std::runtime_error(std::string(command) + " failed: " + response.dump());
    }
    return response;
}

} // namespace sbc::bench
