#!/usr/bin/env bash
# ctest "unit file: systemd-analyze verify": checks scripts/sbcd.service with systemd's own parser. Any
# warning counts as a failure (systemd only warns about unknown keys and bad values). ExecStart points at the
# sbcd just built, since verify insists that the binary exists. Skipped (exit 77) without systemd-analyze.
#
#   tests/verify_unit.sh UNIT_FILE SBCD_BINARY
set -euo pipefail

unit=$1
sbcd=$2
if ! command -v systemd-analyze >/dev/null 2>&1; then
    echo "SKIPPED: systemd-analyze is not installed (apt-get install systemd, see scripts/install-deps.sh)"
    exit 77
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s|^ExecStart=/usr/sbin/sbcd |ExecStart=$sbcd |" "$unit" >"$dir/sbcd.service"
grep -q "^ExecStart=$sbcd " "$dir/sbcd.service" || {
    echo "FAIL: $unit has no 'ExecStart=/usr/sbin/sbcd ...' line"
    exit 1
}
# --man=no: the man pages named in Documentation= are not installed in a build tree.
if ! output=$(cd "$dir" && systemd-analyze verify --man=no "$dir/sbcd.service" 2>&1); then
    echo "FAIL: systemd-analyze verify refused $unit:"
    echo "$output"
    exit 1
fi
if [[ -n "$output" ]]; then
    echo "FAIL: systemd-analyze verify warned about $unit:"
    echo "$output"
    exit 1
fi
echo "OK: $unit passes systemd-analyze verify"
