#!/usr/bin/env bash
# Benchmarks (NOT tests: they print figures and assert none; .ci/test does not run them).
#
#   bash tests/bench/run.sh app [--launches N] [--sales N]
#
# app: the real window under Xvfb, in demo mode (the built-in stand-in), through the end-to-end
#   harness (tests/e2e/run.sh: Xvfb, private D-Bus, gnome-keyring, tauri-driver, WebKitWebDriver)
#   and tests/bench/app.mjs: launch to the order screen ready for input (10 launches, each a new
#   process), Charge to the Payment Element ready and Pay to the receipt (over 100 sales), the PSS
#   of the app and its WebKit processes at launch and after 20, 50 and 100 sales, and the size of
#   the binary. It measures the app as shipped: the UI built here, and the app built with the
#   shipped features (the `dist` profile once Cargo.toml has one, else `release`); set
#   PAYDESK_BIN to measure another build instead.
#
# stdout is one JSON object per line, and nothing else; builds and progress go to stderr.
# BENCHMARKS.md keeps the latest figures and says how to read them.
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/setup.sh"

usage() { die "usage: bash tests/bench/run.sh app [options] (see the script's header)"; }
[ $# -ge 1 ] || usage
what="$1"
shift

build_shipped_app() {
  local profile=release
  grep -q '^\[profile\.dist\]' "$REPO/Cargo.toml" && profile=dist
  say "building the app as shipped (profile $profile, features custom-protocol)"
  (cd "$REPO" && cargo build --locked --profile "$profile" -p paydesk --features custom-protocol) || die "the app did not build"
  PAYDESK_BIN="$CARGO_TARGET_DIR/$profile/paydesk"
  export PAYDESK_BIN
}

case "$what" in
  app)
    {
      install_apt_packages
      check_rust
      check_node
      if [ -n "${PAYDESK_BIN:-}" ]; then
        say "measuring PAYDESK_BIN=$PAYDESK_BIN (not built here)"
      else
        # The app embeds ui/dist when it is compiled.
        install_ui_dependencies
        build_ui
        build_shipped_app
      fi
    } >&2
    figures="$(mktemp "${TMPDIR:-/tmp}/paydesk-bench-app.XXXXXX")"
    trap 'rm -f "$figures"' EXIT
    set +e
    PAYDESK_BENCH_FIGURES="$figures" PAYDESK_E2E_SCRIPT="$REPO/tests/bench/app.mjs" bash "$REPO/tests/e2e/run.sh" "$@" >&2
    rc=$?
    set -e
    cat "$figures"
    [ $rc -eq 0 ] || die "the app benchmark failed (rc $rc); the figures above are those measured before it stopped"
    ;;
  *) usage ;;
esac
