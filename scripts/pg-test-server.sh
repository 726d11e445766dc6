#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the integration tests.
#
#   scripts/pg-test-server.sh start DIR   # prints postgresql://postgres@127.0.0.1:PORT/postgres
#   scripts/pg-test-server.sh stop DIR    # stops it and removes DIR
#
# DIR must be under /tmp. The cluster trusts loopback connections, listens on
# 127.0.0.1 only (port chosen free), keeps its socket in DIR and runs with
# fsync off: for tests only. Works as root (the server runs as postgres) and as
# a normal user. The URL is also written to DIR/url.
set -euo pipefail

BIN=/usr/lib/postgresql/15/bin

usage() {
  echo "usage: $0 start|stop DIR   (DIR under /tmp)" >&2
  exit 2
}

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ $dir == /tmp/* && $dir != *..* ]] || usage

# Runs a server binary as the user who owns the cluster.
as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

start() {
  if [[ -e $dir/data/postmaster.pid ]]; then
    echo "a server already runs in $dir ($(cat "$dir/url"))" >&2
    exit 1
  fi
  mkdir -p "$dir"
  if [[ $(id -u) -eq 0 ]]; then chown postgres: "$dir"; fi
  as_owner "$BIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }

  local port url
  port=$(free_port)
  as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null || { cat "$dir/server.log" >&2; exit 1; }

  url="postgresql://postgres@127.0.0.1:$port/postgres"
  echo "$url" >"$dir/url"
  echo "$url"
}

stop() {
  if [[ -e $dir/data/postmaster.pid ]]; then
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
  fi
  rm -rf "$dir"
}

case $cmd in
  start) start ;;
  stop) stop ;;
  *) usage ;;
esac
