#pragma once
// Running the real binaries from tests: temporary directories, child processes with captured output and a
// deadline, and a running sbcd on a temporary data directory.

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/types.h>
#include <vector>

namespace sbc::test {

using Env = std::map<std::string, std::string>;

// A fresh directory under $TMPDIR, removed with everything in it when the object goes.
class TempDir {
  public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::string& path() const { return m_path; }
    std::string file(const std::string& name) const { return m_path + "/" + name; }

  private:
    std::string m_path;
};

struct RunResult {
    int exit_code = -1; // -1 when killed at the deadline
    std::string out;
    std::string err;
    nlohmann::json json() const; // stdout parsed; throws when it is not one JSON document
};

// Runs argv[0] with a clean environment (PATH, HOME and `env`), `input` on stdin, in `cwd` (when not empty),
// waiting at most `timeout`.
RunResult run(const std::vector<std::string>& argv, const Env& env = {}, const std::string& input = "",
              const std::string& cwd = "", std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Writes a whole file.
void write_file(const std::string& path, const std::string& content);
std::string read_file(const std::string& path);

// A started process whose stderr goes to a file; killed at destruction if still running.
class Child {
  public:
    Child(const std::vector<std::string>& argv, const Env& env, const std::string& cwd,
          const std::string& log_path);
    ~Child();
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;
    pid_t pid() const { return m_pid; }
    // Sends a signal and waits up to `timeout` for the exit; returns the exit code (128+signal if killed), or
    // -1.
    int stop(int signal, std::chrono::milliseconds timeout = std::chrono::seconds(10));
    bool running();

  private:
    pid_t m_pid = -1;
    int m_status = 0;
    bool m_reaped = false;
};

// The real sbcd on a temporary data directory, HTTP on a port the OS picks, LOG_LEVEL=debug.
class Daemon {
  public:
    explicit Daemon(const TempDir& dir, Env extra_env = {}, bool wait_ready = true);
    ~Daemon();
    Daemon(const Daemon&) = delete;
    Daemon& operator=(const Daemon&) = delete;

    // Polls `sbcctl status` until it answers or the deadline passes; false on timeout or if sbcd exited.
    bool wait_ready(std::chrono::milliseconds timeout = std::chrono::seconds(15));
    // sbcctl with --socket set to this daemon's.
    RunResult ctl(const std::vector<std::string>& args, const std::string& input = "") const;
    // The same with --json; the parsed output.
    nlohmann::json ctl_json(const std::vector<std::string>& args) const;
    int stop(int signal = 15) { return m_child.stop(signal); }
    bool running() { return m_child.running(); }
    pid_t pid() const { return m_child.pid(); }
    int http_port() const { return m_http_port; }
    std::string log() const;
    const std::string& socket() const { return m_socket; }
    const std::string& data_dir() const { return m_data_dir; }
    std::string database() const { return m_data_dir + "/sbc.db"; }

  private:
    std::string m_data_dir;
    std::string m_socket;
    std::string m_log;
    Env m_env;
    int m_http_port = 0;
    Child m_child;
};

// The environment sbcd gets in tests, before extra_env.
Env daemon_env(const TempDir& dir);

} // namespace sbc::test
