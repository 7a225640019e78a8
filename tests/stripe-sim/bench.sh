#!/usr/bin/env bash
# Benchmark (NOT a test; deliberately not named run.sh so CI does not run it):
# the Stripe simulator against localstripe, same client, same request mix, same run.
#
#   tests/stripe-sim/bench.sh
#
# It installs localstripe 1.15.10 into a venv (~/.cache/paydesk-localstripe-venv),
# builds the stripe-sim `bench` and `serve` examples in release, and for each request mix
# (PaymentIntent create; create+confirm with pm_card_visa) starts a fresh server of each
# kind on 127.0.0.1, runs the same fixed number of requests against it with the same
# client (examples/bench.rs: keep-alive connections, CONCURRENCY requests in flight),
# stops it, and prints a table: requests/s, p50, p99, server CPU per request, and the
# simulator/localstripe ratio. Everything it starts is stopped by PID on exit, failure
# or interrupt. Client and servers share this machine's cores; the output says how many.
#
# Settings (environment): CREATE_REQUESTS (20000), CONFIRM_REQUESTS (1000),
# CONCURRENCY (32), WARMUP (200), MAX_SECONDS per measurement (120), PAYDESK_LOCALSTRIPE_VENV.
# CONFIRM_REQUESTS is small because localstripe's confirm slows down as its store grows
# (it scans every stored object several times per answer): at 3000 it needs minutes.
# Exit status: 0 when every measurement completed without errors, 1 otherwise. The
# targets are reported, never asserted.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paydesk-target-sim}"
VENV="${PAYDESK_LOCALSTRIPE_VENV:-$HOME/.cache/paydesk-localstripe-venv}"
LOCALSTRIPE_VERSION="1.15.10"
CREATE_REQUESTS="${CREATE_REQUESTS:-20000}"
CONFIRM_REQUESTS="${CONFIRM_REQUESTS:-1000}"
CONCURRENCY="${CONCURRENCY:-32}"
WARMUP="${WARMUP:-200}"
MAX_SECONDS="${MAX_SECONDS:-120}"

die() { echo "bench.sh: $*" >&2; exit 1; }

WORK="$(mktemp -d)"
SERVER_PID=""
BENCH_PID=""
stop_server() {
  local pid="$SERVER_PID"
  SERVER_PID=""
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  if [ -n "$BENCH_PID" ]; then
    kill -TERM "$BENCH_PID" 2>/dev/null || true # timeout(1) passes it on to the bench
    wait "$BENCH_PID" 2>/dev/null || true
  fi
  stop_server
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

for tool in cargo python3 awk; do
  command -v "$tool" >/dev/null || die "$tool is required but not installed"
done

echo "== installing localstripe $LOCALSTRIPE_VERSION into $VENV"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || die "could not create a Python venv at $VENV"
fi
"$VENV/bin/pip" install --quiet --disable-pip-version-check "localstripe==$LOCALSTRIPE_VERSION" \
  || die "pip install localstripe==$LOCALSTRIPE_VERSION failed"
"$VENV/bin/python" -c "import localstripe.server, aiohttp.web" || die "localstripe does not import from $VENV"

echo "== building the bench and serve examples (release)"
(cd "$ROOT" && cargo build --release --quiet -p stripe-sim --example bench --example serve) || die "cargo build failed"
BENCH="$CARGO_TARGET_DIR/release/examples/bench"
SERVE="$CARGO_TARGET_DIR/release/examples/serve"

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server sim|localstripe: sets SERVER_PID and SERVER_URL, or fails.
start_server() {
  local kind="$1" port log="$WORK/$1.log"
  port="$(free_port)"
  case "$kind" in
    sim) "$SERVE" --port "$port" >"$log" 2>&1 & ;;
    localstripe) (cd "$WORK" && exec "$VENV/bin/python" "$HERE/localstripe_serve.py" "$port") >"$log" 2>&1 & ;;
  esac
  SERVER_PID=$!
  for _ in $(seq 1 150); do
    grep -q "listening on" "$log" && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "$kind exited at start: $(cat "$log")"
    sleep 0.1
  done
  grep -q "listening on" "$log" || die "$kind did not start within 15 s: $(cat "$log")"
  SERVER_URL="http://127.0.0.1:$port"
}

# CPU ticks (user + system, 1/100 s) used so far by process $1.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }

RESULTS="$WORK/results.tsv"
FAILED=0
# measure LABEL MIX REQUESTS [URL]: one bench run; appends "RESULT... server_cpu_us_per_req".
measure() {
  local label="$1" mix="$2" n="$3" url="${4:-}" before after out
  local args=(--mix "$mix" --requests "$n" --concurrency "$CONCURRENCY" --warmup "$WARMUP" --max-seconds "$MAX_SECONDS" --label "$label")
  [ -n "$url" ] && args+=(--url "$url")
  before=0
  [ -n "$SERVER_PID" ] && before="$(cpu_ticks "$SERVER_PID")"
  # In the background and waited for, so that a signal to this script runs its traps at
  # once instead of after the measurement.
  timeout $((MAX_SECONDS * 2 + 30)) "$BENCH" "${args[@]}" >"$WORK/bench.out" 2>&1 &
  BENCH_PID=$!
  local status=0
  wait "$BENCH_PID" || status=$?
  BENCH_PID=""
  out="$(cat "$WORK/bench.out")"
  echo "$out" | grep -v '^RESULT' || true
  if [ "$status" != 0 ]; then
    echo "bench.sh: $label $mix failed (exit status $status)" >&2
    FAILED=1
  fi
  local line server_us="-"
  line="$(echo "$out" | grep '^RESULT' || true)"
  [ -n "$line" ] || return 0
  if [ -n "$SERVER_PID" ]; then
    after="$(cpu_ticks "$SERVER_PID")"
    # Includes the warm-up requests.
    server_us="$(awk -v t=$((after - before)) -v n=$((n + WARMUP)) 'BEGIN { printf "%.0f", t * 10000 / n }')"
  fi
  printf '%s\t%s\n' "$line" "$server_us" >>"$RESULTS"
}

echo "== machine: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo), load average $(cut -d' ' -f1-3 /proc/loadavg) (client and servers share these cores)"
echo "== $CONCURRENCY requests in flight; create: $CREATE_REQUESTS requests, create+confirm: $CONFIRM_REQUESTS requests (after $WARMUP warm-up), cap $MAX_SECONDS s each"
for mix in create confirm; do
  n="$CREATE_REQUESTS"
  [ "$mix" = confirm ] && n="$CONFIRM_REQUESTS"
  start_server sim
  measure "simulator" "$mix" "$n" "$SERVER_URL"
  stop_server
  start_server localstripe
  measure "localstripe" "$mix" "$n" "$SERVER_URL"
  stop_server
  measure "simulator-in-process" "$mix" "$n"
done
LOAD_AFTER="$(cut -d' ' -f1-3 /proc/loadavg)"

echo
echo "Stripe simulator vs localstripe $LOCALSTRIPE_VERSION: $(nproc) cores shared by client and server, $CONCURRENCY in flight, load average at end $LOAD_AFTER"
awk -F'\t' '
  BEGIN {
    printf "| %-20s | %-14s | %8s | %9s | %8s | %8s | %14s |\n", "server", "requests", "count", "req/s", "p50 ms", "p99 ms", "server CPU/req"
    printf "|%s|%s|%s|%s|%s|%s|%s|\n", "----------------------", "----------------", "---------:", "----------:", "---------:", "---------:", "---------------:"
  }
  {
    label = $2; mix = $3; done = $4; errors = $5; rps = $7; p50 = $8; p99 = $9; capped = $11; cpu = $12
    note = (errors > 0 ? " (" errors " errors)" : "") (capped == "capped" ? " (capped)" : "")
    cpu_s = (cpu == "-" ? "in-process" : cpu " us")
    printf "| %-20s | %-14s | %8d | %9.0f | %8.2f | %8.2f | %14s |%s\n", label, mix, done, rps, p50, p99, cpu_s, note
    r[label "|" mix] = rps; q[label "|" mix] = p99
  }
  END {
    print ""
    n = split("create create+confirm", mixes, " ")
    for (i = 1; i <= n; i++) {
      m = mixes[i]
      if (r["localstripe|" m] > 0 && r["simulator|" m] > 0)
        printf "%-14s simulator/localstripe: %.1fx requests/s, p99 %.2f ms vs %.2f ms\n", m, r["simulator|" m] / r["localstripe|" m], q["simulator|" m], q["localstripe|" m]
    }
    c = r["simulator|create"]; l = r["localstripe|create"]
    if (c > 0) printf "targets (reported, not asserted): create >= 3000/s: %s (%.0f/s); create >= 10x localstripe: %s\n", (c >= 3000 ? "met" : "MISSED"), c, (l > 0 && c >= 10 * l ? "met" : "MISSED")
    f = r["simulator|create+confirm"]; g = r["localstripe|create+confirm"]
    if (f > 0 && g > 0) printf "                                  create+confirm >= 10x localstripe: %s\n", (f >= 10 * g ? "met" : "MISSED")
  }
' "$RESULTS"
exit "$FAILED"
