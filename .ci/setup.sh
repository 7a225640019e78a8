# Sourced by .ci/app and .ci/test: installs what Paydesk needs on Debian/Ubuntu, or stops
# with a message saying what is missing. Safe to run again: it installs only what is absent.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# Outside the clone, so a fresh clone (CI) reuses the last build on the same machine.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paydesk-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Plain logs: CI reads the test runners' closing lines.
export NO_COLOR="${NO_COLOR:-1}"

MIN_RUST="1.89"
MIN_NODE="20.19"

APT_PACKAGES=(
  build-essential curl wget file pkg-config libssl-dev
  libwebkit2gtk-4.1-dev libxdo-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb webkit2gtk-driver dbus-x11 gnome-keyring libsecret-tools keyutils imagemagick xdotool
)

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else die "installing system packages needs root or sudo: $*"; fi
}

version_at_least() { # version_at_least HAVE WANT
  [ "$(printf '%s\n%s\n' "$2" "$1" | sort -V | head -n1)" = "$2" ]
}

install_apt_packages() {
  command -v dpkg-query >/dev/null || die "this setup is for Debian or Ubuntu (apt and dpkg not found)"
  local missing=()
  for package in "${APT_PACKAGES[@]}" "$@"; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing system packages: ${missing[*]}"
    as_root apt-get update -q || die "apt-get update failed"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=900 "${missing[@]}" \
      || die "apt-get install failed for: ${missing[*]}"
  fi
}

check_rust() {
  if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then export PATH="$HOME/.cargo/bin:$PATH"; fi
  command -v cargo >/dev/null || die "Rust is not installed. Install it with rustup (https://rustup.rs): Rust $MIN_RUST or newer is needed."
  local have
  have="$(rustc --version | awk '{print $2}')"
  version_at_least "$have" "$MIN_RUST" || die "Rust $have is too old: Paydesk needs $MIN_RUST or newer (rustup update)."
}

check_node() {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    say "installing Node.js and npm"
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=900 nodejs npm \
      || die "cannot install Node.js and npm with apt"
  fi
  local have
  have="$(node --version | tr -d v)"
  version_at_least "$have" "$MIN_NODE" || die "Node.js $have is too old: the UI build (Vite 8) needs $MIN_NODE or newer."
}

install_ui_dependencies() {
  say "installing the UI's npm packages"
  (cd "$REPO/ui" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in ui/"
}

build_ui() {
  say "building the UI"
  (cd "$REPO/ui" && npm run build --silent) || die "the UI build failed"
}

# The app as shipped; `build_release_app test` adds the test-endpoints feature, with which
# configured keys may reach a loopback simulator (PAYDESK_STRIPE_API_BASE): the end-to-end
# tests enter keys in Settings against one. A shipped build never has it.
build_release_app() {
  local features="custom-protocol"
  [ "${1:-}" = test ] && features="custom-protocol,test-endpoints"
  say "building the release app ($features)"
  (cd "$REPO" && cargo build --locked --release -p paydesk-app --features "$features") || die "the release build failed"
  # A copy of its own, so that another build into the same profile (the package test's,
  # without test-endpoints) cannot change what the end-to-end tests run.
  local bin_dir="$CARGO_TARGET_DIR/app-${1:-shipped}"
  mkdir -p "$bin_dir"
  cp "$CARGO_TARGET_DIR/release/paydesk" "$CARGO_TARGET_DIR/release/paydesk-window" "$bin_dir/" || die "cannot copy the app to $bin_dir"
  PAYDESK_BIN="$bin_dir/paydesk"
  export PAYDESK_BIN
}
