#!/usr/bin/env bash
# The long soak of issue 9 (RELIABILITY.md): many orders through random payment operations
# by two tills on one database, with random faults from the simulator and a flaky network.
#
#   bash tests/soak/soak.sh [--orders N] [--shop M] [--parallel P] [--seed S]
#
# Defaults: 10,000 orders, in shops of 250 (each its own simulator, network and database,
# since every reconcile re-reads all of a shop's orders in flight), 4 shops at a time, a
# random seed.
#
# It builds and runs the soak test of paydesk-core in release mode and prints its JSON summary.
# (CI runs the same test, shorter, inside `cargo test --workspace`.) Named soak.sh, not run.sh, so that it is not one of the
# suites .ci/test runs: at 10,000 orders it takes tens of minutes.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
orders=10000
shop=250
parallel=4
seed=""
while (($#)); do
  case "$1" in
    --orders) orders="$2"; shift 2 ;;
    --shop) shop="$2"; shift 2 ;;
    --parallel) parallel="$2"; shift 2 ;;
    --seed) seed="$2"; shift 2 ;;
    *) echo "usage: $0 [--orders N] [--shop M] [--parallel P] [--seed S]" >&2; exit 2 ;;
  esac
done
command -v cargo >/dev/null || { echo "soak: cargo is needed (rustup.rs)" >&2; exit 1; }
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/paydesk-target}"
export PAYDESK_SOAK_ORDERS="$orders" PAYDESK_SOAK_WORLD="$shop" PAYDESK_SOAK_PARALLEL="$parallel"
[[ -n "$seed" ]] && export PAYDESK_SOAK_SEED="$seed"
cd "$repo"
exec cargo test --locked --release -p paydesk-core --test soak -- --nocapture
