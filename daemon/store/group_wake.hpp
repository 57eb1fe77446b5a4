#pragma once
// How the writer thread tells the callers of a group commit that their writes are committed: each job has a
// flag, and the callers of one group sleep on one futex word with the group's bit (FUTEX_WAIT_BITSET), so
// that the writer wakes the whole group with one system call instead of one per write (perf under load: the
// writer's per-write sem_post was a quarter of its samples, a third of that the system calls themselves).
// Callers of other groups, which sleep with other bits, are not woken.
#include <atomic>
#include <cstdint>

namespace sbc::store {

class GroupWake {
  public:
    // The ticket of the group the writer takes next: the group a write queued now is committed in, unless
    // the group is full. Called under the store's queue lock, as taken() is.
    std::uint32_t next() const { return m_taken; }
    // The writer takes a group: its ticket.
    std::uint32_t taken() { return m_taken++; }
    // The writer, once every job of the group `ticket` has its flag set: wakes their callers. Groups are
    // released in the order they were taken.
    void released(std::uint32_t ticket);
    // A caller: returns once `done` is set. Sleeps until the group `ticket` is released or, when the write
    // was left for a later group (a full group, a batch's share), until any group is.
    void wait(const std::atomic<std::uint32_t>& done, std::uint32_t ticket);

  private:
    std::uint32_t m_taken = 0;                // guarded by the store's queue lock
    std::atomic<std::uint32_t> m_released{0}; // the futex word: how many groups were released (wraps)
};

} // namespace sbc::store
