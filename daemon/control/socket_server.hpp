#pragma once
// The control socket's transport: a Unix-domain stream socket, one JSON request per line. It does framing,
// size limits, timeouts and the peer check; what a line means is the dispatcher's business.

#include <atomic>
#include <functional>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <thread>

namespace sbc::control {

// Who is on the other end, from SO_PEERCRED.
struct Peer {
    pid_t pid = 0;
    uid_t uid = 0;
    gid_t gid = 0;
};

class SocketServer {
  public:
    using LineHandler = std::function<std::string(std::string_view line, const Peer& peer)>;

    // Binds `path` (mode 0660, group `group` when not empty) and starts accepting. Throws std::runtime_error
    // with an actionable message when the socket cannot be created or another sbcd already serves it.
    SocketServer(std::string path, const std::string& group, LineHandler handler);
    SocketServer(const SocketServer&) = delete;
    SocketServer& operator=(const SocketServer&) = delete;
    // Stops accepting, ends open connections after their current request, removes the socket file.
    ~SocketServer();

    void stop();

  private:
    void accept_loop();
    void serve(int fd, Peer peer);
    bool allowed(const Peer& peer) const;

    std::string m_path;
    gid_t m_group = 0;
    LineHandler m_handler;
    int m_listen_fd = -1;
    int m_wake_fd[2] = {-1, -1};
    std::atomic<bool> m_stopping{false};

    std::mutex m_mutex; // guards m_connections
    struct Connection {
        int fd;
        std::thread thread;
        std::atomic<bool> finished{false};
    };
    std::list<Connection> m_connections;
    std::thread m_acceptor;
};

} // namespace sbc::control
