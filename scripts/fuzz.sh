#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang (ASan + UBSan) into build-fuzz/ and runs each for a while.
#
#   scripts/fuzz.sh [--seconds N] [--jobs J] [TARGET...]     default: every target, 60 seconds each, 1 job
#   scripts/fuzz.sh --seconds 3600 phone                     a long run of one target
#   scripts/fuzz.sh --list                                   the targets
#
# A target starts from fuzz/corpus/<target>/ and fuzz/regressions/<target>/; inputs that reach new code go to
# build-fuzz/corpus/<target>/ (never into the repository: the script prints how to merge them). A crash or a
# broken invariant is saved in fuzz/regressions/<target>/ and makes the script exit 1 after the other targets
# ran, with the command that reproduces it. See docs/fuzzing.md.
#
# Environment: SBC_FUZZ_BUILD_DIR overrides build-fuzz/; SBC_JOBS the parallel compile jobs (default 2).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

build_dir=${SBC_FUZZ_BUILD_DIR:-build-fuzz}
seconds=60
jobs=1
targets=()
all_targets=()
for source in fuzz/fuzz_*.cpp; do
    name=${source#fuzz/fuzz_}
    all_targets+=("${name%.cpp}")
done

usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; }

while (($#)); do
    case "$1" in
    --seconds)
        seconds=${2:-}
        shift
        ;;
    --jobs)
        jobs=${2:-}
        shift
        ;;
    --list)
        printf '%s\n' "${all_targets[@]}"
        exit 0
        ;;
    -h | --help)
        usage
        exit 0
        ;;
    -*)
        echo "fuzz.sh: unknown option '$1' (try --help)" >&2
        exit 2
        ;;
    *)
        if [[ ! -f "fuzz/fuzz_$1.cpp" ]]; then
            echo "fuzz.sh: no target '$1' (targets: ${all_targets[*]})" >&2
            exit 2
        fi
        targets+=("$1")
        ;;
    esac
    shift
done
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]] || ! [[ "$jobs" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: --seconds and --jobs take a positive whole number" >&2
    exit 2
fi
if ((${#targets[@]} == 0)); then
    targets=("${all_targets[@]}")
fi
if ! command -v clang++ >/dev/null 2>&1; then
    echo "fuzz.sh: clang++ not found; scripts/install-deps.sh installs it (clang, libclang-rt-14-dev)" >&2
    exit 1
fi

echo "==> fuzz: build ($build_dir, clang, libFuzzer + ASan + UBSan)"
generator=()
if [[ ! -f "$build_dir/CMakeCache.txt" ]] && command -v ninja >/dev/null 2>&1; then
    generator=(-G Ninja)
fi
CC=clang CXX=clang++ cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSBC_FUZZ=ON -DSBC_BUILD_TESTS=OFF -DCMAKE_UNITY_BUILD=ON
build_targets=()
for target in "${targets[@]}"; do
    build_targets+=("fuzz_$target")
done
cmake --build "$build_dir" -j "${SBC_JOBS:-2}" --target "${build_targets[@]}"

export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build_dir/logs"
crashed=()
for target in "${targets[@]}"; do
    binary=$build_dir/fuzz/fuzz_$target
    work_corpus=$build_dir/corpus/$target
    regressions=fuzz/regressions/$target
    log=$build_dir/logs/$target.log
    mkdir -p "$work_corpus" "$regressions"
    options=(-max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="$regressions/")
    if [[ -f "fuzz/dict/$target.dict" ]]; then
        options+=(-dict="fuzz/dict/$target.dict")
    fi
    if ((jobs > 1)); then
        options+=(-fork="$jobs")
    fi
    before=$(LC_ALL=C ls -A "$regressions")
    echo "==> fuzz: $target for ${seconds}s ($log)"
    status=0
    # The first corpus directory is the one libFuzzer writes to; the repository's are only read.
    "$binary" "${options[@]}" "$work_corpus" "fuzz/corpus/$target" "$regressions" >"$log" 2>&1 || status=$?

    # -print_final_stats: "stat::number_of_executed_units: 123456", "stat::average_exec_per_sec: 2024"; the
    # last status line: "#123456 DONE cov: 210 ft: 530 corp: 41/1432b ..." (with -fork: "#123456: cov: 210 ...").
    last=$(grep -E '^#[0-9]+:?[[:space:]].*cov: [0-9]+' "$log" | tail -n 1 || true)
    runs=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    runs=${runs:-$(sed -nE 's/^#([0-9]+).*/\1/p' <<<"$last")}
    rate=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    rate=${rate:-$(sed -nE 's/.* exec\/s:? ([0-9]+).*/\1/p' <<<"$last")}
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corpus=$(find "$work_corpus" -type f | wc -l)
    new_artifacts=$(LC_ALL=C comm -13 <(echo "$before") <(LC_ALL=C ls -A "$regressions") | grep -v '^$' || true)
    if ((status == 0)) && [[ -z "$new_artifacts" ]]; then
        result=ok
    else
        result="FAILED (exit $status)"
        crashed+=("$target")
    fi
    echo "fuzz: $target: ${seconds}s, runs: ${runs:-?}, exec/s: ${rate:-?}, cov: ${cov:-?}, ft: ${ft:-?}," \
        "corpus: $corpus input(s) in $work_corpus, result: $result"
    if [[ "$result" != ok ]]; then
        grep -E 'fuzz invariant broken|^  [^ ]|ERROR: |SUMMARY|Test unit written' "$log" | head -n 20 || true
        for artifact in $new_artifacts; do
            echo "fuzz: $target: saved $regressions/$artifact; reproduce with:"
            echo "    $binary $regressions/$artifact"
            echo "    (or, any compiler: build/fuzz/fuzz_replay_$target $regressions/$artifact)"
        done
        if [[ -z "$new_artifacts" ]]; then
            echo "fuzz: $target: no input saved; see $log"
        fi
    fi
done

echo "fuzz: to keep new inputs in the seed corpus (only those that add coverage are copied):"
echo "    $build_dir/fuzz/fuzz_TARGET -merge=1 fuzz/corpus/TARGET $build_dir/corpus/TARGET"
if ((${#crashed[@]} > 0)); then
    echo "fuzz.sh: FAILED: ${crashed[*]} (fix the bug, keep the input in fuzz/regressions/, see docs/fuzzing.md)"
    exit 1
fi
echo "fuzz.sh: ${#targets[@]} target(s), ${seconds}s each, no crash"
