#!/usr/bin/env bash
# Builds the console (web/ → web/dist) when anything in web/ changed since the
# last build, so a second `make run` / `make test` does not pay for Vite again.
# --force rebuilds regardless. No-op until web/package.json exists.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f web/package.json ]; then
  echo "build-web: no web/package.json yet, skipping the console"
  exit 0
fi

# Dependencies follow the lock file exactly (npm ci); only reinstall when it changed.
if [ ! -d web/node_modules ] || [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  if [ -f web/package-lock.json ]; then
    (cd web && npm ci --no-audit --no-fund --loglevel=error)
  else
    (cd web && npm install --no-audit --no-fund --loglevel=error)
  fi
fi

stamp=web/dist/index.html
if [ "${1:-}" != "--force" ] && [ -f "$stamp" ] && [ -z "$(find web \
     \( -path web/node_modules -o -path web/dist \) -prune -o -type f -newer "$stamp" -print -quit)" ]; then
  echo "build-web: web/dist is up to date"
  exit 0
fi
# The console's toolchain (Vite) sets its own minimum Node; Debian 12 ships 18.
if ! (cd web && npm run build); then
  echo "build-web: console build failed with node $(node --version); check the 'engines'" \
       "of web/node_modules/vite/package.json if Node is too old" >&2
  exit 1
fi
