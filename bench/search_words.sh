#!/usr/bin/env bash
# Free text one query at a time: each term of bench/search3-terms.txt asked
# of each server binary in turn (GET /api/v1/assets?q=…&limit=50, the county
# finance user, newest first), one warm-up and then --runs timed requests
# each; prints the median wall time per term and binary (ms) and the sums.
# Where bench/asset_bench.sh measures a server under 64 connections, this
# shows which words cost what.
#
# --settle S waits S seconds after the servers are up (PostgreSQL: the
# in-memory text index loads on a thread of its own, ~10 s at 1M cards).
#
# Usage: bench/search_words.sh --db URL --bin PATH [--bin PATH …] [--runs 3] [--settle 0]
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

db=""
bins=()
runs=3
settle=0
while [ $# -gt 0 ]; do
  case "$1" in
    --db) db=$2; shift ;;
    --bin) bins+=("$2"); shift ;;
    --runs) runs=$2; shift ;;
    --settle) settle=$2; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "search_words: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
[ -n "$db" ] && [ ${#bins[@]} -gt 0 ] || { sed -n '2,12p' "$0"; exit 2; }

tmp=$(mktemp -d /tmp/minsheng-search-words.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

year=$(date +%Y)
mapfile -t terms < <(sed "s/YEAR/$year/g" bench/search3-terms.txt)
ports=()
for i in "${!bins[@]}"; do
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  "${bins[$i]}" serve --db "$db" --listen "127.0.0.1:$port" --access-log '' >"$tmp/server-$i.log" 2>&1 &
  pids+=($!)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/api/v1/health" && break; sleep 0.2; done
  curl -sS -c "$tmp/cookies-$i" -o /dev/null -H 'Content-Type: application/json' \
    -d '{"username":"finance","password":"Minsheng@2026"}' "http://127.0.0.1:$port/api/v1/auth/login"
  ports+=("$port")
done
sleep "$settle"

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
header="| term |"
rule="|---|"
for b in "${bins[@]}"; do header+=" $(basename "$b") ms |"; rule+="---:|"; done
echo "$header total |"
echo "$rule---:|"
declare -a sums
for t in "${terms[@]}"; do
  q=$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$t")
  row="| $t |"
  total=""
  for i in "${!bins[@]}"; do
    url="http://127.0.0.1:${ports[$i]}/api/v1/assets?q=$q&limit=50"
    curl -sS -b "$tmp/cookies-$i" -o "$tmp/body" "$url"
    times=()
    for _ in $(seq "$runs"); do
      times+=("$(curl -sS -b "$tmp/cookies-$i" -o "$tmp/body" -w '%{time_total}' "$url")")
    done
    ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)] * 1000}')
    sums[i]=$(awk -v a="${sums[i]:-0}" -v b="$ms" 'BEGIN {printf "%.1f", a + b}')
    row+=" $ms |"
    total=$(node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      process.stdout.write(j.error ? "error " + j.error.code : String(j.total) + (j.total_capped ? "+" : ""))' "$tmp/body")
  done
  echo "$row $total |"
done
row="| sum |"
for i in "${!bins[@]}"; do row+=" ${sums[i]} |"; done
echo "$row |"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
