#!/usr/bin/env bash
# `make test`: every suite, the way CI runs it. Debug build with ASan+UBSan,
# the console built for the browser tests, a throwaway PostgreSQL for the
# PostgreSQL half of the integration and API suites. Extra arguments go to
# ctest, e.g. `scripts/test.sh -R unit`. Exits with ctest's status.
set -euo pipefail
cd "$(dirname "$0")/.."

started=$SECONDS
phase_started=$SECONDS
phase_name=""
# Prints how long the previous phase took, so slow steps are easy to spot.
phase() {
  if [ -n "$phase_name" ]; then
    printf '== %-28s %4ds\n' "$phase_name" $((SECONDS - phase_started))
  fi
  phase_name="$1"
  phase_started=$SECONDS
  [ -z "$1" ] || echo "== $1"
}

phase "install-deps"
scripts/install-deps.sh

phase "build (debug, ASan+UBSan)"
cmake --preset debug >/dev/null
cmake --build --preset debug -j 2

phase "build console"
scripts/build-web.sh

phase "test npm dependencies"
for dir in tests/api tests/e2e; do
  [ -f "$dir/package.json" ] || continue
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    if [ -f "$dir/package-lock.json" ]; then
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    else
      (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    fi
  fi
done

phase "start PostgreSQL"
pg_dir=$(mktemp -d /tmp/minsheng-test-pg.XXXXXX)
# Stop the server however we leave (success, failure, Ctrl-C): a stray postgres
# would hold its port and directory on a shared machine.
cleanup() {
  scripts/pg-test-server.sh stop "$pg_dir" >/dev/null 2>&1 || true
  rm -rf "$pg_dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
scripts/pg-test-server.sh start "$pg_dir" >/dev/null
MINSHENG_TEST_PG_URL=$(cat "$pg_dir/url")
export MINSHENG_TEST_PG_URL
echo "MINSHENG_TEST_PG_URL=$MINSHENG_TEST_PG_URL"

phase "ctest"
# Leaks are bugs too; stop at the first sanitizer report with a stack.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
status=0
# Two at a time: the API and browser suites spend much of their time waiting on
# a server or a browser, so a second suite fills the other core. Every suite
# uses its own free port and its own database, so they cannot collide.
ctest --preset debug --parallel 2 "$@" || status=$?

phase ""
printf '== %-28s %4ds\n' "total" $((SECONDS - started))
exit "$status"
