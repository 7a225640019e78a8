#!/usr/bin/env bash
# Benchmarks (NOT tests: they print figures and assert none; .ci/test does not run them).
#
#   bash tests/bench/run.sh store [--orders N] [--seed S] [--iterations K]
#   bash tests/bench/run.sh charge [--orders N]
#   bash tests/bench/run.sh reconcile [--orders N] [--limit R]...
#   bash tests/bench/run.sh app [--launches N] [--sales N]
#
# store: seeds a database of N orders (default 1,000,000) through the store's own write path
#   (paydesk-core/examples/bench_store.rs), cached under ~/.cache/paydesk-bench/ by N, seed,
#   schema version and seeder version, then times the history, lookup, report and export
#   queries, a whole `paydesk order show` process (the release app binary, built here as CI
#   builds it), disk per order and sustained new orders. Seeding 1M takes several minutes;
#   later runs reuse the cache (an earlier schema's cached file is upgraded by opening it).
# charge: start-payment plus settle against the in-process Stripe simulator (examples/
#   bench_payments.rs): the core's own time and the round trip.
# reconcile: N open orders (default 10,000) reconciled with the simulator's rate limit at
#   25 and at 100 requests/s (or each --limit given): achieved rate and failed orders.
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

usage() { die "usage: bash tests/bench/run.sh store|charge|reconcile|app [options] (see the script's header)"; }
[ $# -ge 1 ] || usage
what="$1"
shift

build_examples() {
  say "building the benchmarks (release)"
  (cd "$REPO" && cargo build --locked --release -p paydesk-core --example bench_store --example bench_payments) \
    || die "the benchmarks did not build"
}

build_shipped_app() {
  local profile=release
  grep -q '^\[profile\.dist\]' "$REPO/Cargo.toml" && profile=dist
  say "building the app as shipped (profile $profile, features custom-protocol)"
  (cd "$REPO" && cargo build --locked --profile "$profile" -p paydesk-app --features custom-protocol) || die "the app did not build"
  PAYDESK_BIN="$CARGO_TARGET_DIR/$profile/paydesk"
  export PAYDESK_BIN
}

case "$what" in
  store)
    {
      install_apt_packages
      check_rust
      # The app embeds ui/dist when it is compiled.
      if [ ! -f "$REPO/ui/dist/index.html" ]; then
        check_node
        install_ui_dependencies
        build_ui
      fi
      build_release_app
      build_examples
    } >&2
    exec "$CARGO_TARGET_DIR/release/examples/bench_store" --paydesk "$CARGO_TARGET_DIR/release/paydesk" "$@"
    ;;
  charge | reconcile)
    {
      check_rust
      command -v cc >/dev/null || die "a C compiler is needed for SQLite (apt-get install build-essential)"
      build_examples
    } >&2
    exec "$CARGO_TARGET_DIR/release/examples/bench_payments" "$what" "$@"
    ;;
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
