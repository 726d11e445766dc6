#!/usr/bin/env bash
# `make run`: from a fresh Debian 12 machine to the console with the demo county
# on http://127.0.0.1:8080. Idempotent: every step skips work already done, so a
# second run only checks and starts the server.
# MINSHENG_DB / MINSHENG_LISTEN override the database and address.
set -euo pipefail
cd "$(dirname "$0")/.."

db="${MINSHENG_DB:-sqlite:./data/minsheng.db}"
listen="${MINSHENG_LISTEN:-127.0.0.1:8080}"
bin=build/release/minsheng

scripts/install-deps.sh

# Re-configuring is cheap and picks up changed presets; the build is incremental.
cmake --preset release >/dev/null
cmake --build --preset release -j 2

scripts/build-web.sh

mkdir -p data
"$bin" migrate --db "$db"
# `demo` loads only into a database without organisations, so this is a no-op
# on every run after the first and never touches data you entered.
"$bin" demo --db "$db" --scale small --seed 1 --assessments

cat <<MSG

  minsheng 民生 — http://${listen}/

  演示账号 Demo logins (password 密码: Minsheng@2026)
    admin      系统管理员 system administrator
    security   安全管理员 security administrator
    auditor    安全审计员 security auditor
    finance    财政部门人员 finance officer (示范县财政局, whole county)
    assets     资产管理员 asset administrator (机关事务管理局)
    edu        主管部门人员 department supervisor (示范县教育局)
    clerk      单位资产管理员 unit asset clerk (示范县第一中学)
    custodian  使用人 custodian      steward 管家 steward
    expert     评审专家 expert       oversight 监督人员 oversight (read-only)

  在浏览器打开上面的地址并用任一账号登录；按 Ctrl-C 停止。
  Open the address above in a browser and log in with any of them; Ctrl-C stops.

MSG

exec "$bin" serve --db "$db" --listen "$listen" --web-root web/dist
