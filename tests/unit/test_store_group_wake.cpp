// GroupWake: the callers of a group commit sleep on one futex word and wake when their group is released.
// Each test checks, through /proc, that the caller really sleeps before the writer's steps, so that the
// wake-up path is what is tested, not a flag seen before sleeping.

#include "daemon/store/group_wake.hpp"
#include "tests/support/webhook.hpp"

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <string>
#include <sys/types.h>
#include <thread>
#include <unistd.h>

using sbc::store::GroupWake;
using sbc::test::wait_until;
using namespace std::chrono_literals;

namespace {

// A caller thread waiting for its flag; on destruction a caller still waiting is released by every bit, so
// that a failed test ends instead of hanging in join().
class Caller {
  public:
    Caller(GroupWake& wake, std::uint32_t ticket) : m_wake(wake) {
        m_thread = std::thread([this, ticket] {
            m_tid = gettid();
            m_wake.wait(m_done, ticket);
            m_returned = true;
        });
    }
    ~Caller() {
        m_done = 1;
        for (std::uint32_t bit = 0; bit < 32 && !m_returned; ++bit) {
            m_wake.released(m_wake.taken());
        }
        m_thread.join();
    }
    void set_done() { m_done = 1; }
    bool returned() const { return m_returned; }
    // True once the thread sleeps (state S in /proc), i.e. waits in the kernel.
    bool asleep() const {
        pid_t tid = m_tid;
        if (tid == 0) {
            return false;
        }
        std::ifstream stat("/proc/self/task/" + std::to_string(tid) + "/stat");
        std::string line;
        std::getline(stat, line);
        auto close = line.rfind(')');
        return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'S';
    }

    // How many times the thread went to sleep (voluntary_ctxt_switches): one more after each wake-up that
    // did not let it return.
    long sleeps() const {
        std::ifstream status("/proc/self/task/" + std::to_string(m_tid.load()) + "/status");
        std::string key;
        long value = -1;
        while (status >> key) {
            if (key == "voluntary_ctxt_switches:") {
                status >> value;
                break;
            }
        }
        return value;
    }

  private:
    GroupWake& m_wake;
    std::atomic<std::uint32_t> m_done{0};
    std::atomic<bool> m_returned{false};
    std::atomic<pid_t> m_tid{0};
    std::thread m_thread;
};

} // namespace

TEST_CASE("a caller returns at once when its write is already committed", "[store]") {
    GroupWake wake;
    std::atomic<std::uint32_t> done{1};
    wake.wait(done, wake.next()); // would block forever if it slept
    SUCCEED();
}

TEST_CASE("releasing a group wakes the callers waiting for it, and only them", "[store]") {
    GroupWake wake;
    Caller first(wake, wake.next());
    REQUIRE(wait_until([&] { return first.asleep(); }, 5s));
    auto group = wake.taken();
    Caller second(wake, wake.next()); // queued while the first group commits: the next group's
    REQUIRE(wait_until([&] { return second.asleep(); }, 5s));
    long second_sleeps = second.sleeps();

    first.set_done();
    wake.released(group);
    REQUIRE(wait_until([&] { return first.returned(); }, 5s));
    // A wake-up would have made it runnable before released() returned, and it sleeps again only after.
    REQUIRE(wait_until([&] { return second.asleep(); }, 5s));
    CHECK(second.sleeps() == second_sleeps);
    CHECK_FALSE(second.returned());

    auto next = wake.taken();
    second.set_done();
    wake.released(next);
    REQUIRE(wait_until([&] { return second.returned(); }, 5s));
}

TEST_CASE("a caller whose write was left for a later group wakes when that group is released", "[store]") {
    GroupWake wake;
    Caller caller(wake, wake.next());
    REQUIRE(wait_until([&] { return caller.asleep(); }, 5s));
    wake.released(wake.taken()); // its group was full: the write stays queued, its flag unset
    REQUIRE(wait_until([&] { return caller.asleep(); }, 5s));
    CHECK_FALSE(caller.returned());

    auto later = wake.taken();
    caller.set_done();
    wake.released(later);
    REQUIRE(wait_until([&] { return caller.returned(); }, 5s));
}
