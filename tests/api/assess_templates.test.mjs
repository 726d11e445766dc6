// Templates and the indicator library over HTTP: the shipped templates of a
// fresh server, who may read and write (clerk reads but 403 on writes, expert
// 403, finance imports and publishes), a bad document → 400 with field paths
// and nothing written, versioning through PUT …/draft, and the CLI
// (`template import` exit 2 on a bad file, `template list`).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { auditSince, expectProblem, lastAuditId, startServer, uniq } from './lib.mjs'

let srv
const c = {}

before(async () => {
  srv = await startServer()
  for (const u of ['finance', 'clerk', 'expert', 'auditor', 'oversight']) c[u] = await srv.login(u)
})

after(async () => {
  await srv?.stop()
})

// A small valid template: A (100) = A1 (60, ratio ≥ 0.9) + A2 (40, yes/no).
function doc(code, { name = '接口测试模板', target = 0.9 } = {}) {
  return {
    code, name_zh: name, name_en: 'API test template', object_class: 'unit', group_by: 'none',
    indicators: [
      { code: `${code}.rate`, name_zh: '比率', name_en: 'Rate', unit: '%', type: 'quality', source: 'manual',
        method: { method: 'ratio', target } },
      { code: `${code}.yes`, name_zh: '是否', name_en: 'Yes or no', type: 'management', source: 'manual',
        method: { method: 'yesno' } },
    ],
    nodes: [{ code: 'A', name_zh: '甲', name_en: 'A', points: 100, children: [
      { code: 'A1', name_zh: '甲一', name_en: 'A1', weight: 60, indicator: `${code}.rate` },
      { code: 'A2', name_zh: '甲二', name_en: 'A2', points: 40, indicator: `${code}.yes` },
    ] }],
  }
}

describe('shipped templates', () => {
  test('a fresh server lists the five shipped templates, published, version 1', async () => {
    const r = await c.clerk.get('/api/v1/assess/templates')
    assert.equal(r.status, 200, r.describe())
    const codes = r.json.items.map((x) => x.code)
    for (const code of ['dept_overall', 'project_eval', 'project_self_eval', 'soe', 'unit_asset_mgmt']) {
      const t = r.json.items.find((x) => x.code === code)
      assert.ok(t, `${code} in ${codes}`)
      assert.equal(t.status, 'published')
      assert.equal(t.version, 1)
      assert.equal(t.published_version, 1)
    }
  })

  test('unit_asset_mgmt has the three first-level indicators of seed 000 adding up to 100', async () => {
    const t = await c.oversight.json('/api/v1/assess/templates/unit_asset_mgmt')
    assert.deepEqual(t.nodes.map((n) => n.name_zh), ['资产管理规范性', '使用绩效', '可持续发展能力'])
    assert.equal(t.nodes.reduce((s, n) => s + n.points, 0), 100)
    assert.equal(t.total_points, 100)
    assert.equal(t.object_class, 'unit')
    assert.ok(t.indicators.some((i) => i.method.method === 'veto'))
    assert.ok(t.indicators.some((i) => i.source === 'metric' && i.metric === 'asset.registration_rate'))
    const lib = await c.clerk.json('/api/v1/assess/indicators')
    assert.ok(lib.items.some((i) => i.code === 'uam.idle_rate' && i.version === 1 && i.direction === '<='))
  })
})

describe('access', () => {
  test('the clerk reads templates but may not write them (403), the expert may not read them', async () => {
    const code = uniq('ac')
    expectProblem(assert, await c.clerk.post('/api/v1/assess/templates', doc(code)), 403, 'forbidden')
    expectProblem(assert, await c.clerk.put('/api/v1/assess/templates/unit_asset_mgmt/draft',
      doc('unit_asset_mgmt')), 403, 'forbidden')
    expectProblem(assert, await c.clerk.post('/api/v1/assess/templates/unit_asset_mgmt/publish'), 403, 'forbidden')
    expectProblem(assert, await c.clerk.put('/api/v1/assess/indicators/uam.idle_rate', {}), 403, 'forbidden')
    expectProblem(assert, await c.expert.get('/api/v1/assess/templates'), 403, 'forbidden')
    expectProblem(assert, await c.oversight.post('/api/v1/assess/templates', doc(code)), 403, 'forbidden')
    expectProblem(assert, await c.clerk.get(`/api/v1/assess/templates/${code}`), 404, 'not_found')
  })
})

describe('import, drafts and publishing', () => {
  test('a bad document is 400 with field paths and writes nothing', async () => {
    const code = uniq('bad')
    const before = await lastAuditId(c.auditor)
    const bad = doc(code)
    bad.nodes[0].children[1].points = 30       // 60 + 30 ≠ 100
    bad.indicators[0].method.target = 0         // ratio needs a target above 0
    bad.nodes[0].colour = 'red'                 // unknown key
    const r = await c.finance.post('/api/v1/assess/templates', bad)
    expectProblem(assert, r, 400, 'assess.template_invalid', {
      'nodes[0].points': 'sum_mismatch',
      'indicators[0].method.target': 'out_of_range',
      'nodes[0].colour': 'unknown_field',
    })
    const en = await c.finance.post('/api/v1/assess/templates', bad, { lang: 'en' })
    assert.match(en.json.errors.find((e) => e.field === 'nodes[0].points').message, /add up to 90/)
    expectProblem(assert, await c.finance.post('/api/v1/assess/templates', '{"code":'), 400, 'malformed_json')
    expectProblem(assert, await c.finance.get(`/api/v1/assess/templates/${code}`), 404, 'not_found')
    expectProblem(assert, await c.finance.post('/api/v1/assess/templates?publish=maybe', doc(code)), 400,
      'validation_failed', { publish: 'invalid' })
    const lib = await c.finance.json('/api/v1/assess/indicators')
    assert.ok(!lib.items.some((i) => i.code.startsWith(`${code}.`)), 'no library entry written')
    assert.deepEqual(await auditSince(c.auditor, before), [])
  })

  test('finance imports, saves drafts, publishes; a published version makes N+1', async () => {
    const code = uniq('tp')
    const auditFrom = await lastAuditId(c.auditor)
    const v1 = await c.finance.post('/api/v1/assess/templates', doc(code))
    assert.equal(v1.status, 201, v1.describe())
    assert.equal(v1.json.version, 1)
    assert.equal(v1.json.status, 'draft')
    assert.equal(v1.json.frozen, false)
    assert.equal(v1.json.published_at, null)
    assert.equal(v1.json.nodes[0].children[0].points, 60)  // weight 60 % of 100

    // The draft is edited in place (send back what GET returned, read-only fields and all).
    const got = await c.finance.json(`/api/v1/assess/templates/${code}`)
    got.name_zh = '改过的模板'
    const saved = await c.finance.put(`/api/v1/assess/templates/${code}/draft`, got)
    assert.equal(saved.status, 200, saved.describe())
    assert.equal(saved.json.id, v1.json.id)
    assert.equal(saved.json.version, 1)
    assert.equal(saved.json.name_zh, '改过的模板')

    const pub = await c.finance.post(`/api/v1/assess/templates/${code}/publish`)
    assert.equal(pub.status, 200, pub.describe())
    assert.equal(pub.json.status, 'published')
    assert.ok(pub.json.published_at)
    expectProblem(assert, await c.finance.post(`/api/v1/assess/templates/${code}/publish`), 409,
      'assess.template_not_draft')

    const v2 = await c.finance.put(`/api/v1/assess/templates/${code}/draft`, doc(code, { name: '第二版' }))
    assert.equal(v2.status, 200, v2.describe())
    assert.equal(v2.json.version, 2)
    assert.equal(v2.json.status, 'draft')
    const old = await c.clerk.json(`/api/v1/assess/templates/${code}?version=1`)
    assert.equal(old.name_zh, '改过的模板')
    assert.equal(old.status, 'published')
    const versions = await c.clerk.json(`/api/v1/assess/templates/${code}/versions`)
    assert.deepEqual(versions.items.map((v) => [v.version, v.status]), [[2, 'draft'], [1, 'published']])
    assert.equal(versions.items[0].published_version, 1)
    expectProblem(assert, await c.clerk.get(`/api/v1/assess/templates/${code}?version=9`), 404, 'not_found')
    expectProblem(assert, await c.finance.put(`/api/v1/assess/templates/${code}/draft`, doc('other')), 400,
      'validation_failed', { code: 'mismatch' })

    // Import straight to published: version 3.
    const v3 = await c.finance.post(`/api/v1/assess/templates?publish=true`, doc(code))
    assert.equal(v3.status, 201, v3.describe())
    assert.equal(v3.json.version, 3)
    assert.equal(v3.json.status, 'published')

    const actions = (await auditSince(c.auditor, auditFrom)).map((a) => a.action)
    assert.deepEqual(actions.filter((a) => a.startsWith('assess.template.')),
      ['assess.template.import', 'assess.template.save', 'assess.template.publish', 'assess.template.save',
        'assess.template.import'])
    assert.equal(actions.filter((a) => a === 'assess.indicator.create').length, 2)
  })

  test('library entries: PUT creates and replaces; templates keep their snapshot', async () => {
    const code = uniq('lib')
    assert.equal((await c.finance.post('/api/v1/assess/templates?publish=true', doc(code))).status, 201)
    const body = { name_zh: '比率', name_en: 'Rate', unit: '%', type: 'quality', source: 'manual',
      method: { method: 'ratio', target: 0.5 } }
    const put = await c.finance.put(`/api/v1/assess/indicators/${code}.rate`, body)
    assert.equal(put.status, 200, put.describe())
    assert.equal(put.json.version, 2)
    assert.equal(put.json.method.target, 0.5)
    const t = await c.finance.json(`/api/v1/assess/templates/${code}`)
    assert.equal(t.indicators.find((i) => i.code === `${code}.rate`).method.target, 0.9)
    // What GET returned goes back as is (version and updated_at are read-only).
    const entry = (await c.finance.json('/api/v1/assess/indicators')).items.find((i) => i.code === `${code}.rate`)
    entry.name_zh = '比率（改）'
    const again = await c.finance.put(`/api/v1/assess/indicators/${code}.rate`, entry)
    assert.equal(again.status, 200, again.describe())
    assert.equal(again.json.version, 3)
    expectProblem(assert, await c.finance.put(`/api/v1/assess/indicators/${code}.rate`,
      { ...body, method: { method: 'steps', steps: [[0.5, 0.2], [1, 0.5], [0.8, 1]] } }), 400, 'validation_failed',
    { 'method.steps[2][0]': 'not_monotonic' })
    expectProblem(assert, await c.finance.put(`/api/v1/assess/indicators/${code}.new`, { ...body, source: 'metric' }),
      400, 'validation_failed', { metric: 'required' })
  })
})

// `minsheng template import FILE` expected to fail: its exit status and stderr.
function importFails(file) {
  try {
    execFileSync(srv.bin, ['template', 'import', file, '--db', srv.db.url],
      { env: srv.env, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] })
  } catch (e) {
    return { status: e.status, stderr: e.stderr }
  }
  return { status: 0, stderr: '' }
}

describe('command line', () => {
  test('template import: exit 2 with field paths on a bad file; import and list', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ms-tmpl-'))
    try {
      const code = uniq('cli')
      const bad = doc(code)
      bad.nodes[0].children[0].indicator = 'no.such'
      writeFileSync(join(tmp, 'bad.json'), JSON.stringify(bad))
      const { status, stderr } = importFails(join(tmp, 'bad.json'))
      assert.equal(status, 2, stderr)
      assert.match(stderr, /nodes\[0\]\.children\[0\]\.indicator/)
      writeFileSync(join(tmp, 'good.json'), JSON.stringify(doc(code)))
      const out = srv.cli(['template', 'import', join(tmp, 'good.json'), '--publish'])
      assert.match(out, new RegExp(`${code}.*version 1 \\(published\\)`))
      const list = srv.cli(['template', 'list'])
      assert.match(list, new RegExp(`${code}\\s+1\\s+published`))
      assert.match(list, /unit_asset_mgmt\s+1\s+published/)
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})

describe('metric keys against the registry', () => {
  // doc(code) with A1 a computed indicator naming `metric` in `unit`.
  function metricDoc(code, metric, unit = '%') {
    const d = doc(code, { target: 100 })
    Object.assign(d.indicators[0], { source: 'metric', metric, unit })
    return d
  }

  test('import and PUT: an unknown key or a unit other than the metric\'s is a field error, nothing written', async () => {
    const code = uniq('mk')
    const before = (await c.finance.json('/api/v1/assess/indicators')).items.length
    expectProblem(assert, await c.finance.post('/api/v1/assess/templates', metricDoc(code, 'asset.no_such')),
      400, 'assess.template_invalid', { 'nodes[0].children[0].metric': 'unknown_metric' })
    expectProblem(assert, await c.finance.post('/api/v1/assess/templates', metricDoc(code, 'asset.registration_rate', '天')),
      400, 'assess.template_invalid', { 'nodes[0].children[0].metric': 'unit_mismatch' })
    assert.equal((await c.finance.json('/api/v1/assess/indicators')).items.length, before)
    const entry = metricDoc(code, 'asset.nope').indicators[0]
    expectProblem(assert, await c.finance.put(`/api/v1/assess/indicators/${entry.code}`, entry),
      400, 'validation_failed', { metric: 'unknown_metric' })
    const ok = await c.finance.post('/api/v1/assess/templates', metricDoc(code, 'asset.registration_rate'))
    assert.equal(ok.status, 201, ok.describe())
  })

  test('template import on the command line: exit 2 naming the leaf', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'ms-tmpl-'))
    try {
      writeFileSync(join(tmp, 'bad.json'), JSON.stringify(metricDoc(uniq('mkcli'), 'asset.no_such')))
      const { status, stderr } = importFails(join(tmp, 'bad.json'))
      assert.equal(status, 2, stderr)
      assert.match(stderr, /nodes\[0\]\.children\[0\]\.metric: .*asset\.no_such/)
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })
})
