#include "daemon/control/socket_server.hpp"

#include "common/line_framer.hpp"
#include "common/protocol.hpp"
#include "daemon/log/log.hpp"
#include "daemon/log/thread_name.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <pwd.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace sbc::control {
namespace {

constexpr int k_max_connections = 64;
// A client that sends nothing for this long is disconnected (sbcctl sends its request at once).
constexpr int k_idle_timeout_ms = 60'000;
constexpr int k_write_timeout_ms = 10'000;

std::string errno_text() {
    return std::strerror(errno);
}

sockaddr_un address(const std::string& path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof(addr.sun_path)) {
        throw std::runtime_error("control socket path '" + path + "' is too long (at most " +
                                 std::to_string(sizeof(addr.sun_path) - 1) + " bytes; set SBC_SOCKET)");
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    return addr;
}

// True when some process accepts connections on the socket (another sbcd): never steal its socket.
bool someone_listens(const std::string& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    sockaddr_un addr = address(path);
    bool listening = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ::close(fd);
    return listening;
}

gid_t group_id(const std::string& group) {
    if (group.empty()) {
        return 0;
    }
    struct group* g = ::getgrnam(group.c_str());
    if (g == nullptr) {
        throw std::runtime_error("socket group '" + group +
                                 "' does not exist (create it or unset SBC_SOCKET_GROUP)");
    }
    return g->gr_gid;
}

bool in_group(uid_t uid, gid_t primary, gid_t group) {
    if (primary == group) {
        return true;
    }
    struct passwd* pw = ::getpwuid(uid);
    if (pw == nullptr) {
        return false;
    }
    int count = 64;
    std::vector<gid_t> groups(static_cast<std::size_t>(count));
    if (::getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count) < 0) {
        groups.resize(static_cast<std::size_t>(count));
        ::getgrouplist(pw->pw_name, pw->pw_gid, groups.data(), &count);
    }
    groups.resize(static_cast<std::size_t>(count));
    return std::find(groups.begin(), groups.end(), group) != groups.end();
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        pollfd p{fd, POLLOUT, 0};
        if (::poll(&p, 1, k_write_timeout_ms) <= 0) {
            return false;
        }
        ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN) {
                continue;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

std::string error_line(int code, std::string text) {
    return protocol::make_response(code, std::move(text)).dump() + "\n";
}

} // namespace

SocketServer::SocketServer(std::string path, const std::string& group, LineHandler handler)
    : m_path(std::move(path)), m_group(group_id(group)), m_handler(std::move(handler)) {
    sockaddr_un addr = address(m_path);
    struct stat st {};
    if (::lstat(m_path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            throw std::runtime_error("'" + m_path +
                                     "' exists and is not a socket; remove it or set SBC_SOCKET");
        }
        if (someone_listens(m_path)) {
            throw std::runtime_error("another sbcd is already serving " + m_path + " (stop it first)");
        }
        ::unlink(m_path.c_str()); // a stale socket left by a killed sbcd
    }
    m_listen_fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (m_listen_fd < 0) {
        throw std::runtime_error("cannot create the control socket: " + errno_text());
    }
    // Created 0600 by the umask, then opened to the group: no window where others could connect.
    mode_t old = ::umask(0177);
    int rc = ::bind(m_listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    ::umask(old);
    if (rc != 0) {
        std::string why = errno_text();
        ::close(m_listen_fd);
        throw std::runtime_error("cannot bind the control socket " + m_path + ": " + why +
                                 " (does its directory exist and is it writable?)");
    }
    if (m_group != 0 && ::chown(m_path.c_str(), static_cast<uid_t>(-1), m_group) != 0) {
        log_warn("control", "cannot give {} to its group: {}", m_path, errno_text());
    }
    ::chmod(m_path.c_str(), 0660);
    if (::listen(m_listen_fd, 64) != 0 || ::pipe2(m_wake_fd, O_CLOEXEC) != 0) {
        std::string why = errno_text();
        ::close(m_listen_fd);
        throw std::runtime_error("cannot listen on the control socket: " + why);
    }
    m_acceptor = std::thread([this] {
        log::name_this_thread("sbc-ctl-accept");
        accept_loop();
    });
}

SocketServer::~SocketServer() {
    stop();
    if (m_wake_fd[0] >= 0) {
        ::close(m_wake_fd[0]);
        ::close(m_wake_fd[1]);
    }
}

void SocketServer::stop() {
    if (m_stopping.exchange(true)) {
        return;
    }
    char byte = 0;
    [[maybe_unused]] auto n = ::write(m_wake_fd[1], &byte, 1);
    if (m_acceptor.joinable()) {
        m_acceptor.join();
    }
    ::close(m_listen_fd);
    ::unlink(m_path.c_str());
    std::lock_guard lock(m_mutex);
    for (auto& c : m_connections) {
        ::shutdown(c.fd,
                   SHUT_RD); // wakes a reader blocked in poll; a request in progress still gets its answer
    }
    for (auto& c : m_connections) {
        c.thread.join();
    }
    m_connections.clear();
}

bool SocketServer::allowed(const Peer& peer) const {
    if (peer.uid == 0 || peer.uid == ::geteuid()) {
        return true;
    }
    struct stat st {};
    gid_t group = m_group;
    if (group == 0 && ::stat(m_path.c_str(), &st) == 0) {
        group = st.st_gid;
    }
    return in_group(peer.uid, peer.gid, group);
}

void SocketServer::accept_loop() {
    for (;;) {
        pollfd fds[2] = {{m_listen_fd, POLLIN, 0}, {m_wake_fd[0], POLLIN, 0}};
        if (::poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            log_error("control", "poll on the control socket failed: {}", errno_text());
            return;
        }
        if (fds[1].revents != 0 || m_stopping) {
            return;
        }
        int fd = ::accept4(m_listen_fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (fd < 0) {
            continue;
        }
        ucred cred{};
        socklen_t len = sizeof(cred);
        ::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len);
        Peer peer{cred.pid, cred.uid, cred.gid};
        std::lock_guard lock(m_mutex);
        m_connections.remove_if([](Connection& c) {
            if (c.finished) {
                c.thread.join();
                return true;
            }
            return false;
        });
        if (m_connections.size() >= k_max_connections) {
            write_all(
                fd, error_line(protocol::k_error, "sbcd is serving too many control connections; try again"));
            ::close(fd);
            continue;
        }
        auto& c = m_connections.emplace_back();
        c.fd = fd;
        c.thread = std::thread([this, &c, peer] {
            log::name_this_thread("sbc-ctl");
            serve(c.fd, peer);
            ::close(c.fd);
            c.finished = true;
        });
    }
}

void SocketServer::serve(int fd, Peer peer) {
    if (!allowed(peer)) {
        log_warn("control",
                 "refused control connection from uid {} (pid {}): not root, not sbcd's user, not in the "
                 "socket's group",
                 peer.uid, peer.pid);
        write_all(fd,
                  error_line(protocol::k_error, "permission denied: add your user to the socket's group"));
        return;
    }
    LineFramer framer(protocol::k_max_request_bytes);
    char chunk[65536];
    for (;;) {
        while (auto line = framer.next_line()) {
            if (line->empty()) {
                continue;
            }
            if (!write_all(fd, m_handler(*line, peer) + "\n")) {
                return;
            }
        }
        if (framer.overflowed()) {
            write_all(fd, error_line(protocol::k_invalid,
                                     "request is larger than 4 MiB; send it in smaller parts"));
            return;
        }
        pollfd p{fd, POLLIN, 0};
        int ready = ::poll(&p, 1, k_idle_timeout_ms);
        if (ready <= 0) {
            return; // idle client, or an error
        }
        ssize_t n = ::recv(fd, chunk, sizeof(chunk), 0);
        if (n <= 0) {
            return;
        }
        framer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
    }
}

} // namespace sbc::control
