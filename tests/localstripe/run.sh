#!/usr/bin/env bash
# Cross-checks the payments core (src-tauri/crates/paydesk-core) against localstripe
# 1.15.10, a third-party fake Stripe (GPL-3.0, test tooling only, never shipped).
#
#   tests/localstripe/run.sh [extra arguments for the test binary, e.g. a test name]
#
# 1. Creates a Python venv (PAYDESK_LOCALSTRIPE_VENV, default
#    ~/.cache/paydesk-localstripe-venv, shared with tests/stripe-sim/bench.sh) and installs
#    localstripe 1.15.10 into it unless it is already there. If Python's venv module is
#    missing it installs python3-venv with apt-get when running as root, else it stops
#    and says what to install.
# 2. Starts localstripe on a free 127.0.0.1 port through serve.py (the project's launcher,
#    tests/stripe-sim/localstripe_serve.py: loopback only, no disk dump; plus the
#    compatibility patches serve.py documents), and waits until it answers.
# 3. Runs `cargo test --locked -p paydesk-core --test localstripe -- --ignored` with
#    LOCALSTRIPE_URL set. CARGO_TARGET_DIR is used as given (CI sets it); unset, it is
#    ~/.cache/paydesk-target, as in .ci/setup.sh.
# 4. Stops localstripe (and the test run, on interrupt) by PID on exit.
# Exit status: that of the tests; non-zero too if anything could not be set up.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paydesk-target}"
VENV="${PAYDESK_LOCALSTRIPE_VENV:-$HOME/.cache/paydesk-localstripe-venv}"
LOCALSTRIPE_VERSION="1.15.10"
STARTED_AT=$SECONDS

die() { echo "localstripe/run.sh: $*" >&2; exit 1; }
say() { echo "== $*"; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/paydesk-localstripe.XXXXXX")"
SERVER_PID=""
TESTS_PID=""
stop() { # stop PID [GROUP]: TERM, up to 5 s, then KILL
  local pid="$1" target="$1"
  [ -n "${2:-}" ] && target="-$1"
  kill -TERM -- "$target" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL -- "$target" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  if [ -n "$TESTS_PID" ]; then stop "$TESTS_PID" group; fi
  if [ -n "$SERVER_PID" ]; then stop "$SERVER_PID"; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi
command -v cargo >/dev/null || die "cargo is required but not installed (https://rustup.rs)"
command -v python3 >/dev/null || die "python3 is required but not installed (apt-get install python3)"

# ---------------------------------------------------------------- localstripe in a venv
installed_version() {
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("localstripe"))' 2>/dev/null || true
}

make_venv() {
  rm -rf "$VENV"
  python3 -m venv "$VENV" >"$WORK/venv.log" 2>&1
}

if [ "$(installed_version)" != "$LOCALSTRIPE_VERSION" ]; then
  if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
    say "creating a Python venv at $VENV"
    if ! make_venv; then
      # Debian and Ubuntu ship the venv module (ensurepip) separately.
      if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        say "python3 -m venv does not work here; installing python3-venv with apt-get"
        export DEBIAN_FRONTEND=noninteractive
        apt-get -o DPkg::Lock::Timeout=900 install -y -q python3-venv >"$WORK/apt.log" 2>&1 \
          || { apt-get -o DPkg::Lock::Timeout=900 update -q >>"$WORK/apt.log" 2>&1 \
               && apt-get -o DPkg::Lock::Timeout=900 install -y -q python3-venv >>"$WORK/apt.log" 2>&1; } \
          || die "apt-get install python3-venv failed:
$(tail -20 "$WORK/apt.log")"
        make_venv || die "python3 -m venv $VENV still fails after installing python3-venv:
$(cat "$WORK/venv.log")"
      else
        die "python3 -m venv $VENV failed, and installing python3-venv needs root (as root: apt-get install python3-venv):
$(cat "$WORK/venv.log")"
      fi
    fi
  fi
  say "installing localstripe $LOCALSTRIPE_VERSION into $VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "localstripe==$LOCALSTRIPE_VERSION" \
    || die "pip install localstripe==$LOCALSTRIPE_VERSION into $VENV failed (is the Python package index reachable?)"
  [ "$(installed_version)" = "$LOCALSTRIPE_VERSION" ] \
    || die "pip reported success, but localstripe $LOCALSTRIPE_VERSION is not installed in $VENV (found: '$(installed_version)')"
fi
"$VENV/bin/python" -c 'import localstripe.server, aiohttp.web' 2>"$WORK/import.log" \
  || die "localstripe does not import from $VENV: $(cat "$WORK/import.log")"

# ---------------------------------------------------------------- start it on 127.0.0.1
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
LOG="$WORK/localstripe.log"
# From the temporary directory, so nothing localstripe might write lands in the clone.
(cd "$WORK" && exec "$VENV/bin/python" "$HERE/serve.py" "$PORT") >"$LOG" 2>&1 &
SERVER_PID=$!
export LOCALSTRIPE_URL="http://127.0.0.1:$PORT"
answers() {
  "$VENV/bin/python" - "$LOCALSTRIPE_URL/_config/paydesk_compat" <<'EOF' >/dev/null 2>&1
import sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as response:
    sys.exit(0 if response.status == 200 else 1)
EOF
}
ready=""
for _ in $(seq 1 150); do
  kill -0 "$SERVER_PID" 2>/dev/null || die "localstripe exited at start:
$(cat "$LOG")"
  if grep -q "listening on" "$LOG" && answers; then
    ready=1
    break
  fi
  sleep 0.1
done
[ -n "$ready" ] || die "localstripe did not answer on $LOCALSTRIPE_URL within 15 s:
$(cat "$LOG")"
say "localstripe $LOCALSTRIPE_VERSION on $LOCALSTRIPE_URL (pid $SERVER_PID)"

# ---------------------------------------------------------------- the tests
say "cargo test --locked -p paydesk-core --test localstripe -- --ignored (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
# In its own process group, in the background and waited for: an interrupt then stops the
# tests and localstripe at once instead of after the run.
(cd "$ROOT" && exec setsid cargo test --locked -p paydesk-core --test localstripe -- --ignored "$@") &
TESTS_PID=$!
status=0
wait "$TESTS_PID" || status=$?
TESTS_PID=""

if [ "$status" -ne 0 ]; then
  echo "localstripe/run.sh: the tests failed (exit status $status); localstripe's log:" >&2
  tail -40 "$LOG" >&2 || true
  echo "localstripe/run.sh: FAILED after $((SECONDS - STARTED_AT)) s" >&2
  exit "$status"
fi
say "localstripe cross-check passed in $((SECONDS - STARTED_AT)) s"
