#include "tests/bench/servers.hpp"

#include "tests/bench/control_client.hpp"

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <thread>
#include <unistd.h>

namespace sbc::bench {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto k_start_timeout = std::chrono::seconds(60);

std::string tail(const std::string& path, std::size_t bytes) {
    std::string all = test::read_file(path);
    return all.size() > bytes ? "..." + all.substr(all.size() - bytes) : all;
}

} // namespace

double cpu_seconds_of(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string line;
    std::getline(in, line);
    // The command name (field 2) may hold spaces; the fields after its closing parenthesis start at 3.
    auto close = line.rfind(')');
    if (close == std::string::npos) {
        return 0;
    }
    std::istringstream fields(line.substr(close + 1));
    std::string field;
    double ticks = 0;
    for (int n = 3; n <= 15 && fields >> field; ++n) {
        if (n == 14 || n == 15) { // utime, stime
            ticks += std::stod(field);
        }
    }
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

double own_cpu_seconds() {
    rusage use{};
    getrusage(RUSAGE_SELF, &use);
    auto seconds = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
    return seconds(use.ru_utime) + seconds(use.ru_stime);
}

MemoryUse memory_of(pid_t pid) {
    std::ifstream status("/proc/" + std::to_string(pid) + "/status");
    MemoryUse use;
    std::string line;
    while (std::getline(status, line)) {
        std::istringstream fields(line);
        std::string name;
        long kib = 0;
        fields >> name >> kib;
        if (name == "VmHWM:") {
            use.peak_kib = kib;
        } else if (name == "VmRSS:") {
            use.current_kib = kib;
        }
    }
    return use;
}

Sbcd::Sbcd(const std::string& binary, const std::string& dir, const test::Env& env)
    : m_socket(dir + "/sbcd.sock"), m_log(dir + "/sbcd.log") {
    test::Env all = {
        {"SBC_DATA_DIR", dir + "/data"}, {"SBC_SOCKET", m_socket}, {"SBC_LISTEN", "127.0.0.1:0"}};
    for (const auto& [k, v] : env) {
        all[k] = v;
    }
    m_socket = all.at("SBC_SOCKET");
    // The working directory has no .env, so the environment given here is all sbcd reads.
    m_child.emplace(std::vector<std::string>{binary}, all, dir, m_log);
    auto deadline = Clock::now() + k_start_timeout;
    while (Clock::now() < deadline) {
        if (!m_child->running()) {
            throw std::runtime_error("sbcd (" + binary + ") exited during start-up; its log:\n" + log_tail());
        }
        try {
            ControlClient control(m_socket);
            auto status = control.checked("status");
            m_http_port = status["arguments"]["http"]["port"].get<int>();
            m_version = status["arguments"].value("version", "?");
            return;
        } catch (const std::exception&) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    throw std::runtime_error("sbcd did not answer on " + m_socket + " within a minute; its log:\n" +
                             log_tail());
}

Sbcd::~Sbcd() {
    stop();
}

int Sbcd::stop() {
    return m_child->stop(SIGTERM, std::chrono::seconds(30));
}

std::string Sbcd::log_tail(std::size_t bytes) const {
    return tail(m_log, bytes);
}

BareServer::BareServer(const std::string& binary, const std::string& dir, int threads) {
    std::string log = dir + "/bare-server.log";
    m_child.emplace(std::vector<std::string>{binary, "--threads", std::to_string(threads)}, test::Env{}, dir,
                    log);
    auto deadline = Clock::now() + k_start_timeout;
    while (Clock::now() < deadline) {
        std::istringstream out(test::read_file(log));
        std::string word;
        if (out >> word && word == "port" && out >> m_port) {
            return;
        }
        if (!m_child->running()) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    throw std::runtime_error("sbc_bare_server (" + binary + ") did not start; its output:\n" +
                             tail(log, 2000));
}

BareServer::~BareServer() {
    m_child->stop(SIGTERM);
}

} // namespace sbc::bench
