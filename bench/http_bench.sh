#!/usr/bin/env bash
# HTTP benchmark of the minsheng server against an nginx baseline, in one run.
#
#   1. prepares a database (migrate + demo) in a temp dir,
#   2. measures start-to-ready (spawn → first 200 from /api/v1/health; median of
#      --starts starts) and idle RSS (VmRSS once ready and idle),
#   3. logs in as a demo user and fetches each endpoint once (it must answer 2xx),
#   4. starts nginx (bench/nginx.conf.in) serving a static file of each
#      endpoint's response body,
#   5. runs wrk --runs times per endpoint against minsheng and nginx in turn
#      (median req/s, p50, p99; ratio = minsheng / nginx),
#   6. prints a Markdown table (paste into bench/RESULTS.md); --check exits 1
#      when a target is missed.
#
# Every process it starts is stopped on exit, however it exits.
# Usage: bench/http_bench.sh [--help] [options]   (make bench ARGS="...")
set -euo pipefail
# A failing wrk or curl inside $(…) must stop the run too, not yield blanks.
shopt -s inherit_errexit
cd "$(dirname "$0")/.."

usage() {
  cat <<'EOF'
Usage: bench/http_bench.sh [options]
  --bin PATH             minsheng binary (default build/release/minsheng)
  --db URL               database (default: a fresh SQLite file in the temp dir);
                         migrate + demo run on it either way (both idempotent)
  --scale S, --seed N    demo data size and seed (default small, 1)
  --user U, --password P demo login (default clerk / Minsheng@2026)
  --endpoint 'M PATH'    method and path to load; repeatable (default 'GET /api/v1/me')
  --endpoint 'M @FILE'   cycle over the paths listed in FILE (one per line), so the
                         load spreads over many rows instead of one hot row; the
                         first path is checked and its body sized for nginx
  --body JSON            request body sent with non-GET endpoints
  --threads N            wrk threads (default 2)
  --connections N        wrk connections (default 64)
  --duration D           wrk duration per run (default 10s)
  --runs N               wrk runs per target; the median is reported (default 3)
  --warmup D             one unmeasured wrk run per target first (default 2s; 0 = none)
  --timeout D            wrk's request timeout (default 2s); slower answers count as failed
  --starts N             server starts for the start-to-ready median (default 5)
  --nginx-workers N      nginx worker_processes (default 2)
  --no-nginx             skip the nginx baseline (no ratio)
  --check                exit 1 when a target is missed:
  --min-ratio R            minsheng/nginx req/s (default 0.5)
  --max-start-ms N         start-to-ready median (default 1000)
  --max-rss-mb N           idle RSS (default 50)
  --out DIR              results directory (default bench/out/<timestamp>)
  --keep                 keep the temp dir (database, logs) for inspection
EOF
}

bin=build/release/minsheng
db=""
scale=small
seed=1
user=clerk
password='Minsheng@2026'
endpoints=()
body=""
threads=2
connections=64
duration=10s
runs=3
warmup=2s
timeout=2s
starts=5
nginx_workers=2
with_nginx=1
check=0
min_ratio=0.5
max_start_ms=1000
max_rss_mb=50
out=""
keep=0
# The report repeats the exact command, quoted so it can be pasted back.
command_line="bench/http_bench.sh"
for arg in "$@"; do
  if [[ "$arg" =~ ^[A-Za-z0-9_./:=@%+-]+$ ]]; then command_line+=" $arg"; else command_line+=" '$arg'"; fi
done

while [ $# -gt 0 ]; do
  case "$1" in
    --bin) bin=$2; shift ;;
    --db) db=$2; shift ;;
    --scale) scale=$2; shift ;;
    --seed) seed=$2; shift ;;
    --user) user=$2; shift ;;
    --password) password=$2; shift ;;
    --endpoint) endpoints+=("$2"); shift ;;
    --body) body=$2; shift ;;
    --threads) threads=$2; shift ;;
    --connections) connections=$2; shift ;;
    --duration) duration=$2; shift ;;
    --runs) runs=$2; shift ;;
    --warmup) warmup=$2; shift ;;
    --timeout) timeout=$2; shift ;;
    --starts) starts=$2; shift ;;
    --nginx-workers) nginx_workers=$2; shift ;;
    --no-nginx) with_nginx=0 ;;
    --check) check=1 ;;
    --min-ratio) min_ratio=$2; shift ;;
    --max-start-ms) max_start_ms=$2; shift ;;
    --max-rss-mb) max_rss_mb=$2; shift ;;
    --out) out=$2; shift ;;
    --keep) keep=1 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "http_bench: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
  shift
done
[ ${#endpoints[@]} -gt 0 ] || endpoints=("GET /api/v1/me")

for tool in wrk curl node; do
  command -v "$tool" >/dev/null || { echo "http_bench: $tool missing (scripts/install-deps.sh)" >&2; exit 1; }
done
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
[ "$with_nginx" = 0 ] || [ -x "$nginx_bin" ] || { echo "http_bench: nginx missing (scripts/install-deps.sh)" >&2; exit 1; }
[ -x "$bin" ] || { echo "http_bench: $bin not built (make build)" >&2; exit 1; }
bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")

# ---------------------------------------------------------------- clean-up
tmp=$(mktemp -d /tmp/minsheng-bench.XXXXXX)
# nginx workers drop to 'nobody' when started by root: they must read the files.
chmod 755 "$tmp"
server_pid=""
nginx_pid=""
nginx_version=""

stop_pid() {  # stop_pid PID: TERM, up to 5 s grace, then KILL; always reaps.
  local pid=$1 i
  [ -n "$pid" ] || return 0
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}
cleanup() {
  stop_pid "${wrk_pid:-}"
  stop_pid "$server_pid"
  stop_pid "$nginx_pid"
  if [ "$keep" = 1 ]; then echo "http_bench: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------- helpers
log() { echo "http_bench: $*" >&2; }

free_port() {  # an unused loopback port, chosen by the kernel
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

now_ms() { echo $(($(date +%s%N) / 1000000)); }

median() {  # median of the numbers given as arguments
  printf '%s\n' "$@" | sort -g | awk '{v[NR]=$1} END {
    if (NR == 0) { print "nan"; exit }
    if (NR % 2) print v[(NR+1)/2]; else print (v[NR/2] + v[NR/2+1]) / 2 }'
}

# health_ok PORT: one GET /api/v1/health over bash's /dev/tcp, so polling costs
# no process spawn and the start-up measurement stays fine-grained.
health_ok() {
  local line=""
  { exec 3<>"/dev/tcp/127.0.0.1/$1"; } 2>/dev/null || return 1
  printf 'GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3 2>/dev/null || true
  IFS= read -r -t 2 line <&3 || true
  exec 3>&-
  [[ "$line" == "HTTP/1."?" 200"* ]]
}

serve_flags=()
# The access log would measure disk writes, not the server: switch it off.
if "$bin" serve --help 2>&1 | grep -q -- '--access-log'; then
  serve_flags=(--access-log '')
  serve_env=()
else
  serve_env=(MINSHENG_ACCESS_LOG=)
fi
mkdir -p "$tmp/www"
echo '<!doctype html><title>bench</title>' >"$tmp/www/index.html"

# start_server PORT: spawns the server in the background (pid in server_pid),
# waits for its first 200 and sets ready_ms to the time from spawn to ready.
# Not for $(…): the pid and the child must stay in this shell.
start_server() {
  local port=$1 t0 deadline
  t0=$(date +%s%N)
  env "${serve_env[@]}" "$bin" serve --db "$db" --listen "127.0.0.1:$port" \
    --web-root "$tmp/www" "${serve_flags[@]}" >>"$tmp/server.log" 2>&1 &
  server_pid=$!
  deadline=$(($(now_ms) + 30000))
  until health_ok "$port"; do
    if ! kill -0 "$server_pid" 2>/dev/null; then
      log "server exited during start-up; last lines of its log:"; tail -n 20 "$tmp/server.log" >&2; exit 1
    fi
    [ "$(now_ms)" -lt "$deadline" ] || { log "server not ready after 30 s"; tail -n 20 "$tmp/server.log" >&2; exit 1; }
    sleep 0.005
  done
  ready_ms=$((($(date +%s%N) - t0) / 1000000))
}

rss_mb() {  # resident set of PID in MB (VmRSS is in kB)
  awk '/^VmRSS:/ {printf "%.1f", $2 / 1024}' "/proc/$1/status"
}

# to_ms VALUE: wrk latency (e.g. 635.00us, 2.10ms, 1.02s) in milliseconds.
to_ms() {
  awk -v v="$1" 'BEGIN {
    n = v + 0; u = v; sub(/^[0-9.]+/, "", u)
    if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000
    printf "%.3f", n }'
}

# wrk_lua FILE METHOD BODY [PATHS]: the request wrk sends, with the session
# cookie and CSRF header (ignored by GET, required by cookie-authenticated
# writes). With PATHS (a file of paths), each request takes the next path;
# every wrk thread starts at its own place in the list.
wrk_lua() {
  node -e '
    const [file, method, body, cookie, csrf, paths] = process.argv.slice(1);
    const lines = [
      `wrk.method = ${JSON.stringify(method)}`,
      `wrk.headers["Cookie"] = ${JSON.stringify("ms_session=" + cookie)}`,
      `wrk.headers["X-CSRF-Token"] = ${JSON.stringify(csrf)}`,
    ];
    if (method !== "GET" && method !== "HEAD" && body !== "") {
      lines.push(`wrk.body = ${JSON.stringify(body)}`, `wrk.headers["Content-Type"] = "application/json"`);
    }
    if (paths) {
      lines.push(
        "local paths = {}",
        `for line in io.lines(${JSON.stringify(paths)}) do if #line > 0 then paths[#paths + 1] = line end end`,
        "local threads = 0",
        "function setup(thread) thread:set(\"offset\", threads); threads = threads + 1 end",
        "local i = 0",
        "function init(args) i = ((offset or 0) * 7919) % #paths end",
        "function request() i = i % #paths + 1; return wrk.format(nil, paths[i]) end",
      );
    }
    require("fs").writeFileSync(file, lines.join("\n") + "\n");
  ' "$1" "$2" "$3" "$cookie" "$csrf" "${4:-}"
}

# wrk in the background plus `wait`: a trapped INT/TERM interrupts `wait` at
# once, so clean-up does not have to sit out a 10 s run.
wrk_pid=""
wrk_bg() {
  wrk "$@" &
  wrk_pid=$!
  wait "$wrk_pid"
  wrk_pid=""
}

# wrk_run NAME URL LUA: one measured run, raw output kept in $out; appends
# req/s, p50, p99 (ms) and the non-2xx count to the lists named after NAME.
declare -A rps_of p50_of p99_of bad_of
wrk_run() {
  local name=$1 url=$2 lua=$3 file rps p50 p99 n timeouts
  file="$out/wrk-$name-$(( $(wc -w <<<"${rps_of[$name]:-}") + 1 )).txt"
  wrk_bg -t"$threads" -c"$connections" -d"$duration" --timeout "$timeout" --latency -s "$lua" "$url" >"$file"
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$file")
  p50=$(to_ms "$(awk '$1 == "50%" {print $2}' "$file")")
  p99=$(to_ms "$(awk '$1 == "99%" {print $2}' "$file")")
  n=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$file")
  # Requests wrk gave up on (no answer within its 2 s timeout) are not in the
  # latency figures at all: count them with the failures, or a server that
  # answers too slowly would read as 0 req/s and nothing else.
  timeouts=$(awk '/Socket errors:/ {print $NF}' "$file")
  # Not one answer in the whole run: every connection waited past its end.
  [ "$(awk '/ requests in / {print $1}' "$file")" != 0 ] || timeouts=$(( ${timeouts:-0} + connections ))
  rps_of[$name]+=" $rps"; p50_of[$name]+=" $p50"; p99_of[$name]+=" $p99"
  bad_of[$name]=$(( ${bad_of[$name]:-0} + ${n:-0} + ${timeouts:-0} ))
  log "  $name: $rps req/s, p50 $p50 ms, p99 $p99 ms${n:+, $n non-2xx}${timeouts:+, $timeouts timed out}"
}

# summary NAME: "req_s p50_ms p99_ms non2xx" — medians over the runs, non-2xx summed.
summary() {
  # shellcheck disable=SC2086  # the lists are space-separated numbers
  echo "$(median ${rps_of[$1]}) $(median ${p50_of[$1]}) $(median ${p99_of[$1]}) ${bad_of[$1]:-0}"
}

# ---------------------------------------------------------------- 1. database
# Other work on the machine skews every figure; the report shows how busy it was.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
out=${out:-bench/out/$(date +%Y%m%d-%H%M%S)}
mkdir -p "$out"
out=$(cd "$out" && pwd)
db=${db:-sqlite:$tmp/bench.db}
log "results in $out"
log "preparing database ($db, demo scale $scale)"
t=$(now_ms)
"$bin" migrate --db "$db" >>"$tmp/prepare.log" 2>&1 || { tail -n 20 "$tmp/prepare.log" >&2; exit 1; }
"$bin" demo --db "$db" --scale "$scale" --seed "$seed" >>"$tmp/prepare.log" 2>&1 || { tail -n 20 "$tmp/prepare.log" >&2; exit 1; }
prepare_ms=$(($(now_ms) - t))

# ---------------------------------------------------------------- 2. start-up, RSS
start_samples=()
for i in $(seq "$starts"); do
  start_server "$(free_port)"
  start_samples+=("$ready_ms")
  stop_pid "$server_pid"; server_pid=""
done
start_ms=$(median "${start_samples[@]}")
log "start-to-ready: ${start_samples[*]} ms (median $start_ms)"

port=$(free_port)
start_server "$port"
sleep 2  # let start-up work (pools, caches) settle before calling it idle
idle_rss=$(rss_mb "$server_pid")
log "idle RSS: $idle_rss MB"

# ---------------------------------------------------------------- 3. login, endpoints
login=$(curl -sS -c "$tmp/cookies" -o "$tmp/login.json" -w '%{http_code}' \
  -H 'Content-Type: application/json' \
  -d "$(node -e 'console.log(JSON.stringify({username: process.argv[1], password: process.argv[2]}))' "$user" "$password")" \
  "http://127.0.0.1:$port/api/v1/auth/login")
[ "$login" = 200 ] || { log "login as $user failed: HTTP $login $(cat "$tmp/login.json")"; exit 1; }
cookie=$(awk '$6 == "ms_session" {print $7}' "$tmp/cookies")
csrf=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).csrf_token || "")' "$tmp/login.json")
[ -n "$cookie" ] || { log "login gave no ms_session cookie"; exit 1; }

declare -A size first_path label
for i in "${!endpoints[@]}"; do
  read -r method path <<<"${endpoints[$i]}"
  paths_file=""
  label[$i]="$method $path"
  if [[ "$path" == @* ]]; then
    paths_file=$(cd "$(dirname "${path#@}")" && pwd)/$(basename "${path#@}")
    [ -s "$paths_file" ] || { log "no paths in $paths_file"; exit 1; }
    path=$(head -n 1 "$paths_file")
    label[$i]="$method $path … ($(grep -c . "$paths_file") paths from $(basename "$paths_file"))"
  fi
  first_path[$i]=$path
  # One request first: the response must succeed, and its body is what nginx serves.
  data=()
  if [ "$method" != GET ] && [ "$method" != HEAD ] && [ -n "$body" ]; then
    data=(-H 'Content-Type: application/json' --data-raw "$body")
  fi
  code=$(curl -sS -X "$method" -o "$tmp/www/body-$i" -w '%{http_code}' \
    -H "Cookie: ms_session=$cookie" -H "X-CSRF-Token: $csrf" "${data[@]}" \
    "http://127.0.0.1:$port$path")
  [[ "$code" == 2?? ]] || { log "$method $path answered HTTP $code: $(head -c 300 "$tmp/www/body-$i")"; exit 1; }
  size[$i]=$(stat -c %s "$tmp/www/body-$i")
  chmod 644 "$tmp/www/body-$i"
  wrk_lua "$tmp/req-$i.lua" "$method" "$body" "$paths_file"
  # The baseline: same request headers, GET of a static file of the same size.
  wrk_lua "$tmp/nginx-$i.lua" GET ""
done

# ---------------------------------------------------------------- 4. nginx
if [ "$with_nginx" = 1 ]; then
  nginx_port=$(free_port)
  mkdir -p "$tmp/nginx"
  sed -e "s|@WORKERS@|$nginx_workers|g" -e "s|@TMP@|$tmp/nginx|g" \
      -e "s|@PORT@|$nginx_port|g" -e "s|@ROOT@|$tmp/www|g" \
      bench/nginx.conf.in >"$tmp/nginx/nginx.conf"
  # -e: without it nginx first opens the system error log, which needs root.
  "$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf" -e "$tmp/nginx/nginx-error.log" \
    >>"$tmp/nginx/stdout.log" 2>&1 &
  nginx_pid=$!
  deadline=$(($(now_ms) + 10000))
  until curl -s -o /dev/null "http://127.0.0.1:$nginx_port/body-0"; do
    if ! kill -0 "$nginx_pid" 2>/dev/null || [ "$(now_ms)" -gt "$deadline" ]; then
      log "nginx did not start:"; cat "$tmp/nginx/"*.log >&2; exit 1
    fi
    sleep 0.05
  done
  nginx_version=$("$nginx_bin" -v 2>&1 | sed 's/^nginx version: //')
fi

# ---------------------------------------------------------------- 5. load
# minsheng and nginx runs alternate, so both see the same background load on
# a shared machine; the idle one of the two uses no CPU meanwhile.
for i in "${!endpoints[@]}"; do
  ms_url="http://127.0.0.1:$port${first_path[$i]}"
  ng_url="http://127.0.0.1:${nginx_port:-0}/body-$i"
  log "${label[$i]} (${size[$i]} bytes)"
  if [ "$warmup" != 0 ]; then
    wrk_bg -t"$threads" -c"$connections" -d"$warmup" --timeout "$timeout" -s "$tmp/req-$i.lua" "$ms_url" >/dev/null
    [ "$with_nginx" = 0 ] ||
      wrk_bg -t"$threads" -c"$connections" -d"$warmup" --timeout "$timeout" -s "$tmp/nginx-$i.lua" "$ng_url" >/dev/null
  fi
  for _ in $(seq "$runs"); do
    wrk_run "minsheng-$i" "$ms_url" "$tmp/req-$i.lua"
    [ "$with_nginx" = 0 ] || wrk_run "nginx-$i" "$ng_url" "$tmp/nginx-$i.lua"
  done
done
loaded_rss=$(rss_mb "$server_pid")
stop_pid "$server_pid"; server_pid=""
stop_pid "$nginx_pid"; nginx_pid=""

# ---------------------------------------------------------------- 6. report
failures=()
report="$out/report.md"
{
  echo "Command: \`$command_line\`"
  echo
  echo "Commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')$(git diff --quiet HEAD -- src 2>/dev/null || echo ' (src/ modified)'),"\
       "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores ($(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)),"\
       "load average before the run $load_before,"\
       "wrk -t$threads -c$connections -d$duration --timeout $timeout, median of $runs runs$([ "$with_nginx" = 0 ] || echo ", nginx $nginx_version with $nginx_workers workers")."
  echo
  echo "| endpoint | body B | req/s (median) | p50 ms | p99 ms | nginx req/s | ratio |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  for i in "${!endpoints[@]}"; do
    read -r rps p50 p99 bad <<<"$(summary "minsheng-$i")"
    nrps="—"; ratio="—"
    if [ "$with_nginx" = 1 ]; then
      read -r nrps _ _ nbad <<<"$(summary "nginx-$i")"
      ratio=$(awk -v a="$rps" -v b="$nrps" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}')
      awk -v r="$ratio" -v m="$min_ratio" 'BEGIN {exit !(r < m)}' &&
        failures+=("${endpoints[$i]}: ratio $ratio < $min_ratio")
      [ "$nbad" = 0 ] || failures+=("nginx baseline for ${endpoints[$i]}: $nbad non-2xx responses")
      nrps=$(printf '%.0f' "$nrps")
    fi
    [ "$bad" = 0 ] || failures+=("${endpoints[$i]}: $bad non-2xx or timed-out requests under load")
    printf '| %s | %s | %.0f | %.2f | %.2f | %s | %s |\n' \
      "${label[$i]}" "${size[$i]}" "$rps" "$p50" "$p99" "$nrps" "$ratio"
  done
  echo
  echo "Start-to-ready (spawn → first 200 from /api/v1/health): median **$start_ms ms** of $starts (${start_samples[*]})."
  echo "Idle RSS **$idle_rss MB**; RSS after the load runs $loaded_rss MB."
  echo "Database: $(sed -E "s#//[^/@]*@#//#; s#\?.*##" <<<"$db") (migrate + demo --scale $scale: $prepare_ms ms)."
} >"$report"
cat "$report"

awk -v s="$start_ms" -v m="$max_start_ms" 'BEGIN {exit !(s > m)}' &&
  failures+=("start-to-ready $start_ms ms > $max_start_ms ms")
awk -v s="$idle_rss" -v m="$max_rss_mb" 'BEGIN {exit !(s > m)}' &&
  failures+=("idle RSS $idle_rss MB > $max_rss_mb MB")

if [ ${#failures[@]} -gt 0 ]; then
  printf '\nTargets missed:\n' >&2
  printf '  - %s\n' "${failures[@]}" >&2
  [ "$check" = 0 ] || exit 1
elif [ "$check" = 1 ]; then
  echo
  echo "All targets met (ratio ≥ $min_ratio, start ≤ $max_start_ms ms, idle RSS ≤ $max_rss_mb MB)."
fi
