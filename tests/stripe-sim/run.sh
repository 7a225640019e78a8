#!/usr/bin/env bash
# Non-Rust tests of the Stripe simulator: the Stripe.js stand-in in headless Chromium
# (playwright-core) and Stripe's official Python SDK against the simulator.
# Installs what it needs, starts the simulator, runs both suites and ends with
# "N passed, N failed". Exit status is non-zero if anything failed or could not run.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paydesk-target-sim}"
VENV="${PAYDESK_SIM_VENV:-$HOME/.cache/paydesk-sim-venv}"
CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
STRIPE_PY_VERSION="16.1.0"

die() { echo "run.sh: $*" >&2; echo "0 passed, 1 failed"; exit 1; }

for tool in cargo node npm python3; do
  command -v "$tool" >/dev/null || die "$tool is required but not installed"
done
if [ ! -x "$CHROMIUM" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    apt-get -o DPkg::Lock::Timeout=900 install -y chromium >/dev/null || die "could not install chromium with apt-get"
  fi
  [ -x "$CHROMIUM" ] || die "Chromium not found at $CHROMIUM (apt-get install chromium, or set CHROMIUM)"
fi

echo "== installing test dependencies"
(cd "$HERE" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || die "could not create a Python venv at $VENV"
fi
"$VENV/bin/pip" install --quiet "stripe==$STRIPE_PY_VERSION" || die "pip install stripe failed"

echo "== building the simulator"
(cd "$ROOT" && cargo build --quiet -p stripe-sim --example serve) || die "cargo build failed"

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
LOG="$(mktemp)"
"$CARGO_TARGET_DIR/debug/examples/serve" --port "$PORT" --test-control >"$LOG" 2>&1 &
SIM_PID=$!
trap 'kill "$SIM_PID" 2>/dev/null || true; wait "$SIM_PID" 2>/dev/null || true; rm -f "$LOG"' EXIT
for _ in $(seq 1 100); do
  grep -q "listening on" "$LOG" && break
  kill -0 "$SIM_PID" 2>/dev/null || die "the simulator exited: $(cat "$LOG")"
  sleep 0.1
done
grep -q "listening on" "$LOG" || die "the simulator did not start: $(cat "$LOG")"
export SIM_URL="http://127.0.0.1:$PORT"
echo "== simulator on $SIM_URL"

PASSED=0
FAILED=0
run_suite() {
  local name="$1"; shift
  local out status=0
  out="$("$@" 2>&1)" || status=$?
  echo "$out"
  local summary
  summary="$(echo "$out" | grep -E "^$name: [0-9]+ passed, [0-9]+ failed$" | tail -1)"
  if [ -z "$summary" ]; then
    echo "run.sh: the $name suite did not finish (exit $status)"
    FAILED=$((FAILED + 1))
    return
  fi
  local p f
  p="$(echo "$summary" | sed -E 's/.*: ([0-9]+) passed.*/\1/')"
  f="$(echo "$summary" | sed -E 's/.*, ([0-9]+) failed/\1/')"
  PASSED=$((PASSED + p))
  FAILED=$((FAILED + f))
}

echo "== browser (headless Chromium)"
run_suite browser env CHROMIUM="$CHROMIUM" node "$HERE/browser.test.mjs"
echo "== official Stripe Python SDK $STRIPE_PY_VERSION"
run_suite sdk "$VENV/bin/python" "$HERE/sdk_test.py"

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
