#!/usr/bin/env bash
# Installs the Debian 12 packages sbc needs to build, test and run, skipping those already installed.
# Runs `apt-get update` only when something is missing. Works as root; otherwise uses sudo when it can.
#
#   scripts/install-deps.sh            install what is missing
#   scripts/install-deps.sh --check    list what is missing, install nothing (exit 1 if anything is)
set -euo pipefail

# The one list. Keep it sorted by purpose; a package here must exist in Debian 12 (bookworm).
PACKAGES=(
    # toolchain
    g++ make cmake pkg-config ninja-build
    # libraries sbcd and sbcctl link against
    libcli11-dev libcpp-httplib-dev nlohmann-json3-dev libcurl4-openssl-dev libsqlite3-dev libfmt-dev
    libtomlplusplus-dev libssl-dev
    # data sbcd reads at run time: WordNet, the general synonyms of the built-in answerer (answer.wordnet_dir)
    wordnet-base
    # a program sbcd runs: pdftotext, which reads owners' PDF uploads into the knowledge base (media.pdftotext)
    poppler-utils
    # tests: Catch2; clang and its runtimes for libFuzzer targets and sanitizer builds
    catch2 clang libclang-rt-14-dev
    # tooling: formatting, man page checks, time zones for business hours, TLS roots for libcurl, curl for
    # trying the HTTP endpoints by hand, systemd-analyze for checking the unit file
    clang-format groff-base man-db tzdata ca-certificates curl systemd
)

check_only=false
case "${1:-}" in
"") ;;
--check) check_only=true ;;
-h | --help)
    sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
*)
    echo "install-deps.sh: unknown argument '$1' (try --help)" >&2
    exit 2
    ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deps.sh: dpkg/apt-get not found: this script is for Debian 12; install the packages listed" \
        "at the top of $0 with your system's package manager" >&2
    exit 1
fi

missing=()
for package in "${PACKAGES[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    if [[ "$status" != "install ok installed" ]]; then
        missing+=("$package")
    fi
done

if ((${#missing[@]} == 0)); then
    echo "install-deps.sh: all ${#PACKAGES[@]} packages present"
    exit 0
fi

echo "install-deps.sh: missing: ${missing[*]}"
if $check_only; then
    exit 1
fi

as_root=()
if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1; then
        as_root=(sudo)
    else
        echo "install-deps.sh: not root and sudo is not installed: run as root, or install: ${missing[*]}" >&2
        exit 1
    fi
fi

export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -q --no-install-recommends "${missing[@]}"
echo "install-deps.sh: installed ${#missing[@]} package(s)"
