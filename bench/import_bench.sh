#!/usr/bin/env bash
# Asset ledger import benchmark (issue 3): `minsheng import assets` of a large
# CSV with full validation, against the engines' own bulk loaders of the same
# file into a plain table in the same run — the sqlite3 shell's .import and
# psql's \copy — as the floor.
#
#   1. generates the CSV deterministically (--rows, --seed; the Chinese import
#      headers of docs/import-assets.md; valid categories, lives, dates,
#      values; a few hundred departments, staff and locations by name),
#   2. per engine and run: a fresh database with the demo county
#      (migrate + demo --scale small, not timed), then the timed import into
#      one unit (--org); then the floor loads the same file into a fresh plain
#      table of text columns,
#   3. prints rows/s (median of --runs) and our ratio to the floor.
#
# Usage: bench/import_bench.sh [--rows N] [--seed N] [--runs N] [--org CODE]
#          [--engines sqlite,postgres] [--pg URL] [--bin PATH] [--keep]
#          [--import-args "ARGS"]
#   --pg URL   a PostgreSQL server (its maintenance database, e.g. the URL that
#              scripts/pg-test-server.sh prints); each run creates and drops
#              its own database there.
#   --import-args  more arguments of `minsheng import assets`, e.g. "--bulk".
#   --schema-floor  also time the engine writing the cards our import wrote
#              (no parsing, no validation, no client) into a fresh demo
#              database in one transaction, the way a bulk import does:
#              secondary indexes (and on PostgreSQL the foreign keys) dropped,
#              the cards and their register events copied in, everything
#              built again, committed. Twice: without the text index
#              ("schema") and with it ("schema+text": SQLite's trigram
#              full-text table filled and merged — not assets_short, whose
#              tokenizer the stock shell lacks; PostgreSQL's trigram GIN
#              index). No import can beat these on this machine with this schema.
set -euo pipefail
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

rows=999000
seed=1
runs=3
org=WJ-WSS-01
engines=sqlite,postgres
pg=""
bin=build/release/minsheng
keep=0
import_args=""
schema_floor=0
command_line="bench/import_bench.sh $*"
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows=$2; shift ;;
    --seed) seed=$2; shift ;;
    --runs) runs=$2; shift ;;
    --org) org=$2; shift ;;
    --engines) engines=$2; shift ;;
    --pg) pg=$2; shift ;;
    --bin) bin=$2; shift ;;
    --keep) keep=1 ;;
    --import-args) import_args=$2; shift ;;
    --schema-floor) schema_floor=1 ;;
    -h|--help) sed -n '2,32p' "$0"; exit 0 ;;
    *) echo "import_bench: unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
log() { echo "import_bench: $*" >&2; }
[ -x "$bin" ] || { log "$bin not built"; exit 1; }
if [[ ",$engines," == *,postgres,* ]] && [ -z "$pg" ]; then
  log "--pg URL needed for PostgreSQL (bash scripts/pg-test-server.sh start DIR prints one)"; exit 1
fi

tmp=$(mktemp -d /tmp/minsheng-import-bench.XXXXXX)
pg_dbs=()
cleanup() {
  for d in "${pg_dbs[@]}"; do psql -X -q "$pg" -c "DROP DATABASE IF EXISTS $d" >/dev/null 2>&1 || true; done
  if [ "$keep" = 1 ]; then log "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ns() { date +%s%N; }
median() {
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2 }'
}
rate() { awk -v n="$rows" -v ns="$1" 'BEGIN {printf "%.0f", n / (ns / 1e9)}'; }

# ---------------------------------------------------------------- 1. the file
csv=$tmp/ledger.csv
log "generating $rows rows (seed $seed)"
node -e '
  const [file, rowsText, seedText] = process.argv.slice(1);
  const rows = Number(rowsText);
  let x = (Number(seedText) * 2654435761) % 4294967296 || 1;
  const next = () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x; };
  const pick = (a) => a[next() % a.length];
  const between = (lo, hi) => lo + (next() % (hi - lo + 1));
  // name, category (leaf of the shipped table), unit, price range (yuan), life (months; "" = not depreciated), makes
  const catalog = [
    ["台式计算机", "A02010105", "台", 3500, 7500, 72, ["联想 启天M437", "华为 擎云W515", "同方 超翔TL630"]],
    ["便携式计算机", "A02010108", "台", 4500, 9500, 72, ["联想 昭阳K4e", "惠普 ProBook 440 G9"]],
    ["激光打印机", "A02021003", "台", 900, 2600, 72, ["惠普 LaserJet Pro M203dn", "奔图 P3301DN"]],
    ["多功能一体机", "A02020400", "台", 2500, 9000, 72, ["佳能 iR 2206N", "理光 MP 2014AD"]],
    ["投影仪", "A02020200", "台", 3000, 12000, 72, ["爱普生 CB-X50", "明基 E580"]],
    ["交互式电子白板", "A02020700", "块", 8000, 25000, 72, ["希沃 S15", "鸿合 HD-I8679E"]],
    ["空调机", "A02061804", "台", 2800, 9000, 60, ["格力 KFR-35GW", "美的 KFR-51LW"]],
    ["办公桌", "A05010201", "张", 800, 2600, 180, [""]],
    ["办公椅", "A05010301", "把", 300, 1200, 180, [""]],
    ["文件柜", "A05010502", "组", 600, 1800, 180, [""]],
    ["学生课桌", "A05010203", "张", 180, 450, 180, [""]],
    ["学生椅", "A05010304", "把", 80, 220, 180, [""]],
    ["监控摄像机", "A02091102", "套", 1500, 30000, 60, ["海康威视 DS-2CD3T46", "大华 DH-IPC-HFW2433"]],
    ["交换机", "A02010202", "台", 800, 15000, 72, ["华为 S5735-L24T4S", "H3C S5130S-28S"]],
    ["服务器", "A02010104", "台", 25000, 120000, 72, ["浪潮 NF5280M6", "华为 FusionServer 2288H V5"]],
    ["电子琴", "A02450100", "台", 1200, 3000, 60, ["雅马哈 PSR-E373"]],
    ["篮球架", "A02460200", "副", 3000, 12000, 60, ["泰山体育 "]],
    ["生物显微镜", "A02100300", "台", 600, 1800, 60, ["奥特 BH200"]],
    ["心电图机", "A02320201", "台", 8000, 60000, 72, ["光电 ECG-2350", "理邦 SE-1201"]],
    ["多参数监护仪", "A02320202", "台", 15000, 80000, 72, ["迈瑞 ePM 10"]],
    ["病床", "A05010103", "张", 800, 2500, 180, [""]],
    ["轮椅", "A02329900", "台", 500, 3000, 60, ["鱼跃 H062"]],
    ["离心泵", "A02051001", "台", 8000, 160000, 144, ["格兰富 NBG", "凯泉 KQSN"]],
    ["闸阀", "A02051400", "台", 800, 30000, 120, ["上海冠龙 DN300"]],
    ["电磁流量计", "A02100103", "台", 5000, 30000, 60, ["E+H Promag 10W"]],
    ["图书", "A04010100", "册", 18, 60, "", [""]],
    ["饮水机", "A02061899", "台", 300, 1500, 60, ["美的 "]],
    ["电视机", "A02091001", "台", 2000, 8000, 60, ["海信 65E3F", "创维 65A3"]],
    ["碎纸机", "A02021301", "台", 400, 1800, 72, ["科密 3803"]],
    ["不间断电源（UPS）", "A02061504", "台", 1500, 12000, 60, ["山特 C3K"]],
  ];
  const depts = ["办公室", "总务处", "教务处", "信息中心", "财务室", "后勤保障科", "护理部", "检验科", "制水车间", "图书室"];
  const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹".split("");
  const given = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬".split("");
  const staff = [];
  for (let i = 0; staff.length < 300; i++) {
    const n = pick(surnames) + pick(given) + (next() % 3 ? pick(given) : "");
    if (!staff.includes(n)) staff.push(n);
  }
  const places = [];
  for (const b of ["教学楼", "综合楼", "实验楼", "行政楼", "门诊楼"])
    for (let f = 1; f <= 5; f++) for (let r = 1; r <= 16; r++) places.push(`${b}/${f}层/${f * 100 + r}`);
  const day0 = Date.UTC(2016, 10, 1) / 86400000, span = 3650;
  const date = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
  const chars = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
  const fs = require("fs");
  const out = fs.openSync(file, "w");
  let buf = "资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,入账日期,原值（元）,数量,计量单位,使用部门,使用人,存放地点,品牌,型号,序列号,使用年限（月）\n";
  for (let i = 0; i < rows; i++) {
    const [name, code, unit, lo, hi, life, makes] = pick(catalog);
    const qty = unit === "册" ? between(10, 500) : unit === "张" || unit === "把" ? between(1, 40) : 1;
    const value = (between(lo, hi) * qty).toFixed(2);
    const acquired = day0 + (next() % span);
    const booked = Math.min(acquired + (next() % 16), day0 + span);
    const method = next() % 20 === 0 ? "调剂/调拨" : next() % 25 === 0 ? "捐赠" : "购置";
    const funding = method === "捐赠" || next() % 7 === 0 ? "非财政" : "财政拨款";
    const make = pick(makes), space = make.indexOf(" ");
    const brand = space < 0 ? make : make.slice(0, space), model = space < 0 ? "" : make.slice(space + 1);
    let serial = "";
    if (brand) for (let k = 0; k < 12; k++) serial += chars[next() % chars.length];
    buf += [name, code, "1601", method, funding, date(acquired), date(booked), value, qty, unit, pick(depts),
            next() % 10 ? pick(staff) : "", pick(places), brand, model, serial, life].join(",") + "\n";
    if (buf.length > 1 << 20) { fs.writeSync(out, buf); buf = ""; }
  }
  fs.writeSync(out, buf);
  fs.closeSync(out);
' "$csv" "$rows" "$seed"
log "$(du -h "$csv" | cut -f1) in $csv ($(sha256sum "$csv" | cut -c1-16)…)"

# ---------------------------------------------------------------- 2. runs
declare -A rates
record() { rates[$1]+=" $2"; log "  $1: $(rate "$2") rows/s ($(awk -v ns="$2" 'BEGIN {printf "%.2f", ns / 1e9}') s)"; }

prepare() {  # prepare URL: a database with the demo county (not timed)
  "$bin" migrate --db "$1" >>"$tmp/prepare.log" 2>&1
  "$bin" demo --db "$1" --scale small --seed 1 >>"$tmp/prepare.log" 2>&1
}

ours() {  # ours NAME URL: one timed import
  local t0 t1
  t0=$(now_ns)
  # shellcheck disable=SC2086  # --import-args is split into words on purpose
  if ! "$bin" import assets "$csv" --org "$org" --db "$2" --report "$tmp/report-$1.csv" $import_args \
      >"$tmp/import-$1.log" 2>&1; then
    log "import failed ($2):"; tail -n 5 "$tmp/import-$1.log" | tr '\r' '\n' | tail -n 5 >&2
    [ -s "$tmp/report-$1.csv" ] && head -n 5 "$tmp/report-$1.csv" >&2
    exit 1
  fi
  t1=$(now_ns)
  record "$1" $((t1 - t0))
}

# The schema floors (--schema-floor). sqlite_floor TEXT SOURCE.db: the cards
# (and their events) of SOURCE.db past the demo's into a fresh demo database.
sqlite_floor() {
  local db=$tmp/schema.db text=$1 src=$2 max drops creates fills=""
  rm -f "$db" "$db"-*
  prepare "sqlite:$db"
  max=$(sqlite3 "$db" "SELECT MAX(id) FROM assets")
  drops=$(sqlite3 "$db" "SELECT 'DROP INDEX ' || name || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assets' AND sql LIKE 'CREATE INDEX %' AND name <> 'assets_org_number'")
  creates=$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'index' AND tbl_name = 'assets' AND sql LIKE 'CREATE INDEX %' AND name <> 'assets_org_number'")
  # The full-text insert triggers would fill per row: off during the copy, as in our import.
  drops+=$'\n'$(sqlite3 "$db" "SELECT 'DROP TRIGGER ' || name || ';' FROM sqlite_master WHERE type = 'trigger' AND name IN ('assets_fts_insert', 'assets_short_insert')")
  creates+=$'\n'$(sqlite3 "$db" "SELECT sql || ';' FROM sqlite_master WHERE type = 'trigger' AND name IN ('assets_fts_insert', 'assets_short_insert')")
  if [ "$text" = 1 ]; then
    # assets_fts only: assets_short's tokenizer lives in our binary, not in the stock shell
    # (so this floor does less than an import does).
    for t in assets_fts; do
      fills+="INSERT INTO $t ($t, rank) VALUES ('automerge', 0);
INSERT INTO $t (rowid, name, number, model, serial_no, brand) SELECT id, name, number, model, serial_no, brand FROM assets WHERE id > $max ORDER BY id;
INSERT INTO $t ($t) VALUES ('optimize');
INSERT INTO $t ($t, rank) VALUES ('automerge', 4);
"
    done
  fi
  local dirs="" t
  for t in unit_departments staff locations; do  # the directory entries the import added
    dirs+="INSERT INTO $t SELECT * FROM src.$t WHERE id > $(sqlite3 "$db" "SELECT COALESCE(MAX(id), 0) FROM $t");"$'\n'
  done
  t0=$(now_ns)
  sqlite3 -bail "$db" >"$tmp/schema-floor.log" 2>&1 <<SQL
PRAGMA foreign_keys = ON;
PRAGMA cache_size = -524288;
ATTACH '$src' AS src;
BEGIN;
$dirs
$drops
INSERT INTO assets SELECT * FROM src.assets WHERE id > $max ORDER BY id;
INSERT INTO asset_events SELECT * FROM src.asset_events WHERE asset_id > $max ORDER BY id;
$creates
$fills
COMMIT;
SQL
  record "sqlite-schema$([ "$text" = 1 ] && echo +text)" $(($(now_ns) - t0))
  rm -f "$db" "$db"-*
}

# pg_floor TEXT SOURCE-URL: the same on PostgreSQL, through psql's \copy of
# the rows (exported from SOURCE-URL beforehand, not timed).
pg_floor() {
  local text=$1 src=$2 name url max drops creates keys
  name=ms_import_floor_$$
  psql -X -q "$pg" -c "CREATE DATABASE $name" >/dev/null
  pg_dbs+=("$name")
  url=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$pg" "$name")
  prepare "$url"
  max=$(psql -X -At "$url" -c "SELECT MAX(id) FROM assets")
  local dirs="" t
  for t in unit_departments staff locations; do  # the directory entries the import added
    psql -X -q "$src" -c "\\copy (SELECT * FROM $t WHERE id > $(psql -X -At "$url" -c "SELECT COALESCE(MAX(id), 0) FROM $t") ORDER BY id) TO '$tmp/$t.copy'"
    dirs+="\\copy $t FROM '$tmp/$t.copy'"$'\n'
  done
  psql -X -q "$src" -c "\\copy (SELECT * FROM assets WHERE id > $max ORDER BY id) TO '$tmp/assets.copy'"
  psql -X -q "$src" -c "\\copy (SELECT * FROM asset_events WHERE asset_id > $max ORDER BY id) TO '$tmp/events.copy'"
  local gin="c.relname <> 'assets_search_trgm'"
  [ "$text" = 1 ] && gin="true"
  drops=$(psql -X -At "$url" -c "SELECT 'DROP INDEX ' || c.relname || ';' FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'assets'::regclass AND NOT i.indisunique AND NOT i.indisprimary AND c.relname <> 'assets_org_number' AND $gin")
  creates=$(psql -X -At "$url" -c "SELECT pg_get_indexdef(i.indexrelid) || ';' FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'assets'::regclass AND NOT i.indisunique AND NOT i.indisprimary AND c.relname <> 'assets_org_number' AND $gin")
  keys=$(psql -X -At "$url" -c "SELECT conrelid::regclass::text || '|' || conname || '|' || pg_get_constraintdef(oid) FROM pg_constraint WHERE contype = 'f' AND (conrelid = 'assets'::regclass OR (conrelid = 'asset_events'::regclass AND confrelid = 'assets'::regclass))")
  local drop_keys="" add_keys=""
  while IFS='|' read -r table key def; do
    [ -n "$table" ] || continue
    drop_keys+="ALTER TABLE $table DROP CONSTRAINT $key;"$'\n'
    add_keys+="ALTER TABLE $table ADD CONSTRAINT $key $def;"$'\n'
  done <<<"$keys"
  if [ "$text" != 1 ]; then  # the GIN index stays, empty of the new rows: drop it for good (not timed)
    psql -X -q "$url" -c "DROP INDEX assets_search_trgm"
  fi
  t0=$(now_ns)
  psql -X -q -v ON_ERROR_STOP=1 "$url" >"$tmp/schema-floor.log" 2>&1 <<SQL
BEGIN;
SET LOCAL maintenance_work_mem = '256MB';
$dirs
$drops
$drop_keys
\copy assets FROM '$tmp/assets.copy'
\copy asset_events FROM '$tmp/events.copy'
$creates
$add_keys
COMMIT;
SQL
  record "postgres-schema$([ "$text" = 1 ] && echo +text)" $(($(now_ns) - t0))
  psql -X -q "$pg" -c "DROP DATABASE $name" >/dev/null
  rm -f "$tmp"/*.copy
}

columns=$(head -n 1 "$csv" | tr ',' '\n' | awk '{printf "%sc%d text", (NR > 1 ? ", " : ""), NR}')
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
IFS=, read -r -a wanted <<<"$engines"
for engine in "${wanted[@]}"; do
  for r in $(seq "$runs"); do
    log "$engine run $r (load average $(cut -d' ' -f1-3 /proc/loadavg))"
    if [ "$engine" = sqlite ]; then
      db=$tmp/run-$r.db
      rm -f "$db" "$db"-*
      prepare "sqlite:$db"
      ours sqlite "sqlite:$db"
      if [ "$schema_floor" = 1 ]; then
        sqlite_floor 0 "$db"
        sqlite_floor 1 "$db"
      fi
      rm -f "$db" "$db"-* "$tmp/floor.db"
      t0=$(now_ns)
      sqlite3 "$tmp/floor.db" ".import --csv $csv ledger"
      record sqlite-floor $(($(now_ns) - t0))
      rm -f "$tmp/floor.db"
    else
      name=ms_import_bench_$$_$r
      psql -X -q "$pg" -c "CREATE DATABASE $name" >/dev/null
      pg_dbs+=("$name")
      url=$(node -e 'const u = new URL(process.argv[1]); u.pathname = "/" + process.argv[2]; console.log(u.toString())' "$pg" "$name")
      prepare "$url"
      ours postgres "$url"
      if [ "$schema_floor" = 1 ]; then
        pg_floor 0 "$url"
        pg_floor 1 "$url"
      fi
      psql -X -q "$url" -c "CREATE TABLE ledger ($columns)" >/dev/null
      t0=$(now_ns)
      psql -X -q "$url" -c "\\copy ledger FROM '$csv' WITH (FORMAT csv, HEADER true)" >/dev/null
      record postgres-floor $(($(now_ns) - t0))
      psql -X -q "$pg" -c "DROP DATABASE $name" >/dev/null
    fi
  done
done

# ---------------------------------------------------------------- 3. report
echo "Command: \`$command_line\`"
echo
echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (src/ modified)'),"\
     "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, load average before the runs $load_before, after $(cut -d' ' -f1-3 /proc/loadavg);"\
     "$rows rows ($(du -h "$csv" | cut -f1)), median of $runs runs, wall clock of the whole command."
echo
echo "| engine | minsheng import rows/s | floor | floor rows/s | ratio |"
echo "|---|---:|---|---:|---:|"
for engine in "${wanted[@]}"; do
  # shellcheck disable=SC2086  # space-separated numbers
  ours_ns=$(median ${rates[$engine]})
  # shellcheck disable=SC2086
  floor_ns=$(median ${rates[$engine-floor]})
  floor_name=$([ "$engine" = sqlite ] && echo "sqlite3 .import" || echo "psql \\copy")
  printf '| %s | %s | %s | %s | %.2f |\n' "$engine" "$(rate "$ours_ns")" "$floor_name" "$(rate "$floor_ns")" \
    "$(awk -v a="$floor_ns" -v b="$ours_ns" 'BEGIN {print a / b}')"
done
if [ "$schema_floor" = 1 ]; then
  echo
  echo "Schema floors (the engine writing the same cards and events, indexes and keys built again, nothing parsed or validated):"
  echo
  echo "| engine | schema rows/s | schema + text index rows/s | minsheng import / schema + text |"
  echo "|---|---:|---:|---:|"
  for engine in "${wanted[@]}"; do
    # shellcheck disable=SC2086
    plain_ns=$(median ${rates[$engine-schema]})
    # shellcheck disable=SC2086
    text_ns=$(median ${rates[$engine-schema+text]})
    # shellcheck disable=SC2086
    ours_ns=$(median ${rates[$engine]})
    printf '| %s | %s | %s | %.2f |\n' "$engine" "$(rate "$plain_ns")" "$(rate "$text_ns")" \
      "$(awk -v a="$text_ns" -v b="$ours_ns" 'BEGIN {print a / b}')"
  done
fi
