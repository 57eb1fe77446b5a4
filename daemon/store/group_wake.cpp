#include "daemon/store/group_wake.hpp"

#include <climits>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace sbc::store {
namespace {

static_assert(sizeof(std::atomic<std::uint32_t>) == sizeof(std::uint32_t) &&
                  std::atomic<std::uint32_t>::is_always_lock_free,
              "the futex word must be a plain 32-bit integer");

std::uint32_t* word_of(std::atomic<std::uint32_t>& word) {
    return reinterpret_cast<std::uint32_t*>(&word);
}

std::uint32_t bit_of(std::uint32_t ticket) {
    return 1u << (ticket % 32);
}

} // namespace

void GroupWake::released(std::uint32_t ticket) {
    m_released.fetch_add(1, std::memory_order_release);
    syscall(SYS_futex, word_of(m_released), FUTEX_WAKE_BITSET_PRIVATE, INT_MAX, nullptr, nullptr,
            bit_of(ticket));
}

void GroupWake::wait(const std::atomic<std::uint32_t>& done, std::uint32_t ticket) {
    for (;;) {
        // The count is read before the flag: if the writer sets the flag after this read, it also counts
        // the release after it, and FUTEX_WAIT then returns at once instead of missing the wake-up.
        std::uint32_t seen = m_released.load(std::memory_order_acquire);
        if (done.load(std::memory_order_acquire) != 0) {
            return;
        }
        // Groups [0, seen) are released; the difference is taken modulo 2^32, as the count wraps.
        bool group_pending = static_cast<std::int32_t>(ticket - seen) >= 0;
        std::uint32_t bits = group_pending ? bit_of(ticket) : FUTEX_BITSET_MATCH_ANY;
        // Returns on a wake-up, at once when the count moved on, or on a signal: each case looks again.
        syscall(SYS_futex, word_of(m_released), FUTEX_WAIT_BITSET_PRIVATE, seen, nullptr, nullptr, bits);
    }
}

} // namespace sbc::store
