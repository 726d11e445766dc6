#!/usr/bin/env bash
# The asset register's HTTP benchmarks (issue 3) on a demo database, through
# bench/http_bench.sh (same server start, login, wrk runs and same-run nginx
# baseline):
#
#   by-number   GET /api/v1/assets/{number}, cycling over 20,000 numbers spread
#               over every unit (not one hot row)
#   unit-page   one unit's in-use assets, a page of 50 sorted by name or newest
#               first, cycling over every unit
#   stats       GET /api/v1/stats/assets?group_by=… over the county and each
#               department (rollups only)
#   search3     free text of 3+ characters (the trigram index), varied terms
#   search2     free text of 1–2 characters (a LIKE filter), varied terms
#
# The database is prepared once (minsheng demo --scale S --seed N, timed) and
# reused on later runs; pass --db to use another (e.g. PostgreSQL). Logged in
# as the county finance user (scope: the whole county). Prints the machine's
# load average before and after; http_bench.sh writes the report.
#
# Usage: bench/asset_bench.sh [--scale large] [--seed 1] [--db URL] [--bin PATH]
#                             [--only by-number,stats,…] [http_bench.sh options…]
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

scale=large
seed=1
db=""
bin=build/release/minsheng
only="by-number,unit-page,stats,search3,search2"
pass=()
while [ $# -gt 0 ]; do
  case "$1" in
    --scale) scale=$2; shift ;;
    --seed) seed=$2; shift ;;
    --db) db=$2; shift ;;
    --bin) bin=$2; pass+=(--bin "$2"); shift ;;
    --only) only=$2; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) pass+=("$1") ;;
  esac
  shift
done
log() { echo "asset_bench: $*" >&2; }
[ -x "$bin" ] || { log "$bin not built (cmake --preset release && cmake --build --preset release -j2)"; exit 1; }

# ---------------------------------------------------------------- database
if [ -z "$db" ]; then
  mkdir -p bench/out
  file=$(pwd)/bench/out/asset-$scale-$seed.db
  db=sqlite:$file
fi
engine=sqlite
[[ "$db" == postgres* ]] && engine=postgres

query() {  # query SQL: one value per line
  if [ "$engine" = sqlite ]; then
    sqlite3 -batch -noheader "${db#sqlite:}" "$1"
  else
    psql -X -q -A -t "$db" -c "$1"
  fi
}

have=0
if [ "$engine" = postgres ] || [ -f "${db#sqlite:}" ]; then
  have=$(query "SELECT COUNT(*) FROM assets" 2>/dev/null || echo 0)
fi
if [ "$have" = 0 ]; then
  log "preparing $db: minsheng demo --scale $scale --seed $seed (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  t0=$(date +%s%N)
  "$bin" migrate --db "$db" >/dev/null
  "$bin" demo --db "$db" --scale "$scale" --seed "$seed"
  log "demo loaded in $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  have=$(query "SELECT COUNT(*) FROM assets")
fi
log "$db: $have assets"

# ---------------------------------------------------------------- path lists
lists=$(mktemp -d /tmp/minsheng-asset-bench.XXXXXX)
trap 'rm -rf "$lists"' EXIT
step=$(( have / 20000 > 0 ? have / 20000 : 1 ))
query "SELECT '/api/v1/assets/' || number FROM assets WHERE id % $step = 0 ORDER BY id" >"$lists/by-number.txt"
units=$(query "SELECT id FROM orgs WHERE level = 'unit' AND id IN (SELECT org_id FROM asset_rollups) ORDER BY id")
for o in $units; do
  echo "/api/v1/assets?org=$o&state=in_use&sort=name&limit=50"
  echo "/api/v1/assets?org=$o&state=in_use&sort=acquired_on&order=desc&limit=50"
done >"$lists/unit-page.txt"
depts=$(query "SELECT id FROM orgs WHERE level = 'department' ORDER BY id")
{
  for g in category state org org,state category,state org,category; do
    echo "/api/v1/stats/assets?group_by=$g"
    for d in $depts; do echo "/api/v1/stats/assets?group_by=$g&org=$d"; done
  done
} >"$lists/stats.txt"
# Terms people type: names, brands, models, number fragments; common and rare.
node -e '
  const [dir, year] = process.argv.slice(1);
  // (bench/search3-terms.txt, shared with bench/search_words.sh; YEAR is this year.)
  const long = require("fs").readFileSync("bench/search3-terms.txt", "utf8").split("\n").filter((t) => t)
    .map((t) => t.replaceAll("YEAR", year));
  // (Until session 4 希沃 and 迈瑞 stood in the list above, though they are two characters.)
  const short = ["空调", "联想", "图书", "病床", "钢琴", "彩超", "水表", "古籍", "电脑", "阀", "桌", "HP", "DR", "希沃", "迈瑞"];
  const fs = require("fs");
  const line = (t) => "/api/v1/assets?q=" + encodeURIComponent(t) + "&limit=50";
  fs.writeFileSync(dir + "/search3.txt", long.map(line).join("\n") + "\n");
  fs.writeFileSync(dir + "/search2.txt", short.map(line).join("\n") + "\n");
' "$lists" "$(date +%Y)"

endpoints=()
IFS=, read -r -a wanted <<<"$only"
for w in "${wanted[@]}"; do
  [ -s "$lists/$w.txt" ] || { log "unknown benchmark $w"; exit 2; }
  endpoints+=(--endpoint "GET @$lists/$w.txt")
done

# ---------------------------------------------------------------- run
log "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
bench/http_bench.sh --db "$db" --scale "$scale" --seed "$seed" --user finance "${endpoints[@]}" "${pass[@]}"
log "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
