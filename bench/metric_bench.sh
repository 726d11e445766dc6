#!/usr/bin/env bash
# The metric benchmark (issue 4): ComputePeriod for every unit and every
# registered metric over the 1,000,000-card demo, timed by bench/metric_bench
# (median of --runs runs, each one write transaction that replaces the
# period's rows). Target: ≤ 10 s on both engines.
#
# The SQLite database is a copy of the asset benchmark's demo
# (bench/out/asset-large-1.db, made by bench/asset_bench.sh or
# `minsheng demo --scale large --seed 1`), so migrating it to the metric
# tables leaves the original alone. Pass --db for PostgreSQL (a database
# loaded with `minsheng demo --db URL --scale large --seed 1`).
#
# Usage: bench/metric_bench.sh [--db URL] [--bin build/h-metric-rel/bench/metric_bench]
#                              [--period 2026Q3] [--runs 3]
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

db=""
bin=build/release/bench/metric_bench
period=2026Q3
runs=3
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift ;;
    --bin) bin=$2; shift ;;
    --period) period=$2; shift ;;
    --runs) runs=$2; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "metric_bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "metric_bench: $*" >&2; }
[ -x "$bin" ] || { log "$bin not built (configure with -DCMAKE_BUILD_TYPE=Release and build metric_bench)"; exit 1; }

if [ -z "$db" ]; then
  src=bench/out/asset-large-1.db
  [ -f "$src" ] || { log "$src missing: run bench/asset_bench.sh --only by-number once, or minsheng demo --scale large"; exit 1; }
  copy=bench/out/metric-large-1.db
  if [ ! -f "$copy" ] || [ "$src" -nt "$copy" ]; then
    log "copying $src to $copy"
    cp "$src" "$copy"
    rm -f "$copy-wal" "$copy-shm"
  fi
  db=sqlite:$(pwd)/$copy
fi
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
"$bin" --db "$db" --period "$period" --runs "$runs"
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
