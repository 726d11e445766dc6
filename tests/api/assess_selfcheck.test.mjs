// The self-check draft, the expert grid's names and the paged metric values
// over HTTP (docs/assessment-inputs.md, docs/openapi.yaml). The finance
// officer imports a small template T-SC (two manual leaves, one expert leaf,
// one metric leaf), opens 2026-11 over the demo county and runs it, which
// stores asset.registration_rate for every object of the county; `clerk` is
// the unit clerk of 示范县河西乡第一中学 (JY-ZX-01).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_PASSWORD, Directory, expectProblem, startServer } from './lib.mjs'

const TEMPLATE = {
  code: 'T-SC', name_zh: '自查草稿测试', name_en: 'Self-check draft test', object_class: 'unit', total_points: 100,
  group_by: 'none',
  indicators: [
    { code: 'sc.rect', name_zh: '整改完成数', name_en: 'Rectified', direction: '>=', type: 'management',
      source: 'manual', method: { method: 'linear', floor: 0, target: 10 } },
    { code: 'sc.tier', name_zh: '制度建设', name_en: 'Rules', direction: '>=', type: 'management',
      source: 'manual', method: { method: 'tiers' } },
    { code: 'sc.exp', name_zh: '专家评价', name_en: 'Expert view', direction: '>=', type: 'quality',
      source: 'expert', method: { method: 'tiers', tiers: { achieved: 0.85, partly: 0.65 } } },
    { code: 'sc.reg', name_zh: '登记率', name_en: 'Registration rate', unit: '%', direction: '>=', type: 'management',
      source: 'metric', metric: 'asset.registration_rate', method: { method: 'ratio', target: 100 } },
  ],
  nodes: [
    { code: 'A', name_zh: '管理', name_en: 'Management', points: 100, children: [
      { code: 'A.1', name_zh: '整改', name_en: 'Rectification', points: 30, indicator: 'sc.rect' },
      { code: 'A.2', name_zh: '制度', name_en: 'Rules', points: 20, indicator: 'sc.tier' },
      { code: 'A.3', name_zh: '专家', name_en: 'Experts', points: 30, indicator: 'sc.exp' },
      { code: 'A.4', name_zh: '登记', name_en: 'Registration', points: 20, indicator: 'sc.reg' },
    ] },
  ],
}
const BASE = '/api/v1/assessments/2026-11/T-SC'

let srv
const c = {}
const ids = {}
let noRuns = false

before(async () => {
  srv = await startServer()
  srv.cli(['user', 'create', '--username', 'expert3', '--role', 'expert', '--org', 'SF-CZJ'], `${DEMO_PASSWORD}\n`)
  for (const u of ['admin', 'security', 'auditor', 'finance', 'clerk', 'expert', 'expert3']) c[u] = await srv.login(u)
  const dir = new Directory(c.admin, c.security)
  const school = await dir.org('JY-ZX-01')
  ids.school = school.id
  ids.schoolName = school.name
  ids.other = (await dir.org('JY-ZX-05')).id
  ids.expert3 = (await dir.user('expert3')).id
  let r = await c.finance.post('/api/v1/assess/templates?publish=true', TEMPLATE)
  assert.equal(r.status, 201, r.describe())
  r = await c.finance.post('/api/v1/assessments', {
    period: '2026-11', template_code: 'T-SC', self_check_due: '2099-01-01T00:00:00+08:00',
  })
  if (r.status === 404 && r.json?.code === 'not_found' && !r.json?.errors) {
    noRuns = true
    return
  }
  assert.equal(r.status, 201, r.describe())
  ids.assessment = r.json.id
  r = await c.finance.post(`${BASE}/run`, {})
  assert.equal(r.status, 200, r.describe())
})

function needsRuns(t) {
  if (noRuns) t.skip('POST /api/v1/assessments (the run) is not in this build')
  return noRuns
}

after(async () => {
  await srv?.stop()
})

const selfOf = async (indicator) => {
  const list = await c.clerk.json(`${BASE}/inputs?object_id=${ids.school}`)
  return list.items.find((p) => p.indicator === indicator)?.self ?? null
}
const mineOf = async () => (await c.clerk.json(`${BASE}/submissions`)).items.find((s) => s.object_id === ids.school)

describe('self-check draft', () => {
  test('saved, read back, replaced; bad drafts are field errors; scope and roles', async (t) => {
    if (needsRuns(t)) return
    let r = await c.clerk.put(`${BASE}/submissions/draft`, {
      object_id: ids.school, remarks: '初稿', items: [{ indicator: 'sc.rect', value: 6 }],
    })
    assert.equal(r.status, 200, r.describe())
    assert.equal(r.json.status, 'draft')
    assert.equal(r.json.remarks, '初稿')
    assert.deepEqual(r.json.draft_items.map((i) => [i.indicator, i.value]), [['sc.rect', 6]])
    assert.match(r.json.draft_saved_at, /^\d{4}-\d\d-\d\dT/)
    assert.equal(r.json.submitted_at, null)

    r = await c.clerk.put(`${BASE}/submissions/draft`, {
      object_id: ids.school, remarks: '二稿',
      items: [{ indicator: 'sc.rect', value: 7, remark: '已整改 7 项' }, { indicator: 'sc.tier', value: 0.85 }],
    })
    assert.equal(r.status, 200, r.describe())
    let mine = await mineOf()
    assert.equal(mine.status, 'draft')
    assert.equal(mine.remarks, '二稿')
    assert.equal(mine.late, false)
    assert.deepEqual(mine.draft_items.map((i) => [i.indicator, i.value, i.remark]),
      [['sc.rect', 7, '已整改 7 项'], ['sc.tier', 0.85, null]])
    // A draft is not an input yet.
    assert.equal(await selfOf('sc.rect'), null)

    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.school, items: [{ indicator: 'sc.tier', value: 2 }] }),
      400, 'validation_failed', { 'items[0].value': 'range' })
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.school, items: [{ indicator: 'sc.exp', value: 0.5 }] }),
      400, 'validation_failed', { 'items[0].indicator': 'not_manual' })
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.school, items: [{ indicator: 'sc.rect', value: 'x' }] }),
      400, 'validation_failed', { 'items[0].value': 'type' })
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.school, items: [{ value: 1 }] }),
      400, 'validation_failed', { 'items[0].indicator': 'required' })
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.school, items: [{ indicator: 'sc.rect', value: 1 }, { indicator: 'sc.rect', value: 2 }] }),
      400, 'validation_failed', { 'items[1].indicator': 'duplicate' })
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { remarks: 'x' }),
      400, 'validation_failed', { object_id: 'required' })
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.other, remarks: 'x' }), 404, 'not_found')
    expectProblem(assert, await c.expert.put(`${BASE}/submissions/draft`, { object_id: ids.school, remarks: 'x' }), 403, 'forbidden')
    mine = await mineOf()
    assert.equal(mine.remarks, '二稿', 'a refused save changes nothing')

    // Each successful save is audited.
    const audit = await c.auditor.json(`/api/v1/audit?action=assess.self_check.draft&object_id=${ids.assessment}:${ids.school}`)
    assert.equal(audit.items.length, 2)
  })

  test('the submit turns the draft into the submission and its values into inputs', async (t) => {
    if (needsRuns(t)) return
    const r = await c.clerk.post(`${BASE}/submissions`, { object_id: ids.school })
    assert.equal(r.status, 201, r.describe())
    assert.equal(r.json.status, 'submitted')
    assert.equal(r.json.remarks, '二稿')
    assert.deepEqual(r.json.draft_items, [])
    assert.ok(r.json.draft_saved_at)
    const rect = await selfOf('sc.rect')
    assert.equal(rect.value, 7)
    assert.equal(rect.remark, '已整改 7 项')
    assert.equal(rect.status, 'submitted')
    assert.equal((await selfOf('sc.tier')).value, 0.85)
    expectProblem(assert, await c.clerk.put(`${BASE}/submissions/draft`, { object_id: ids.school, remarks: '三稿' }),
      409, 'assess.already_submitted')
  })
})

describe('expert grid', () => {
  test('assignments carry the object name and the indicator names, points and tiers', async (t) => {
    if (needsRuns(t)) return
    let r = await c.finance.post(`${BASE}/experts`, { expert_user_id: ids.expert3, object_ids: [ids.school] })
    assert.equal(r.status, 201, r.describe())
    r = await c.expert3.get(`${BASE}/expert/assignments`)
    assert.equal(r.status, 200, r.describe())
    assert.equal(r.json.items.length, 1)
    const a = r.json.items[0]
    assert.equal(a.object_name, ids.schoolName)
    assert.deepEqual(a.indicators, ['sc.exp'])
    assert.deepEqual(a.indicator_details, [{
      code: 'sc.exp', name_zh: '专家评价', name_en: 'Expert view', node_code: 'A.3', node_name_zh: '专家',
      node_name_en: 'Experts', points: 30, description: '', tiers: { achieved: 0.85, partly: 0.65 },
    }])
    // The expert still cannot read the template itself.
    expectProblem(assert, await c.expert3.get('/api/v1/assess/templates/T-SC'), 403, 'forbidden')
  })
})

describe('metric values', () => {
  test('three pages of one key: no duplicates, nothing missing, same order as one page', async (t) => {
    if (needsRuns(t)) return
    const q = '/api/v1/metrics/values?period=2026-11&key=asset.registration_rate'
    const all = await c.finance.json(`${q}&limit=1000`)
    const n = all.items.length
    assert.ok(n >= 7, `the run stored a value per county unit (${n})`)
    assert.equal(all.next_cursor, null)
    const limit = Math.ceil(n / 3)
    const seen = []
    const sizes = []
    let cursor = null
    do {
      const r = await c.finance.get(`${q}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      assert.equal(r.status, 200, r.describe())
      sizes.push(r.json.items.length)
      seen.push(...r.json.items.map((v) => v.object_id))
      cursor = r.json.next_cursor
    } while (cursor && sizes.length < 10)
    assert.equal(sizes.length, 3, `pages ${sizes}`)
    assert.deepEqual(sizes, [limit, limit, n - 2 * limit])
    assert.equal(new Set(seen).size, n)
    assert.deepEqual(seen, all.items.map((v) => v.object_id))

    // The default page is 200; limits and cursors are checked.
    const first = await c.finance.json('/api/v1/metrics/values?period=2026-11')
    assert.ok(first.items.length <= 200)
    expectProblem(assert, await c.finance.get(`${q}&limit=1001`), 400, 'validation_failed', { limit: 'out_of_range' })
    expectProblem(assert, await c.finance.get(`${q}&limit=0`), 400, 'validation_failed', { limit: 'out_of_range' })
    expectProblem(assert, await c.finance.get(`${q}&cursor=nope`), 400, 'validation_failed', { cursor: 'invalid' })
    // The clerk's page holds only the own unit.
    const own = await c.clerk.json(`${q}&limit=5`)
    assert.deepEqual(own.items.map((v) => v.object_id), [ids.school])
    assert.equal(own.next_cursor, null)
  })
})
