#include "tests/support/process.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <poll.h>
#include <spawn.h>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace sbc::test {
namespace {

using Clock = std::chrono::steady_clock;

std::vector<std::string> environment(const Env& env) {
    Env all;
    for (const char* name :
         {"PATH", "HOME", "TMPDIR", "ASAN_OPTIONS", "UBSAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"}) {
        if (const char* value = std::getenv(name)) {
            all[name] = value;
        }
    }
    for (const auto& [k, v] : env) {
        all[k] = v;
    }
    std::vector<std::string> out;
    for (const auto& [k, v] : all) {
        out.push_back(k + "=" + v);
    }
    return out;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
    std::vector<char*> out;
    for (auto& s : strings) {
        out.push_back(s.data());
    }
    out.push_back(nullptr);
    return out;
}

pid_t spawn(const std::vector<std::string>& argv, const Env& env, const std::string& cwd,
            posix_spawn_file_actions_t* actions) {
    auto args = argv;
    auto envs = environment(env);
    auto argp = pointers(args);
    auto envp = pointers(envs);
    if (!cwd.empty()) {
        posix_spawn_file_actions_addchdir_np(actions, cwd.c_str());
    }
    pid_t pid = -1;
    int rc = posix_spawn(&pid, argp[0], actions, nullptr, argp.data(), envp.data());
    if (rc != 0) {
        throw std::runtime_error("cannot start " + argv[0] + ": " + std::strerror(rc));
    }
    return pid;
}

int decode(int status) {
    if (WIFEXITED(status)) {
        return WEXITSTATUS(status);
    }
    if (WIFSIGNALED(status)) {
        return 128 + WTERMSIG(status);
    }
    return -1;
}

} // namespace

TempDir::TempDir() {
    std::string base = std::filesystem::temp_directory_path().string() + "/sbc-test-XXXXXX";
    if (::mkdtemp(base.data()) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    m_path = base;
}

TempDir::~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
}

nlohmann::json RunResult::json() const {
    return nlohmann::json::parse(out);
}

void write_file(const std::string& path, const std::string& content) {
    std::ofstream f(path, std::ios::binary);
    f << content;
}

std::string read_file(const std::string& path) {
    std::ifstream f(path, std::ios::binary);
    std::stringstream s;
    s << f.rdbuf();
    return s.str();
}

RunResult run(const std::vector<std::string>& argv, const Env& env, const std::string& input,
              const std::string& cwd, std::chrono::milliseconds timeout) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) || ::pipe2(out, O_CLOEXEC) || ::pipe2(err, O_CLOEXEC)) {
        throw std::runtime_error("pipe failed");
    }
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err[1], 2);
    pid_t pid = spawn(argv, env, cwd, &actions);
    posix_spawn_file_actions_destroy(&actions);
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    std::signal(SIGPIPE, SIG_IGN);
    std::thread writer([fd = in[1], input] {
        std::size_t done = 0;
        while (done < input.size()) {
            ssize_t n = ::write(fd, input.data() + done, input.size() - done);
            if (n <= 0) {
                break;
            }
            done += static_cast<std::size_t>(n);
        }
        ::close(fd);
    });
    RunResult result;
    auto deadline = Clock::now() + timeout;
    bool out_open = true, err_open = true, killed = false;
    char buf[65536];
    while (out_open || err_open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0) {
            ::kill(pid, SIGKILL);
            killed = true;
            break;
        }
        pollfd fds[2] = {{out_open ? out[0] : -1, POLLIN, 0}, {err_open ? err[0] : -1, POLLIN, 0}};
        if (::poll(fds, 2, static_cast<int>(left)) < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < 2; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            ssize_t n = ::read(fds[i].fd, buf, sizeof(buf));
            if (n <= 0) {
                (i == 0 ? out_open : err_open) = false;
            } else {
                (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            }
        }
    }
    writer.join();
    ::close(out[0]);
    ::close(err[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    result.exit_code = killed ? -1 : decode(status);
    return result;
}

Child::Child(const std::vector<std::string>& argv, const Env& env, const std::string& cwd,
             const std::string& log_path) {
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    m_pid = spawn(argv, env, cwd, &actions);
    posix_spawn_file_actions_destroy(&actions);
}

Child::~Child() {
    if (running()) {
        stop(SIGKILL);
    }
}

bool Child::running() {
    if (m_reaped) {
        return false;
    }
    if (::waitpid(m_pid, &m_status, WNOHANG) == m_pid) {
        m_reaped = true;
        return false;
    }
    return true;
}

int Child::stop(int signal, std::chrono::milliseconds timeout) {
    if (!running()) {
        return decode(m_status);
    }
    ::kill(m_pid, signal);
    auto deadline = Clock::now() + timeout;
    // waitpid has no timeout: poll it, with short naps, until the deadline.
    while (Clock::now() < deadline) {
        if (!running()) {
            return decode(m_status);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ::kill(m_pid, SIGKILL);
    ::waitpid(m_pid, &m_status, 0);
    m_reaped = true;
    return -1;
}

Env daemon_env(const TempDir& dir) {
    return {{"SBC_DATA_DIR", dir.file("data")},
            {"SBC_SOCKET", dir.file("sbcd.sock")},
            {"SBC_LISTEN", "127.0.0.1:0"},
            {"LOG_LEVEL", "debug"}};
}

namespace {
Env merged(const TempDir& dir, Env extra) {
    Env env = daemon_env(dir);
    for (auto& [k, v] : extra) {
        env[k] = v;
    }
    return env;
}
} // namespace

Daemon::Daemon(const TempDir& dir, Env extra_env, bool ready)
    : m_data_dir(merged(dir, extra_env).at("SBC_DATA_DIR")),
      m_socket(merged(dir, extra_env).at("SBC_SOCKET")), m_log(dir.file("sbcd.log")),
      m_env(merged(dir, extra_env)), m_child({SBCD_PATH}, m_env, dir.path(), dir.file("sbcd.log")) {
    if (ready && !wait_ready()) {
        throw std::runtime_error("sbcd did not become ready; its log:\n" + log());
    }
}

Daemon::~Daemon() {
    m_child.stop(SIGTERM);
}

bool Daemon::wait_ready(std::chrono::milliseconds timeout) {
    auto deadline = Clock::now() + timeout;
    while (Clock::now() < deadline) {
        if (!m_child.running()) {
            return false;
        }
        auto r = ctl({"--json", "--timeout", "2", "status"});
        if (r.exit_code == 0) {
            auto status = r.json();
            m_http_port = status["arguments"]["http"]["port"].get<int>();
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

RunResult Daemon::ctl(const std::vector<std::string>& args, const std::string& input) const {
    std::vector<std::string> argv = {SBCCTL_PATH, "--socket", m_socket};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv, {}, input);
}

nlohmann::json Daemon::ctl_json(const std::vector<std::string>& args) const {
    std::vector<std::string> with = {"--json"};
    with.insert(with.end(), args.begin(), args.end());
    auto r = ctl(with);
    try {
        return r.json();
    } catch (const std::exception&) {
        throw std::runtime_error("sbcctl printed no JSON (exit " + std::to_string(r.exit_code) +
                                 "): " + r.out + r.err);
    }
}

std::string Daemon::log() const {
    return read_file(m_log);
}

} // namespace sbc::test
