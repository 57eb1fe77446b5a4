#include "daemon/import/pdf_text.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

extern char** environ;

namespace sbc::import {
namespace {

// Closes a descriptor once, whatever path returns.
struct Fd {
    int fd = -1;
    ~Fd() { reset(); }
    void reset() {
        if (fd >= 0) {
            ::close(fd);
            fd = -1;
        }
    }
};

std::string first_line(const std::string& text) {
    auto end = text.find('\n');
    std::string line = text.substr(0, std::min<std::size_t>(end, 200));
    return line.empty() ? "no message" : line;
}

} // namespace

PdfText pdf_to_text(const std::string& program, const std::string& pdf_path,
                    std::chrono::milliseconds timeout, std::size_t max_bytes) {
    PdfText out;
    int out_pipe[2];
    int err_pipe[2];
    if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
        out.error = fmt::format("cannot create a pipe: {}", std::strerror(errno));
        return out;
    }
    Fd out_read{out_pipe[0]}, out_write{out_pipe[1]};
    if (::pipe2(err_pipe, O_CLOEXEC) != 0) {
        out.error = fmt::format("cannot create a pipe: {}", std::strerror(errno));
        return out;
    }
    Fd err_read{err_pipe[0]}, err_write{err_pipe[1]};

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_write.fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_write.fd, STDERR_FILENO);
    // The child must not inherit sbcd's blocked signals: a blocked SIGTERM would survive the exec.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK);

    std::vector<std::string> args = {program, "-layout", "-enc", "UTF-8", pdf_path, "-"};
    std::vector<char*> argv;
    for (auto& a : args) {
        argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    pid_t pid = 0;
    int spawned = posix_spawnp(&pid, program.c_str(), &actions, &attr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    out_write.reset();
    err_write.reset();
    if (spawned != 0) {
        out.kind = spawned == ENOENT ? PdfText::Kind::missing : PdfText::Kind::failed;
        out.error = fmt::format("cannot run {}: {}", program, std::strerror(spawned));
        return out;
    }

    std::string text, errors;
    bool too_long = false, timed_out = false;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::vector<pollfd> fds = {{out_read.fd, POLLIN, 0}, {err_read.fd, POLLIN, 0}};
    while (fds[0].fd >= 0 || fds[1].fd >= 0) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline -
                                                                          std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            timed_out = true;
            break;
        }
        int ready = ::poll(fds.data(), fds.size(), static_cast<int>(left.count()));
        if (ready < 0 && errno == EINTR) {
            continue;
        }
        if (ready < 0) {
            break;
        }
        for (std::size_t i = 0; i < fds.size(); ++i) {
            if (fds[i].fd < 0 || fds[i].revents == 0) {
                continue;
            }
            char buffer[65536];
            auto n = ::read(fds[i].fd, buffer, sizeof buffer);
            if (n <= 0) {
                fds[i].fd = -1;
                continue;
            }
            std::string& sink = i == 0 ? text : errors;
            sink.append(buffer, static_cast<std::size_t>(n));
            if (i == 0 && text.size() > max_bytes) {
                too_long = true;
            }
        }
        if (too_long) {
            break;
        }
    }
    if (timed_out || too_long) {
        ::kill(pid, SIGKILL);
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (timed_out) {
        out.error = fmt::format("{} took longer than {} s and was stopped", program, timeout.count() / 1000);
        return out;
    }
    if (too_long) {
        out.error = fmt::format("the text is longer than {} bytes", max_bytes);
        return out;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        // posix_spawnp may fork before it finds the program missing; the child then exits with 127.
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && text.empty()) {
            out.kind = PdfText::Kind::missing;
            out.error = fmt::format("cannot run {}: not found", program);
            return out;
        }
        out.error = WIFEXITED(status) ? fmt::format("{} exited with status {}: {}", program,
                                                    WEXITSTATUS(status), first_line(errors))
                                      : fmt::format("{} was killed by signal {}", program, WTERMSIG(status));
        return out;
    }
    out.kind = PdfText::Kind::ok;
    out.text = std::move(text);
    return out;
}

} // namespace sbc::import
