#!/usr/bin/env bash
# Builds sbcd, sbcctl and the benchmark (sbc_bench, sbc_bare_server) and runs every phase of it: setup with
# 1,000 businesses, ingest at full speed against sbcd and a bare cpp-httplib server, ingest at a fixed rate,
# webhook to reply through a fake Twilio, knowledge search at 1,000,000 entries, memory, sbcctl round trips.
# It prints each phase's figures as it goes and one table at the end; docs/benchmarks.md explains them.
#
#   scripts/bench.sh [SBC_BENCH-ARGS...]    e.g. scripts/bench.sh --quick          (a smoke run, under a minute)
#                                                scripts/bench.sh --json after.json (also write the figures)
#                                                scripts/bench.sh --sbcd /path/to/older/sbcd
#
# Not scripts/build.sh: that builds every target, with every core, into build/, which test.sh and everyone's
# day-to-day builds use. This builds only the four programs the bench needs, in its own folder, with two jobs,
# but with the same build type (RelWithDebInfo: -O2, what `cmake --install build` ships), so the figures are
# those of the binaries we deploy. The first run also generates the 1M-entry database (a few minutes) and keeps
# it in build-bench/bench-data/ for later runs.
#
# Environment: SBC_BENCH_BUILD_DIR overrides the build folder (default build-bench); SBC_JOBS the parallel jobs
# (default 2: the machine is shared).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${SBC_BENCH_BUILD_DIR:-build-bench}
jobs=${SBC_JOBS:-2}

scripts/install-deps.sh

generator=()
if [[ ! -f "$build_dir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSBC_SANITIZE=OFF \
    -DSBC_BUILD_TESTS=ON -DSBC_BENCH_SMOKE_TEST=ON >/dev/null
cmake --build "$build_dir" -j "$jobs" --target sbcd sbcctl sbc_bench sbc_bare_server

# Which sources the binaries came from, for the record next to the figures (only the folders they are built
# from count: others' work in progress elsewhere in the tree changes nothing measured).
if revision=$(git rev-parse --short HEAD 2>/dev/null); then
    git diff --quiet HEAD -- daemon common cli tests/bench tests/support 2>/dev/null ||
        revision="$revision + uncommitted changes in $(git diff --name-only HEAD -- daemon common cli \
            tests/bench tests/support | paste -sd ' ' -)"
    echo "bench.sh: sources at $revision"
    export SBC_BENCH_REVISION=$revision # recorded in sbc_bench's --json output
fi
exec "$build_dir/tests/bench/sbc_bench" "$@"
