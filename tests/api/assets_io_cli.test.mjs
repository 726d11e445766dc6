// `minsheng import assets` and `minsheng export assets` against the database
// of a running server: exit status, the report file, nothing written on
// errors (the server's list total unchanged), and an XLSX export that
// LibreOffice converts (libreoffice --headless --convert-to csv).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Directory, startServer, uniq } from './lib.mjs'

const HEADER = '资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,原值（元）,计量单位,使用部门,使用人,存放地点'
const row = (name, value = '1200.00', category = 'A02010104') =>
  [name, category, '1601', '购置', '财政拨款', '2024-09-01', value, '台', '教务处', '王老师', '教学楼/1层/101'].join(',')

let srv
let clerk
let school
let tmp

before(async () => {
  srv = await startServer()
  clerk = await srv.login('clerk')
  const admin = await srv.login('admin')
  school = (await new Directory(admin, admin).org('JY-ZX-01')).id
  tmp = mkdtempSync(join(tmpdir(), 'minsheng-cli-io-'))
})

after(async () => {
  await srv?.stop()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

function minsheng(args) {
  const r = spawnSync(srv.bin, [...args, '--db', srv.db.url], { env: srv.env, encoding: 'utf8', timeout: 120_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr, describe: () => `exit ${r.status}\n${r.stdout}\n${r.stderr}` }
}

async function total() {
  return (await clerk.json(`/api/v1/assets?org=${school}&limit=1`)).total
}

test('import with bad rows: exit 1, the report file lists them, nothing written', async () => {
  const file = join(tmp, 'bad.csv')
  writeFileSync(file, [HEADER, row('台式计算机'), row('投影仪', 'abc'), row('办公桌', '100', 'A99999999')].join('\n') + '\n')
  const before = await total()
  const report = join(tmp, 'report.csv')
  const r = minsheng(['import', 'assets', file, '--org', 'JY-ZX-01', '--report', report])
  assert.equal(r.status, 1, r.describe())
  assert.match(r.stderr, /nothing written/)
  assert.ok(existsSync(report), r.describe())
  const lines = readFileSync(report, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  assert.match(lines[0], /^行号,列,值,错误代码,错误说明,Error/)
  assert.equal(lines.length, 3, lines.join('\n'))
  assert.match(lines[1], /^3,原值（元）,abc,/)
  assert.match(lines[2], /^4,资产分类代码,A99999999,/)
  assert.equal(await total(), before)

  // Without --report the first errors go to stderr; an XLSX report by extension.
  const printed = minsheng(['import', 'assets', file, '--org', 'JY-ZX-01'])
  assert.equal(printed.status, 1)
  assert.match(printed.stderr, /第 3 行 \/ row 3 \[原值（元）\] "abc"/)
  const xlsx = join(tmp, 'report.xlsx')
  assert.equal(minsheng(['import', 'assets', file, '--org', 'JY-ZX-01', '--report', xlsx]).status, 1)
  assert.equal(readFileSync(xlsx).subarray(0, 2).toString('latin1'), 'PK')
  assert.equal(await total(), before)
})

test('import of a valid file: exit 0, count, additions and rate printed; dry run writes nothing', async () => {
  const file = join(tmp, 'good.csv')
  const name = uniq('电脑')
  writeFileSync(file, [HEADER, row(name), row(name)].join('\n') + '\n')
  const before = await total()
  const dry = minsheng(['import', 'assets', file, '--org', 'JY-ZX-01', '--dry-run'])
  assert.equal(dry.status, 0, dry.describe())
  assert.match(dry.stdout, /nothing written \(dry run\)/)
  assert.equal(await total(), before)

  const r = minsheng(['import', 'assets', file, '--org', 'JY-ZX-01'])
  assert.equal(r.status, 0, r.describe())
  assert.match(r.stdout, /imported 2 assets into JY-ZX-01/)
  assert.match(r.stdout, /rows\/s/)
  assert.equal(await total(), before + 2)

  const unknown = minsheng(['import', 'assets', file, '--org', 'NO-SUCH-ORG'])
  assert.equal(unknown.status, 1)
})

test('export: the XLSX converts with LibreOffice; CSV with filters', async () => {
  const out = join(tmp, '资产清单.xlsx')
  const r = minsheng(['export', 'assets', '--format', 'xlsx', '--org', 'JY-ZX-01', '--state', 'in_use', '-o', out])
  assert.equal(r.status, 0, r.describe())
  const n = Number(r.stdout.match(/exported (\d+) assets/)[1])
  assert.ok(n > 0)
  const lo = spawnSync('libreoffice', ['--headless', `-env:UserInstallation=file://${join(tmp, 'lo')}`, '--convert-to', 'csv:Text - txt - csv (StarCalc):44,34,76',
    '--outdir', tmp, out], { encoding: 'utf8', timeout: 120_000 })
  assert.equal(lo.status, 0, lo.stderr)
  const csv = readFileSync(join(tmp, '资产清单.csv'), 'utf8').trim().split(/\r?\n/)
  assert.match(csv[0], /^资产编号,所属单位,资产名称/)
  assert.equal(csv.length, n + 1)
  assert.ok(csv.slice(1).every((l) => l.includes('示范县河西乡第一中学')))

  const out2 = join(tmp, 'a02.csv')
  const c = minsheng(['export', 'assets', '--format', 'csv', '--category', 'A02', '--q', '电脑', '-o', out2])
  assert.equal(c.status, 0, c.describe())
  const lines = readFileSync(out2, 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/)
  assert.ok(lines.length >= 3, lines.join('\n'))
  assert.ok(lines.slice(1).every((l) => l.includes(',A02')))

  const bad = minsheng(['export', 'assets', '--format', 'csv', '--state', 'bogus', '-o', out2])
  assert.equal(bad.status, 2)
})
