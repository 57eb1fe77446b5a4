#!/usr/bin/env bash
# ctest "install: the unit file starts the installed sbcd": `cmake --install` into a scratch DESTDIR with two
# prefixes; the installed unit's ExecStart must name <prefix>/sbin/sbcd, which must exist there, and the man
# pages and completion must be in their places.
#
#   tests/verify_install.sh BUILD_DIR
set -euo pipefail

build=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
for prefix in /usr /opt/sbc-test; do
    dest="$dir/root${prefix//\//_}"
    DESTDIR="$dest" cmake --install "$build" --prefix "$prefix" >"$dir/install.log" 2>&1 || {
        echo "FAIL: cmake --install --prefix $prefix failed:"
        cat "$dir/install.log"
        exit 1
    }
    unit="$dest$prefix/lib/systemd/system/sbcd.service"
    [[ -f $unit ]] || { echo "FAIL: no unit file at $unit"; exit 1; }
    exec_start=$(grep '^ExecStart=' "$unit")
    if [[ $exec_start != "ExecStart=$prefix/sbin/sbcd --config /etc/sbc/sbcd.conf" ]]; then
        echo "FAIL: with --prefix $prefix the unit says '$exec_start'"
        exit 1
    fi
    [[ -x $dest$prefix/sbin/sbcd ]] || { echo "FAIL: $prefix/sbin/sbcd was not installed"; exit 1; }
    [[ -x $dest$prefix/bin/sbcctl ]] || { echo "FAIL: $prefix/bin/sbcctl was not installed"; exit 1; }
    for f in share/man/man1/sbcctl.1 share/man/man5/sbcd.conf.5 share/man/man8/sbcd.8 \
        share/bash-completion/completions/sbcctl; do
        [[ -f $dest$prefix/$f ]] || { echo "FAIL: $prefix/$f was not installed"; exit 1; }
    done
    echo "OK: --prefix $prefix: $exec_start"
done
