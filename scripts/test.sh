#!/usr/bin/env bash
# Installs the dependencies, builds, and runs every test: once on the release build (build/), then again on
# an AddressSanitizer + UndefinedBehaviorSanitizer build (build-asan/). This is the README's test command and
# what CI runs (.ci/run).
#
#   scripts/test.sh [CTEST-ARGS...]     e.g. scripts/test.sh -R integration
#
# Environment: SBC_SKIP_SANITIZE=1 skips the sanitizer passes (quicker local runs; CI always runs them).
#              SBC_LONG_TESTS=1 also runs the long fault variants (ctest label "long", several minutes).
#              SBC_SKIP_FUZZ=1 skips the short fuzzing run (scripts/fuzz.sh --seconds 15, a few minutes).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

started=$SECONDS

# A step's heading with the time spent so far, so that a slow CI run shows which step took the time.
step() {
    echo "==> $1 (at $((SECONDS - started)) s)"
}
total_passed=0
total_failed=0
failures=()

# Runs ctest on one build folder; adds its counts to the totals and remembers a failure.
run_ctest() {
    local build_dir=$1 name=$2
    shift 2
    local log="$build_dir/ctest-output.log"
    step "tests ($name): ctest --test-dir $build_dir"
    local status=0
    local labels=(-LE long)
    if [[ "${SBC_LONG_TESTS:-0}" == 1 ]]; then
        labels=()
    fi
    ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300 --no-tests=error "${labels[@]}" "$@" 2>&1 |
        tee "$log" || status=$?
    # ctest's closing line: "100% tests passed, 0 tests failed out of 42"
    local line
    line=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -n 1 || true)
    if [[ -n "$line" ]]; then
        local failed total
        failed=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\1/' <<<"$line")
        total=$(sed -E 's/.* ([0-9]+) tests? failed out of ([0-9]+).*/\2/' <<<"$line")
        total_passed=$((total_passed + total - failed))
        total_failed=$((total_failed + failed))
    fi
    if ((status != 0)); then
        failures+=("$name (ctest exit $status)")
    fi
}

# The whole suite again on a ThreadSanitizer build: the store's writer and readers, the HTTP workers, the sender
# threads and the control socket, in the test binaries and in the TSan-built sbcd they start. Every process
# writes its reports under build-tsan/tsan-reports/ and stops at the first (a test then fails); any report
# fails the pass. tests/tsan.supp lists the prebuilt libraries TSan cannot see into.
run_tsan() {
    local reports=$PWD/build-tsan/tsan-reports
    rm -rf "$reports"
    mkdir -p "$reports"
    TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1:suppressions=$PWD/tests/tsan.supp:log_path=$reports/report" \
        run_ctest build-tsan "tsan" "$@"
    if compgen -G "$reports/report*" >/dev/null; then
        cat "$reports"/report*
        failures+=("tsan: data race or lock-order report (above; files in $reports)")
    fi
}

# The whole suite again on an AddressSanitizer + UndefinedBehaviorSanitizer build. Reports go to files under
# build-asan/asan-reports/ rather than stderr: a test binary's own report fails its test anyway, but a report
# from an sbcd it started (a leak found at a clean exit, say) would otherwise pass unseen, since most tests do
# not look at sbcd's exit code. Any report file fails the pass. Callers may set their own options.
run_asan() {
    local reports=$PWD/build-asan/asan-reports
    rm -rf "$reports"
    mkdir -p "$reports"
    ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:strict_string_checks=1:log_path=$reports/asan} \
        UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:log_path=$reports/ubsan} \
        run_ctest build-asan "asan+ubsan" "$@"
    if compgen -G "$reports/*" >/dev/null; then
        cat "$reports"/*
        failures+=("asan+ubsan: sanitizer report (above; files in $reports)")
    fi
}

step "dependencies"
scripts/install-deps.sh

skip_sanitize=${SBC_SKIP_SANITIZE:-0}
step "build (release)"
if scripts/build.sh; then
    run_ctest build release "$@"
else
    failures+=("release build")
    skip_sanitize=build # the same code would not build there either
fi

if [[ "$skip_sanitize" == 1 ]]; then
    step "sanitizer pass skipped (SBC_SKIP_SANITIZE=1)"
elif [[ "$skip_sanitize" == build ]]; then
    step "sanitizer pass skipped: the release build failed"
else
    step "build (AddressSanitizer + UndefinedBehaviorSanitizer)"
    if scripts/build.sh --sanitize; then
        run_asan "$@"
    else
        failures+=("sanitizer build")
    fi
    step "build (ThreadSanitizer)"
    if scripts/build.sh --tsan; then
        run_tsan "$@"
    else
        failures+=("tsan build")
    fi
fi

# Every libFuzzer target for a short while (docs/fuzzing.md); a crash is saved in fuzz/regressions/<target>/.
# libFuzzer's own sanitizer settings apply, not the test passes' ones.
if [[ "${SBC_SKIP_FUZZ:-0}" == 1 ]]; then
    step "fuzzing skipped (SBC_SKIP_FUZZ=1)"
else
    step "fuzzing (scripts/fuzz.sh --seconds 15)"
    if ! env -u ASAN_OPTIONS -u UBSAN_OPTIONS scripts/fuzz.sh --seconds 15; then
        failures+=("fuzzing (scripts/fuzz.sh, above)")
    fi
fi

elapsed=$((SECONDS - started))
if ((${#failures[@]} > 0)); then
    echo "test.sh: FAILED: ${failures[*]} (${elapsed}s)"
    echo "tests: $total_passed passed, $total_failed failed"
    exit 1
fi
echo "test.sh: all tests passed (${elapsed}s)"
echo "tests: $total_passed passed, $total_failed failed"
