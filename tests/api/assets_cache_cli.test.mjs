// The command line writes the database of a running server: `minsheng
// categories import` and `minsheng import assets`. The server must see the
// result without a restart — the category table it caches within
// asset.category_recheck_seconds (1 s here), and the unit's new directory
// entries, cards and rollups at once (they are not cached).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Directory, REPO, startServer, uniq } from './lib.mjs'

const NEW_CODE = 'A02010106' // not in the shipped table
const UNIT = 'JY-ZX-01'

let srv
let clerk
let school
let tmp

before(async () => {
  srv = await startServer({ extraEnv: { MINSHENG_ASSET_CATEGORY_RECHECK_SECONDS: '1' } })
  clerk = await srv.login('clerk')
  const admin = await srv.login('admin')
  school = (await new Directory(admin, admin).org(UNIT)).id
  tmp = mkdtempSync(join(tmpdir(), 'minsheng-cli-cache-'))
})

after(async () => {
  await srv?.stop()
  if (tmp) rmSync(tmp, { recursive: true, force: true })
})

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

// Polls until the server answers 200 (at most `seconds`); returns the last reply.
async function eventually(path, seconds) {
  const deadline = Date.now() + seconds * 1000
  for (;;) {
    const r = await clerk.get(path)
    if (r.status === 200 || Date.now() > deadline) return r
    await sleep(100)
  }
}

test('a category imported by the command line is used by the running server without a restart', async () => {
  expectStatus(await clerk.get(`/api/v1/categories/${NEW_CODE}`), 404)
  const file = join(tmp, 'categories.csv')
  const shipped = readFileSync(join(REPO, 'data', 'categories', 'gbt14885_2022.csv'), 'utf8')
  writeFileSync(file, shipped + `${NEW_CODE},一体式计算机,A02010100,4,1,computer,equipment,official\n`)
  const out = srv.cli(['categories', 'import', file])
  assert.match(out, /1 added/)
  assert.match(out, /no restart needed/)

  const r = await eventually(`/api/v1/categories/${NEW_CODE}`, 5)
  assert.equal(r.status, 200, r.describe())
  assert.equal(r.json.name, '一体式计算机')
  assert.equal(r.json.min_life_months, 72)

  // The server registers a card in it (its validation uses the same cache).
  const rooms = await clerk.json(`/api/v1/orgs/${school}/locations?limit=1`)
  const created = await clerk.post('/api/v1/assets', {
    org_id: school, name: uniq('一体机'), category_code: NEW_CODE, subject_code: '1601', acquisition_method: '购置',
    funding_source: '财政拨款', acquired_on: '2025-03-01', original_value: 560000, unit_of_measure: '台',
    location_id: rooms.items[0].id,
  })
  assert.equal(created.status, 201, created.describe())
  assert.equal(created.json.life_months, 72)
})

test('an asset import by the command line: the server sees the new directory entries, cards and totals', async () => {
  const stats = () => clerk.json(`/api/v1/stats/assets?org=${school}&group_by=state`)
  const before = await stats()
  const dept = uniq('新科室')
  const person = uniq('新老师')
  const room = uniq('新楼/1层/')
  const name = uniq('实训台')
  const header = '资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,原值（元）,计量单位,使用部门,使用人,存放地点'
  const rows = [1, 2, 3].map((i) =>
    [`${name}-${i}`, 'A02010104', '1601', '购置', '财政拨款', '2025-09-01', '1000.50', '台', dept, person, room].join(','))
  const file = join(tmp, 'ledger.csv')
  writeFileSync(file, [header, ...rows].join('\n') + '\n')
  srv.cli(['import', 'assets', file, '--org', UNIT])

  const has = async (kind, text) =>
    (await clerk.json(`/api/v1/orgs/${school}/${kind}?q=${encodeURIComponent(text)}&limit=50`)).items.map((x) => x.name)
  assert.deepEqual(await has('departments', dept), [dept])
  assert.deepEqual(await has('staff', person), [person])
  assert.deepEqual(await has('locations', room), [room])

  const found = await clerk.json(`/api/v1/assets?org=${school}&q=${encodeURIComponent(name)}&limit=10`)
  assert.equal(found.total, 3)
  const card = await clerk.json(`/api/v1/assets/${found.items[0].number}`)
  assert.equal(card.location_name, room)

  const after = await stats()
  assert.equal(after.total_count, before.total_count + 3)
  assert.equal(after.total_value, before.total_value + 3 * 100050)
})

function expectStatus(r, status) {
  assert.equal(r.status, status, r.describe())
}
