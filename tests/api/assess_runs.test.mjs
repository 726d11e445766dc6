// Assessments over HTTP on the demo county: create, run, ranking, explain,
// the spreadsheet, publish with its bulletin, what-if, finalize — and the
// 400/403/404/409 paths (bad period, unknown template, wrong role, wrong state).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { DEMO_USERS, expectProblem, startServer } from './lib.mjs'

const T = 'unit_asset_mgmt'
const P = '2026Q3'
const BASE = `/api/v1/assessments/${P}/${T}`

let srv
const c = {}

before(async () => {
  srv = await startServer()
  for (const u of ['finance', 'clerk', 'edu', 'expert', 'oversight', 'custodian']) {
    assert.ok(DEMO_USERS[u])
    c[u] = await srv.login(u)
  }
})

after(async () => {
  await srv?.stop()
})

describe('assessments', () => {
  test('create: bad period → 400 "period", unknown template → 404, clerk → 403', async () => {
    expectProblem(assert, await c.finance.post('/api/v1/assessments', { period: '2026Q5', template_code: T }),
      400, 'validation_failed', { period: null })
    expectProblem(assert, await c.finance.post('/api/v1/assessments', { period: P, template_code: 'no_such' }),
      404, 'not_found')
    expectProblem(assert, await c.clerk.post('/api/v1/assessments', { period: P, template_code: T }), 403, 'forbidden')
    expectProblem(assert, await c.finance.post('/api/v1/assessments', { period: P }), 400, 'validation_failed',
      { template_code: 'required' })
  })

  test('create, run, ranking, explain, spreadsheet, publish, bulletin, what-if, finalize', async () => {
    const created = await c.finance.post('/api/v1/assessments', { period: P, template_code: T })
    assert.equal(created.status, 201, created.describe())
    assert.equal(created.json.status, 'open')
    assert.ok(created.json.object_count > 0)
    expectProblem(assert, await c.finance.post('/api/v1/assessments', { period: P, template_code: T }),
      409, 'assessment.exists')

    // Publish before a run is refused; a clerk may not run.
    expectProblem(assert, await c.finance.post(`${BASE}/publish`, {}), 409, 'assessment.not_computed')
    expectProblem(assert, await c.clerk.post(`${BASE}/run`, {}), 403, 'forbidden')
    const run = await c.finance.post(`${BASE}/run`, {})
    assert.equal(run.status, 200, run.describe())
    assert.equal(run.json.objects, created.json.object_count)
    assert.ok(run.json.metrics_computed > 0, 'registered metrics are computed from records')

    // The path parameters are checked: bad period → 400 "period", unknown template → 404.
    expectProblem(assert, await c.finance.get(`/api/v1/assessments/2026Q5/${T}/results`), 400, 'validation_failed',
      { period: null })
    expectProblem(assert, await c.finance.get(`/api/v1/assessments/${P}/nope/results`), 404, 'not_found')
    expectProblem(assert, await c.finance.get(`${BASE}/results?colour=green`), 400, 'validation_failed',
      { colour: 'invalid' })

    const all = await c.finance.json(`${BASE}/results`)
    assert.equal(all.items.length, created.json.object_count)
    for (const r of all.items) {
      assert.ok(r.rank >= 1 && r.rank <= r.group_size, JSON.stringify(r))
      assert.ok(['excellent', 'good', 'fair', 'poor'].includes(r.grade))
      assert.ok(['red', 'yellow', 'blue'].includes(r.colour))
      assert.equal(Math.round(r.total * 100) / 100, r.rounded)
      assert.ok(r.group.startsWith('unit:'))
    }
    // Ranks within a group: competition ranking, ordered by rounded totals.
    const groups = new Map()
    for (const r of all.items) groups.set(r.group, [...(groups.get(r.group) ?? []), r])
    for (const rows of groups.values()) {
      rows.sort((a, b) => a.rank - b.rank)
      for (let i = 0; i < rows.length; i++) {
        assert.equal(rows[i].group_size, rows.length)
        if (!rows[i].vetoed) assert.equal(rows[i].rank, 1 + rows.filter((x) => !x.vetoed && x.rounded > rows[i].rounded).length)
      }
    }
    const blue = await c.finance.json(`${BASE}/results?colour=blue`)
    assert.equal(blue.items.length, all.items.filter((r) => r.colour === 'blue').length)

    // Before publish the clerk sees its own unit only.
    const mine = await c.clerk.json(`${BASE}/results`)
    assert.equal(mine.items.length, 1)
    const own = mine.items[0]
    assert.equal(own.detail, true)
    assert.equal(own.object_id, c.clerk.me.org.id)
    expectProblem(assert, await c.clerk.get(`${BASE}/bulletin`), 404, 'not_found')

    // Explain down to records: a metric leaf links to its records.
    const ex = await c.clerk.json(`${BASE}/explain?object=${own.code}`)
    assert.equal(ex.result.object_id, own.object_id)
    const leaves = []
    const walk = (n) => (n.children ? n.children.forEach(walk) : leaves.push(n))
    ex.nodes.forEach(walk)
    const metricLeaf = leaves.find((l) => l.source === 'metric' && l.metric)
    assert.ok(metricLeaf, 'a metric leaf')
    assert.equal(metricLeaf.metric.records_url,
      `/api/v1/metrics/${metricLeaf.metric.key}/records?period=${P}&object=${own.object_id}`)
    const sum = ex.nodes.reduce((s, n) => s + n.score, 0)
    const max = ex.nodes.reduce((s, n) => s + n.max, 0)
    if (!own.vetoed && max > 0) assert.ok(Math.abs(sum / max * ex.total_points - own.total) < 1e-9)
    const other = all.items.find((r) => r.object_id !== own.object_id)
    expectProblem(assert, await c.clerk.get(`${BASE}/explain?object=${other.object_id}`), 404, 'not_found')
    expectProblem(assert, await c.clerk.get(`${BASE}/explain`), 400, 'validation_failed', { object: 'required' })
    const one = await c.finance.json(`${BASE}/explain?object=${own.object_id}&indicator=${metricLeaf.indicator_code}`)
    assert.equal(one.nodes.length, 1)
    assert.equal(one.nodes[0].indicator_code, metricLeaf.indicator_code)

    // The spreadsheet.
    const xlsx = await c.finance.get(`${BASE}/results.xlsx`)
    assert.equal(xlsx.status, 200)
    assert.match(xlsx.headers.get('content-type'), /spreadsheetml/)
    assert.match(xlsx.headers.get('content-disposition'), /attachment; filename=/)
    assert.ok(xlsx.text.startsWith('PK'))

    // What-if with the same version: every row unchanged; an unknown version 404.
    const same = await c.finance.post(`${BASE}/whatif`, { version: created.json.template_version })
    assert.equal(same.status, 200, same.describe())
    assert.equal(same.json.items.length, all.items.length)
    for (const r of same.json.items) {
      assert.equal(r.draft.rounded, r.current.rounded)
      assert.equal(r.rank_change, 0)
    }
    expectProblem(assert, await c.finance.post(`${BASE}/whatif`, { version: 99 }), 404, 'not_found')
    expectProblem(assert, await c.finance.post(`${BASE}/whatif`, {}), 400, 'validation_failed')
    expectProblem(assert, await c.clerk.post(`${BASE}/whatif`, { version: 1 }), 403, 'forbidden')

    // Publish: the whole ranking for the clerk, detail only for its own unit; the bulletin.
    expectProblem(assert, await c.finance.post(`${BASE}/finalize`, {}), 409, 'assessment.not_published')
    const pub = await c.finance.post(`${BASE}/publish`, {})
    assert.equal(pub.status, 200, pub.describe())
    assert.equal(pub.json.status, 'published')
    assert.ok(pub.json.appeal_until)
    const ranking = await c.clerk.json(`${BASE}/results`)
    assert.equal(ranking.items.length, all.items.length)
    for (const r of ranking.items) assert.equal(r.detail, r.object_id === own.object_id)
    const bulletin = await c.clerk.json(`${BASE}/bulletin`)
    assert.equal(bulletin.ranking.length, all.items.length)
    const colours = bulletin.colours.red + bulletin.colours.yellow + bulletin.colours.blue
    assert.equal(colours, all.items.length)
    assert.ok(bulletin.weak_points.indicators.length <= 5)
    expectProblem(assert, await c.finance.post(`${BASE}/run`, {}), 409, 'assessment.closed')

    const list = await c.oversight.json(`/api/v1/assessments?period=${P}`)
    assert.ok(list.items.some((a) => a.template_code === T && a.status === 'published'))
    expectProblem(assert, await c.custodian.get('/api/v1/assessments'), 403, 'forbidden')

    const fin = await c.finance.post(`${BASE}/finalize`, {})
    assert.equal(fin.status, 200, fin.describe())
    assert.equal(fin.json.status, 'final')
    expectProblem(assert, await c.finance.post(`${BASE}/finalize`, {}), 409, 'assessment.not_published')
  })
})
