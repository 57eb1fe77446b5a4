#pragma once
// The processes under test: the real sbcd (any build: --sbcd) and the bare baseline server, each started in
// its own directory with its output in a log file there, stopped with SIGTERM when the object goes.

#include "tests/support/process.hpp"

#include <optional>
#include <string>

namespace sbc::bench {

// From /proc/<pid>/status, in KiB: peak resident set (VmHWM) and current (VmRSS). Zero when unreadable.
struct MemoryUse {
    long peak_kib = 0;
    long current_kib = 0;
};
MemoryUse memory_of(pid_t pid);

// CPU time a process has used so far, user and system, all its threads (/proc/<pid>/stat, in clock ticks of
// 10 ms); 0 when unreadable.
double cpu_seconds_of(pid_t pid);
// The same for this process (the load generator and the fake Twilio), from getrusage.
double own_cpu_seconds();

class Sbcd {
  public:
    // Starts `binary` on `dir` (data in dir/data unless env sets SBC_DATA_DIR, socket dir/sbcd.sock, log
    // dir/sbcd.log, HTTP on a free loopback port) and waits until its control socket answers `status`.
    // Throws std::runtime_error with the end of its log when it exits or is not ready within a minute.
    Sbcd(const std::string& binary, const std::string& dir, const test::Env& env);
    ~Sbcd();
    Sbcd(const Sbcd&) = delete;
    Sbcd& operator=(const Sbcd&) = delete;

    int http_port() const { return m_http_port; }
    const std::string& socket() const { return m_socket; }
    pid_t pid() const { return m_child->pid(); }
    std::string version() const { return m_version; }
    // SIGTERM and wait; the exit code (0: clean stop).
    int stop();
    std::string log_tail(std::size_t bytes = 2000) const;

  private:
    std::string m_socket;
    std::string m_log;
    int m_http_port = 0;
    std::string m_version;
    std::optional<test::Child> m_child;
};

class BareServer {
  public:
    // Starts sbc_bare_server with `threads` workers and waits for the port it prints. Throws on failure.
    BareServer(const std::string& binary, const std::string& dir, int threads);
    ~BareServer();
    BareServer(const BareServer&) = delete;
    BareServer& operator=(const BareServer&) = delete;
    int port() const { return m_port; }
    pid_t pid() const { return m_child->pid(); }

  private:
    int m_port = 0;
    std::optional<test::Child> m_child;
};

} // namespace sbc::bench
