// POST /api/v1/export/xlsx: any table the console shows, as a spreadsheet.
// A good file opens (zip magic; with LibreOffice installed, converted
// headless to CSV and compared cell by cell), bad input names its field,
// the file name survives in Content-Disposition, no session → 401.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectProblem, startServer } from './lib.mjs'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

let srv
const c = {}

before(async () => {
  srv = await startServer()
  for (const u of ['clerk', 'expert']) c[u] = await srv.login(u)
})

after(async () => {
  await srv?.stop()
})

// fetch keeping the body as bytes (Client.request reads text).
async function exportBytes(client, body) {
  const res = await fetch(srv.url + '/api/v1/export/xlsx', {
    method: 'POST',
    headers: { cookie: client.cookie, 'x-csrf-token': client.csrf, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) }
}

function soffice() {
  for (const bin of ['soffice', 'libreoffice']) {
    try {
      execFileSync('which', [bin], { stdio: 'ignore' })
      return bin
    } catch {}
  }
  return null
}

const table = {
  file_name: '考核列表-2025',
  sheet: '考核',
  title: '2025 年度考核',
  columns: [
    { key: 'name', label: '单位', type: 'text' },
    { key: 'total', label: '得分', type: 'number' },
    { key: 'rank', label: '排名', type: 'integer' },
    { key: 'day', label: '日期', type: 'date' },
    { key: 'rate', label: '完成率（%）', type: 'percent' },
  ],
  rows: [
    { name: '温江区财政局', total: 87.5, rank: 1, day: '2026-03-09', rate: 92.25 },
    { name: 'Dept, "B"', total: 70, rank: 2, day: null, rate: 0 },
  ],
}

describe('POST /api/v1/export/xlsx', () => {
  test('a good table comes back as an xlsx file that opens', async () => {
    const r = await exportBytes(c.clerk, table)
    assert.equal(r.status, 200, r.bytes.toString('utf8').slice(0, 400))
    assert.equal(r.headers.get('content-type'), XLSX)
    assert.equal(r.headers.get('cache-control'), 'no-store')
    const cd = r.headers.get('content-disposition')
    assert.match(cd, /^attachment; filename="[^"]*"; filename\*=UTF-8''/)
    assert.ok(cd.includes(`filename*=UTF-8''${encodeURIComponent('考核列表-2025.xlsx')}`), cd)
    assert.deepEqual([...r.bytes.subarray(0, 4)], [0x50, 0x4b, 0x03, 0x04], 'zip magic PK\\3\\4')

    const bin = soffice()
    if (!bin) return  // the zip check above is what we can do without LibreOffice
    const tmp = mkdtempSync(join(tmpdir(), 'ms-xport-'))
    try {
      const file = join(tmp, 'table.xlsx')
      writeFileSync(file, r.bytes)
      // A private profile so a running LibreOffice (or a parallel test) does not interfere.
      execFileSync(bin, [`-env:UserInstallation=file://${join(tmp, 'profile')}`, '--headless', '--convert-to',
        'csv:Text - txt - csv (StarCalc):44,34,76', '--outdir', tmp, file], { stdio: 'ignore', timeout: 120_000 })
      const text = readFileSync(join(tmp, 'table.csv'), 'utf8').replace(/^\uFEFF/, '')
      const lines = text.split(/\r?\n/).filter((l) => l !== '')
      assert.deepEqual(lines, [
        '单位,得分,排名,日期,完成率（%）',
        '温江区财政局,87.5,1,2026-03-09,92.25',
        '"Dept, ""B""",70,2,,0',
      ])
    } finally {
      rmSync(tmp, { recursive: true, force: true })
    }
  })

  test('an expert (no assessment admin rights) may export too; an empty table is just the header', async () => {
    const r = await exportBytes(c.expert, { file_name: 'empty', columns: [{ key: 'a', label: 'A' }], rows: [] })
    assert.equal(r.status, 200)
    assert.ok(r.headers.get('content-disposition').includes("filename*=UTF-8''empty.xlsx"))
    assert.deepEqual([...r.bytes.subarray(0, 2)], [0x50, 0x4b])
  })

  test('bad columns name their field, in zh and en', async () => {
    const body = {
      file_name: 'x',
      columns: [{ key: 'a', label: 'A', type: 'money' }, { key: 'a', label: 'B' }, { label: 'C' }],
      rows: [],
    }
    const zh = expectProblem(assert, await c.clerk.post('/api/v1/export/xlsx', body, { lang: 'zh-CN' }), 400,
      'validation_failed', { 'columns[0].type': 'invalid', 'columns[1].key': 'duplicate', 'columns[2].key': 'required' })
    const en = expectProblem(assert, await c.clerk.post('/api/v1/export/xlsx', body, { lang: 'en' }), 400,
      'validation_failed', { 'columns[0].type': 'invalid' })
    const msg = (r) => r.json.errors.find((e) => e.field === 'columns[0].type').message
    assert.match(msg(zh), /类型/)
    assert.match(msg(en), /type must be/)
  })

  test('bad cells name the row and key; non-object rows the row', async () => {
    const body = {
      file_name: 'x',
      columns: [{ key: 'n', label: 'N', type: 'number' }, { key: 'i', label: 'I', type: 'integer' }],
      rows: [{ n: 1, i: 1 }, { n: 'abc' }, { i: 2.5 }, 7, { n: { x: 1 } }],
    }
    const r = expectProblem(assert, await c.clerk.post('/api/v1/export/xlsx', body), 400, 'validation_failed',
      { 'rows[1].n': 'not_number', 'rows[2].i': 'not_integer', 'rows[3]': 'invalid', 'rows[4].n': 'invalid' })
    assert.equal(r.json.errors.length, 4, r.text)
  })

  test('limits: 100 columns, 200-character labels, required parts, not JSON', async () => {
    const cols = Array.from({ length: 101 }, (_, i) => ({ key: `k${i}`, label: 'L' }))
    expectProblem(assert, await c.clerk.post('/api/v1/export/xlsx', { file_name: 'x', columns: cols, rows: [] }), 400,
      'validation_failed', { columns: 'too_many' })
    expectProblem(assert, await c.clerk.post('/api/v1/export/xlsx',
      { file_name: 'x', columns: [{ key: 'a', label: 'x'.repeat(201) }], rows: [] }), 400, 'validation_failed',
    { 'columns[0].label': null })
    expectProblem(assert, await c.clerk.post('/api/v1/export/xlsx', {}), 400, 'validation_failed',
      { file_name: 'required', columns: 'required', rows: 'required' })
    const bad = await c.clerk.post('/api/v1/export/xlsx', '{not json')
    assert.equal(bad.status, 400, bad.describe())
  })

  test('without a session: 401', async () => {
    const r = await srv.anon.post('/api/v1/export/xlsx', table)
    expectProblem(assert, r, 401, 'unauthenticated')
  })
})
