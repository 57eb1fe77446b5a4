#pragma once
// glibc's allocator, tuned for sbcd's many HTTP workers before anything else runs (docs/benchmarks.md,
// "Figures, 4 December 2026, evening").

namespace sbc::app {

// Gives each thread a larger cache of freed chunks (glibc.malloc.tcache_count) by re-executing sbcd once with
// GLIBC_TUNABLES set, since glibc reads it only at start-up; then limits the arenas to one per core. What the
// sysadmin set (GLIBC_TUNABLES's tcache_count, MALLOC_ARENA_MAX) wins. Call first thing in main(); when the
// re-execution fails sbcd carries on with glibc's defaults.
void tune_malloc(char** argv);

} // namespace sbc::app
