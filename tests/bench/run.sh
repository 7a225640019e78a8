#!/usr/bin/env bash
# Benchmarks (NOT tests: they print figures and assert none; .ci/test does not run them).
#
#   bash tests/bench/run.sh store [--orders N] [--seed S] [--iterations K]
#   bash tests/bench/run.sh charge [--orders N]
#   bash tests/bench/run.sh reconcile [--orders N] [--limit R]...
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
#
# stdout is one JSON object per line, and nothing else; builds and progress go to stderr.
# BENCHMARKS.md keeps the latest figures and says how to read them.
source "$(dirname "${BASH_SOURCE[0]}")/../../.ci/setup.sh"

usage() { die "usage: bash tests/bench/run.sh store|charge|reconcile [options] (see the script's header)"; }
[ $# -ge 1 ] || usage
what="$1"
shift

build_examples() {
  say "building the benchmarks (release)"
  (cd "$REPO" && cargo build --locked --release -p paydesk-core --example bench_store --example bench_payments) \
    || die "the benchmarks did not build"
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
  *) usage ;;
esac
