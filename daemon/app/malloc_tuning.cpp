#include "daemon/app/malloc_tuning.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <malloc.h>
#include <string>
#include <thread>
#include <unistd.h>

namespace sbc::app {
namespace {

// glibc keeps 7 freed chunks of each size per thread; a webhook frees more than that of some sizes, and the
// rest go back to an arena that the workers share, under its lock. In full runs of scripts/bench.sh, 16 took
// sbcd's CPU per acknowledgement from 55-63 to 50-57 µs and its peak memory from 44.8 to 48.3 MB at 1,000
// businesses; 32 saves 2-3 µs more, and fits under the 50 MB target since the readers' page caches are
// smaller (store::open_reader): 47-48 MB.
constexpr const char* k_tcache = "glibc.malloc.tcache_count=32";

void raise_thread_cache(char** argv) {
    const char* set = std::getenv("GLIBC_TUNABLES");
    const bool was_set = set != nullptr;
    const std::string original = was_set ? set : ""; // a copy: setenv may free what getenv returned
    if (original.find("glibc.malloc.tcache_count") != std::string::npos) {
        return; // the sysadmin's, or this process after its re-execution
    }
    std::string tunables = original.empty() ? k_tcache : original + ":" + k_tcache;
    if (setenv("GLIBC_TUNABLES", tunables.c_str(), 1) != 0) {
        return;
    }
    // Through the binary's own path, not /proc/self/exe, which would rename the process "exe" (pgrep, top).
    std::error_code error;
    auto self = std::filesystem::read_symlink("/proc/self/exe", error);
    if (!error) {
        execv(self.c_str(), argv); // returns only on failure
    }
    if (was_set) {
        setenv("GLIBC_TUNABLES", original.c_str(), 1);
    } else {
        unsetenv("GLIBC_TUNABLES");
    }
}

// glibc gives threads that contend for malloc arenas of their own, up to 8 per core, and each arena keeps
// what its threads freed. With 32 HTTP workers that held about 4 MB of sbcd's 47 MB after sbc_bench's bursts
// (46.7 -> 42.8 MB peak with 2 arenas, same throughput). One arena per core serves the cores' contention.
void limit_arenas() {
    if (std::getenv("MALLOC_ARENA_MAX") == nullptr) {
        mallopt(M_ARENA_MAX, static_cast<int>(std::max(2U, std::thread::hardware_concurrency())));
    }
}

} // namespace

void tune_malloc(char** argv) {
    raise_thread_cache(argv);
    limit_arenas();
}

} // namespace sbc::app
