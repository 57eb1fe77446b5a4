#!/usr/bin/env bash
# Try sbc in two minutes: installs the dependencies, builds, starts sbcd in ./demo/ (its own database, socket
# and log, nothing outside the checkout), registers the demo business "Pizza Palace" with a few knowledge
# entries, and prints what to type next. Safe to run again: a running demo sbcd is reused and nothing is
# added twice.
#
#   scripts/demo.sh
#
# Environment:
#   SBC_DEMO_DIR     folder of the demo (default ./demo)
#   SBC_DEMO_LISTEN  HTTP address of the demo sbcd (default 127.0.0.1:8080, or the next free port up to 8099)
#   SBC_DEMO_NO_BUILD=1  skip installing and building (use what is in build/)
# The demo sets SBC_DATA_DIR and SBC_SOCKET itself, so an SBC_SOCKET exported for a real sbcd is never touched.
# Without TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN sbcd runs in dry-run: replies are recorded and logged, never
# sent; the demo then also turns the webhook signature check off, so that you can post a message with curl.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

demo_dir=${SBC_DEMO_DIR:-demo}
mkdir -p "$demo_dir"
demo_dir=$(cd "$demo_dir" && pwd)
sbcd=$root/build/daemon/sbcd
sbcctl=$root/build/cli/sbcctl
pid_file=$demo_dir/sbcd.pid
log_file=$demo_dir/sbcd.log
listen_file=$demo_dir/sbcd.listen
unsigned_file=$demo_dir/sbcd.unsigned # present while the demo sbcd accepts unsigned webhooks
knowledge=$root/scripts/demo-knowledge.jsonl
business=pizza-palace

export SBC_DATA_DIR=$demo_dir/data
export SBC_SOCKET=$demo_dir/sbcd.sock

say() { printf '==> %s\n' "$*"; }
die() {
    printf 'demo.sh: %s\n' "$*" >&2
    exit 1
}

if [[ "${SBC_DEMO_NO_BUILD:-0}" != 1 ]]; then
    say "dependencies"
    scripts/install-deps.sh
    say "build (build/)"
    scripts/build.sh
fi
[[ -x "$sbcd" && -x "$sbcctl" ]] || die "$sbcd or $sbcctl is missing: run scripts/build.sh and look at its errors"

# True when something accepts TCP connections on host:port.
port_in_use() {
    timeout 2 bash -c "exec 3<>/dev/tcp/$1/$2" 2>/dev/null
}

# The pid of the demo sbcd when it is running, from the pid file.
running_pid() {
    [[ -f "$pid_file" ]] || return 1
    local pid
    pid=$(<"$pid_file")
    [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
    [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == sbcd ]] || return 1
    echo "$pid"
}

choose_listen() {
    if [[ -n "${SBC_DEMO_LISTEN:-}" ]]; then
        echo "$SBC_DEMO_LISTEN"
        return
    fi
    local port
    for port in $(seq 8080 8099); do
        if ! port_in_use 127.0.0.1 "$port"; then
            echo "127.0.0.1:$port"
            return
        fi
    done
    die "ports 8080 to 8099 on 127.0.0.1 are all taken: set SBC_DEMO_LISTEN=127.0.0.1:PORT"
}

if pid=$(running_pid); then
    say "reusing the demo sbcd already running (pid $pid)"
    listen=$(cat "$listen_file" 2>/dev/null || echo "unknown")
else
    rm -f "$pid_file"
    listen=$(choose_listen)
    export SBC_LISTEN=$listen
    rm -f "$unsigned_file"
    if [[ -z "${TWILIO_AUTH_TOKEN:-}" && ! -f "$demo_dir/.env" && "$listen" =~ ^(127\.|localhost:|\[::1\]:) ]]; then
        # Dry-run on loopback: nothing can be sent, and there is no auth token to verify signatures with.
        export SBC_INSECURE_SKIP_SIGNATURE_CHECK=true
        touch "$unsigned_file"
    fi
    mkdir -p "$SBC_DATA_DIR"
    say "starting sbcd on $listen (log: ${log_file#"$root"/})"
    # Started from the demo folder so that a .env file in your checkout is not read; put one in the demo
    # folder to try real sends. setsid keeps it running when this terminal is interrupted or closed.
    launcher=()
    if command -v setsid >/dev/null 2>&1; then
        launcher=(setsid)
    fi
    (cd "$demo_dir" && exec "${launcher[@]}" "$sbcd" >>"$log_file" 2>&1 </dev/null) &
    pid=$!
    echo "$pid" >"$pid_file"
    echo "$listen" >"$listen_file"
fi

# Wait until sbcd answers on its control socket (or dies).
deadline=$((SECONDS + 30))
until "$sbcctl" status >/dev/null 2>&1; do
    if ! kill -0 "$pid" 2>/dev/null; then
        rm -f "$pid_file"
        echo "demo.sh: sbcd stopped during start-up; the end of its log ($log_file):" >&2
        tail -n 20 "$log_file" >&2 || true
        exit 1
    fi
    if ((SECONDS >= deadline)); then
        die "sbcd (pid $pid) did not answer on $SBC_SOCKET within 30 s; see $log_file"
    fi
    sleep 0.2
done

say "registering the demo business"
status=0
"$sbcctl" business register --id "$business" --name "Pizza Palace" --number +14155238886 \
    --owner +15551234567 --hours "Mon-Thu 11am-10pm, Fri-Sat 11am-11pm, Sun noon-9pm" || status=$?
case $status in
0) ;;
6) echo "demo.sh: keeping the existing $business as it is (sbcctl business show $business)" ;;
*) die "business register failed (exit $status)" ;;
esac

say "importing its knowledge (entries already there are skipped)"
"$sbcctl" kb import --business "$business" "$knowledge"

say "a customer asks \"Do you deliver?\" (sbcctl send-test: the same path as a WhatsApp message)"
"$sbcctl" send-test --business "$business" --from +15557654321 "Do you deliver?" || true

mode="dry-run: replies are recorded, nothing is sent to Twilio"
if [[ -n "${TWILIO_ACCOUNT_SID:-}" && -n "${TWILIO_AUTH_TOKEN:-}" ]] || [[ -f "$demo_dir/.env" ]]; then
    mode="Twilio credentials found: replies may really be sent"
fi

rel_socket=$SBC_SOCKET
rel_pid=${pid_file#"$root"/}
rel_log=${log_file#"$root"/}
curl_hint=""
if [[ -f "$unsigned_file" ]]; then
    curl_hint="
A customer writes to Pizza Palace, as Twilio would post it (signature check off; the reply is in the log):

  curl --data-urlencode From=whatsapp:+15557654321 --data-urlencode To=whatsapp:+14155238886 \\
       --data-urlencode \"Body=Do you deliver?\" --data-urlencode MessageSid=SM\$(date +%s%N) \\
       http://$listen/webhooks/twilio/whatsapp
"
fi
cat <<EOF

sbcd is running (pid $pid, HTTP on $listen, $mode).
Try it:

  export SBC_SOCKET=$rel_socket
  build/cli/sbcctl status
  build/cli/sbcctl business list
  build/cli/sbcctl business show $business
  build/cli/sbcctl kb list --business $business
  build/cli/sbcctl kb search --business $business "when do you close on friday"
  build/cli/sbcctl kb add --business $business --tags parking "Parking is free after 6pm."
  build/cli/sbcctl send-test --business $business --from +15557654321 "Can I park there?"
  build/cli/sbcctl send-test --business $business --owner "!help"
  build/cli/sbcctl logs --business $business
  build/cli/sbcctl business stats $business
  curl http://$listen/health
$curl_hint
Log: tail -f $rel_log        Stop: kill \$(cat $rel_pid)
EOF
