#!/usr/bin/env bash
# Installs what minsheng needs to build, run and test on Debian 12, all from
# Debian's archive (Node packages come later from the npm registry, per lock file).
# Idempotent: packages already present are skipped, so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  # build
  build-essential make cmake ninja-build pkg-config git ca-certificates
  clang-format clang-tidy
  # libraries (ARCHITECTURE.md, stack)
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev sqlite3 libpq-dev libsodium-dev
  libspdlog-dev libfmt-dev libcli11-dev libtomlplusplus-dev
  libxlsxwriter-dev libminizip-dev libpugixml-dev libqrencode-dev liblz4-dev
  # PostgreSQL's in-memory text index (src/asset/text_index.cpp)
  libroaring-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  postgresql-15 postgresql-client-15
  chromium fonts-noto-cjk
  wrk nginx-light curl procps
  # exchange tests: the written XLSX must open in LibreOffice (converted to CSV)
  libreoffice-calc-nogui
  # scripts/pg-test-server.sh asks python3 for a free port
  python3
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Any node ≥ 18 will do (Debian 12 ships 18); keep one already installed.
if ! command -v node >/dev/null 2>&1; then missing+=(nodejs); fi
if ! command -v npm >/dev/null 2>&1; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root or sudo to apt-get install ${missing[*]}" >&2; exit 1; }
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  # The Debian nginx/postgresql packages start system services; minsheng runs its
  # own instances on loopback for tests and benchmarks, so stop the default ones.
  if command -v systemctl >/dev/null 2>&1; then
    $SUDO systemctl disable --now nginx postgresql >/dev/null 2>&1 || true
  fi
  $SUDO service nginx stop >/dev/null 2>&1 || true
  $SUDO service postgresql stop >/dev/null 2>&1 || true
else
  echo "install-deps: all Debian packages present"
fi
# The console's npm dependencies are installed by scripts/build-web.sh, the
# test suites' by scripts/test.sh: each where it is needed, each from its lock file.
