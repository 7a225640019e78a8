#!/usr/bin/env bash
# End-to-end tests of the real Paydesk window.
#
#   PAYDESK_BIN=/abs/path/to/paydesk tests/e2e/run.sh [extra node --test args]
#
# PAYDESK_BIN is a release build with the bundled UI:
#   (cd ui && npm ci && npm run build) && cargo build --release -p paydesk-app --features custom-protocol
#
# What this script does:
#   1. checks the system tools (apt packages are the caller's job) and installs tauri-driver
#      with cargo if it is missing;
#   2. re-runs itself under Xvfb (1280x800) and a private D-Bus session bus;
#   3. inside: isolates XDG dirs in a temp dir, unlocks a fresh gnome-keyring, starts
#      tauri-driver on free ports, and runs tests/e2e/*.test.mjs with `node --test`;
#   4. screenshots go to tests/artifacts/e2e/ (git-ignored);
#   5. after a whole run, scans everything the run left for secrets (lib/scan-secrets.mjs).
# Env: PAYDESK_E2E_KEEP=1 keeps the temp dir (app data, logs) for a post-mortem.
#      PAYDESK_E2E_SCRIPT=file.mjs runs that script (node file.mjs ARGS) instead of the tests.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
TAURI_DRIVER_VERSION=2.1.0

die() {
  echo "e2e: ERROR: $*" >&2
  exit 1
}
log() { echo "e2e: $*" >&2; }

if [[ "${1:-}" != "--inner" ]]; then
  # ---------------------------------------------------------------- outer: checks
  [[ -n "${PAYDESK_BIN:-}" ]] || die "set PAYDESK_BIN to the Paydesk release binary (cargo build --release -p paydesk-app --features custom-protocol)"
  [[ "$PAYDESK_BIN" = /* ]] || PAYDESK_BIN="$(pwd)/$PAYDESK_BIN"
  [[ -f "$PAYDESK_BIN" && -x "$PAYDESK_BIN" ]] || die "PAYDESK_BIN=$PAYDESK_BIN is not an executable file"
  # `paydesk` opens the window by handing over to paydesk-window, installed beside it.
  window_bin="$PAYDESK_BIN"
  if [[ "$(basename "$PAYDESK_BIN")" = paydesk ]]; then
    window_bin="$(dirname "$PAYDESK_BIN")/paydesk-window"
    [[ -x "$window_bin" ]] || die "$window_bin is missing: it is built with PAYDESK_BIN (cargo build -p paydesk-app)"
  fi
  export PAYDESK_BIN
  # The UI is compiled into the window's binary: one older than ui/dist tests a stale UI.
  if [[ -f "$repo/ui/dist/index.html" && "$repo/ui/dist/index.html" -nt "$window_bin" ]]; then
    log "WARNING: ui/dist is newer than $window_bin; the window will show the UI the binary was built with"
  fi

  missing=()
  for tool in WebKitWebDriver xvfb-run Xvfb dbus-run-session dbus-send gnome-keyring-daemon secret-tool xdotool node curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    die "missing: ${missing[*]}. On Debian/Ubuntu: apt-get install webkit2gtk-driver xvfb dbus-x11 gnome-keyring libsecret-tools xdotool nodejs curl"
  fi
  node_major="$(node -p 'process.versions.node.split(".")[0]')"
  ((node_major >= 20)) || die "node >= 20 is needed for node --test and fetch (found $(node --version))"

  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
  if ! command -v tauri-driver >/dev/null 2>&1; then
    command -v cargo >/dev/null 2>&1 || die "tauri-driver is missing and cargo is not available to install it"
    log "installing tauri-driver $TAURI_DRIVER_VERSION with cargo"
    cargo install tauri-driver --locked --version "$TAURI_DRIVER_VERSION" ||
      die "cargo install tauri-driver --locked --version $TAURI_DRIVER_VERSION failed"
    command -v tauri-driver >/dev/null 2>&1 || die "tauri-driver installed but not on PATH ($PATH)"
  fi

  log "running under xvfb-run and dbus-run-session"
  exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
    dbus-run-session -- "$here/run.sh" --inner "$@"
fi

# -------------------------------------------------------------------- inner
shift
[[ -n "${DISPLAY:-}" ]] || die "no DISPLAY inside xvfb-run"
[[ -n "${DBUS_SESSION_BUS_ADDRESS:-}" ]] || die "no session bus inside dbus-run-session"

tmp="$(mktemp -d "${TMPDIR:-/tmp}/paydesk-e2e.XXXXXX")"
driver_pid=""
keyring_pid=""
sim_pid=""
cleanup() {
  local rc=$?
  [[ -n "$sim_pid" ]] && kill "$sim_pid" 2>/dev/null && wait "$sim_pid" 2>/dev/null
  [[ -n "$driver_pid" ]] && kill "$driver_pid" 2>/dev/null && wait "$driver_pid" 2>/dev/null
  [[ -n "$keyring_pid" ]] && kill "$keyring_pid" 2>/dev/null && wait "$keyring_pid" 2>/dev/null
  if [[ "${PAYDESK_E2E_KEEP:-}" == 1 || $rc -ne 0 ]]; then
    log "temp dir kept for inspection: $tmp (tauri-driver log: $tmp/tauri-driver.log)"
  else
    rm -rf "$tmp"
  fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Everything the app, WebKit and the keyring write goes under $tmp.
export XDG_DATA_HOME="$tmp/xdg/data" XDG_CONFIG_HOME="$tmp/xdg/config" XDG_CACHE_HOME="$tmp/xdg/cache"
export XDG_RUNTIME_DIR="$tmp/xdg/runtime"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
export PAYDESK_E2E_TMP="$tmp/apps"
export PAYDESK_E2E_ARTIFACTS="${PAYDESK_E2E_ARTIFACTS:-$repo/tests/artifacts/e2e}"
mkdir -p "$PAYDESK_E2E_ARTIFACTS"
rm -f "$PAYDESK_E2E_ARTIFACTS"/*.png

# A fresh login keyring, unlocked with a throwaway password (Secret Service on this bus).
printf '%s' "paydesk-e2e" | gnome-keyring-daemon --foreground --unlock --components=secrets \
  >"$tmp/keyring.out" 2>"$tmp/keyring.log" &
keyring_pid=$!
for _ in $(seq 1 100); do
  if dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true'; then
    break
  fi
  kill -0 "$keyring_pid" 2>/dev/null || die "gnome-keyring-daemon exited: $(cat "$tmp/keyring.log")"
  sleep 0.1
done
dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
  org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets 2>/dev/null | grep -q 'boolean true' ||
  die "the Secret Service did not appear on the session bus"

free_port() { node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'; }
port="$(free_port)"
native_port="$(free_port)"
while [[ "$native_port" == "$port" ]]; do native_port="$(free_port)"; done

# A simulator for configured test keys (the Settings scenario). The app reaches it only
# because the e2e binary is a test build (feature test-endpoints); demo mode ignores it.
# It also serves its Stripe.js stand-in over https, standing in for js.stripe.com, with a
# certificate the tests that need it copy into their app's data directory.
sim_port="$(free_port)"
"$PAYDESK_BIN" simulator --port "$sim_port" --tls-dir "$tmp/sim-tls" >"$tmp/simulator.log" 2>&1 &
sim_pid=$!
for _ in $(seq 1 100); do
  curl -fsS -o /dev/null -H "Authorization: Bearer sk_test_paydesk_e2e_probe" "http://127.0.0.1:$sim_port/v1/account" 2>/dev/null && break
  kill -0 "$sim_pid" 2>/dev/null || die "the simulator exited: $(cat "$tmp/simulator.log")"
  sleep 0.1
done
sim_tls_url="$(grep -o 'https://127\.0\.0\.1:[0-9]*' "$tmp/simulator.log" | head -1)"
[[ -n "$sim_tls_url" ]] || die "the simulator did not say its https address: $(cat "$tmp/simulator.log")"
curl -fsS -o /dev/null --cacert "$tmp/sim-tls/cert.pem" "$sim_tls_url/v3/" || die "the simulator's https stand-in does not answer at $sim_tls_url"
export PAYDESK_STRIPE_API_BASE="http://127.0.0.1:$sim_port"
export PAYDESK_STRIPE_JS_URL="$sim_tls_url/v3/"
export PAYDESK_E2E_SIM_TLS_DIR="$tmp/sim-tls"

tauri-driver --port "$port" --native-port "$native_port" >"$tmp/tauri-driver.log" 2>&1 &
driver_pid=$!
export TAURI_DRIVER_URL="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
  curl -fsS "$TAURI_DRIVER_URL/status" >/dev/null 2>&1 && break
  kill -0 "$driver_pid" 2>/dev/null || die "tauri-driver exited: $(cat "$tmp/tauri-driver.log")"
  sleep 0.1
done
curl -fsS "$TAURI_DRIVER_URL/status" >/dev/null 2>&1 || die "tauri-driver did not answer on $TAURI_DRIVER_URL"
log "tauri-driver on :$port (WebKitWebDriver on :$native_port), display $DISPLAY, app $PAYDESK_BIN"

cd "$repo"
set +e
# The app benchmark (tests/bench/run.sh app) runs its own script in this same harness.
if [[ -n "${PAYDESK_E2E_SCRIPT:-}" ]]; then
  node "$PAYDESK_E2E_SCRIPT" "$@"
  exit $?
fi
node --test --test-reporter=spec --test-concurrency=1 --test-timeout=180000 "$@" tests/e2e/*.test.mjs
rc=$?
set -e
log "screenshots: $PAYDESK_E2E_ARTIFACTS"
# Only a whole run leaves everything worth searching; a partial one (a file argument) skips it.
if [[ $rc -eq 0 && $# -eq 0 ]]; then
  # Stop the simulator and the driver first, so their logs are complete.
  kill "$sim_pid" "$driver_pid" 2>/dev/null && wait "$sim_pid" "$driver_pid" 2>/dev/null || true
  sim_pid="" driver_pid=""
  node "$here/lib/scan-secrets.mjs" "$tmp" || { log "the secrets scan found secrets where none may be (above)"; rc=1; }
fi
exit $rc
