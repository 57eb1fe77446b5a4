#include "daemon/http/listen_backlog.hpp"

#include <dirent.h>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>

namespace sbc::http {
namespace {

// The local port of a listening TCP socket, or -1 for any other descriptor.
int listening_port(int fd) {
    int accepting = 0;
    socklen_t length = sizeof(accepting);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &length) != 0 || accepting == 0) {
        return -1;
    }
    sockaddr_storage address{};
    socklen_t size = sizeof(address);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size) != 0) {
        return -1;
    }
    if (address.ss_family == AF_INET) {
        return ntohs(reinterpret_cast<sockaddr_in*>(&address)->sin_port);
    }
    if (address.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<sockaddr_in6*>(&address)->sin6_port);
    }
    return -1;
}

} // namespace

bool widen_listen_backlog(int port) {
    // The library keeps its socket private; this process's descriptors are listed in /proc/self/fd.
    DIR* fds = opendir("/proc/self/fd");
    if (fds == nullptr) {
        return false;
    }
    bool widened = false;
    while (dirent* entry = readdir(fds)) {
        if (entry->d_name[0] < '0' || entry->d_name[0] > '9') {
            continue;
        }
        int fd = std::stoi(entry->d_name);
        if (fd != dirfd(fds) && listening_port(fd) == port && listen(fd, SOMAXCONN) == 0) {
            widened = true;
        }
    }
    closedir(fds);
    return widened;
}

} // namespace sbc::http
