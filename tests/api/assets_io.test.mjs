// Asset import and export over HTTP (the asset I/O contract): the template,
// an upload with bad rows (job failed, per-row report, nothing written), the
// fixed upload, a GBK file, a dry run, job privacy, scope on import and on
// export. The unit clerk `clerk` of 示范县河西乡第一中学 (JY-ZX-01) imports.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { setTimeout as sleep } from 'node:timers/promises'
import { Directory, auditSince, expectProblem, lastAuditId, parseCsv, startServer, uniq } from './lib.mjs'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const HEADER = '资产名称,资产分类代码,会计科目,取得方式,经费来源,取得日期,原值（元）,计量单位,使用部门,使用人,存放地点'

let srv
let dir
const c = {}
const ids = {}

before(async () => {
  srv = await startServer()
  for (const u of ['admin', 'clerk', 'custodian', 'auditor', 'assets']) c[u] = await srv.login(u)
  dir = new Directory(c.admin, c.admin)
  ids.school = (await dir.org('JY-ZX-01')).id
  ids.other = (await dir.org('JY-ZX-05')).id
})

after(async () => {
  await srv?.stop()
})

// A ledger in CSV: the header and one line per row (arrays of cells).
function csv(rows) {
  return [HEADER, ...rows.map((r) => r.join(','))].join('\r\n') + '\r\n'
}

function goodRow(name, dept, person) {
  return [name, 'A02010104', '1601', '购置', '财政拨款', '2024-09-01', '"4,500.00"', '台', dept, person, '教学楼/3层/302']
}

function upload(client, orgId, body, { type = 'text/csv', dryRun, name = '台账.csv' } = {}) {
  const q = dryRun === undefined ? '' : `&dry_run=${dryRun}`
  return client.request('POST', `/api/v1/imports/assets?org_id=${orgId}${q}`, {
    body: Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8'),
    headers: { 'content-type': type, 'x-filename': encodeURIComponent(name) },
  })
}

// Polls the job until it has finished.
async function waitJob(client, id) {
  const deadline = Date.now() + 60_000
  for (;;) {
    const r = await client.get(`/api/v1/jobs/${id}`)
    assert.equal(r.status, 200, r.describe())
    if (r.json.state === 'succeeded' || r.json.state === 'failed') return r.json
    if (Date.now() > deadline) throw new Error(`job ${id} did not finish: ${r.text}`)
    await sleep(50)
  }
}

async function importAndWait(client, orgId, body, opts) {
  const r = await upload(client, orgId, body, opts)
  assert.equal(r.status, 202, r.describe())
  assert.match(r.json.job_id, /^[A-Za-z0-9_-]{16,}$/)
  return waitJob(client, r.json.job_id)
}

async function total(client, orgId) {
  return (await client.json(`/api/v1/assets?org=${orgId}&limit=1`)).total
}

describe('template', () => {
  test('XLSX template is a zip with a filename* disposition', async () => {
    const res = await fetch(`${srv.url}/api/v1/imports/assets/template?format=xlsx`, { headers: { cookie: c.clerk.cookie } })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), XLSX)
    const bytes = Buffer.from(await res.arrayBuffer())
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK')
    assert.match(res.headers.get('content-disposition'), /^attachment; filename="[^"]*\.xlsx"; filename\*=UTF-8''%E8%B5%84/)
  })

  test('CSV template has the Chinese headers', async () => {
    const r = await c.clerk.get('/api/v1/imports/assets/template?format=csv')
    assert.equal(r.status, 200, r.describe())
    const [header] = parseCsv(r.text)
    assert.ok(header.includes('*资产名称'), header.join('|'))
    assert.ok(header.includes('*存放地点'), header.join('|'))
  })

  test('an unknown format is a field error; anonymous is 401', async () => {
    expectProblem(assert, await c.clerk.get('/api/v1/imports/assets/template?format=xls'), 400, 'validation_failed', { format: 'invalid' })
    assert.equal((await srv.anon.get('/api/v1/imports/assets/template')).status, 401)
  })
})

describe('import', () => {
  const dept = uniq('科室')
  const person = uniq('人员')

  test('bad rows: the job fails with every error reported by row and column; nothing written', async () => {
    const before = await total(c.clerk, ids.school)
    const mark = await lastAuditId(c.auditor)
    const rows = [
      goodRow('台式计算机', dept, person),
      [...goodRow('投影仪', dept, person).slice(0, 6), 'abc', ...goodRow('x', dept, person).slice(7)],
      goodRow('打印机', dept, person),
      ['办公桌', 'A99999999', ...goodRow('x', dept, person).slice(2)],
    ]
    const job = await importAndWait(c.clerk, ids.school, csv(rows))
    assert.equal(job.state, 'failed', JSON.stringify(job))
    assert.equal(job.kind, 'asset_import')
    assert.equal(job.error_code, 'exchange.rows_invalid')
    assert.equal(job.result.error_count, 2)
    assert.equal(job.result.imported, 0)
    assert.equal(job.result.rows, 4)
    assert.deepEqual(job.report, { xlsx: `/api/v1/jobs/${job.id}/report.xlsx`, csv: `/api/v1/jobs/${job.id}/report.csv` })

    const report = await c.clerk.get(job.report.csv)
    assert.equal(report.status, 200, report.describe())
    assert.match(report.headers.get('content-type'), /text\/csv/)
    const [header, ...lines] = parseCsv(report.text).filter((l) => l.some((x) => x !== ''))
    assert.deepEqual(header.slice(0, 6), ['行号', '列', '值', '错误代码', '错误说明', 'Error'])
    assert.equal(lines.length, 2, report.text)
    assert.deepEqual(lines.map((l) => [l[0], l[1], l[2]]), [['3', '原值（元）', 'abc'], ['5', '资产分类代码', 'A99999999']])

    const xlsx = await fetch(srv.url + job.report.xlsx, { headers: { cookie: c.clerk.cookie } })
    assert.equal(xlsx.status, 200)
    assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString('latin1'), 'PK')

    assert.equal(await total(c.clerk, ids.school), before)
    const staff = await c.clerk.json(`/api/v1/orgs/${ids.school}/staff?q=${encodeURIComponent(person)}`)
    assert.equal(staff.items.length, 0, 'directory additions rolled back too')
    assert.deepEqual(await auditSince(c.auditor, mark), [])
  })

  test('the fixed file imports every row, adds the directory entries and audits the batch', async () => {
    const before = await total(c.clerk, ids.school)
    const mark = await lastAuditId(c.auditor)
    const rows = [goodRow('台式计算机', dept, person), goodRow('投影仪', dept, person), goodRow('打印机', dept, person)]
    const job = await importAndWait(c.clerk, ids.school, csv(rows))
    assert.equal(job.state, 'succeeded', JSON.stringify(job))
    assert.equal(job.result.imported, 3)
    assert.equal(job.result.error_count, 0)
    assert.equal(job.report, null)
    assert.deepEqual(job.result.added.departments, [dept])
    assert.deepEqual(job.result.added.staff, [person])
    assert.equal(job.done, 3)
    assert.equal(await total(c.clerk, ids.school), before + 3)
    const audit = await auditSince(c.auditor, mark)
    assert.ok(audit.some((a) => a.action === 'asset.register_batch'), JSON.stringify(audit.map((a) => a.action)))
    const page = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${encodeURIComponent('投影仪')}&limit=200`)
    assert.ok(page.items.some((a) => a.custodian_name === person && a.original_value === 450000), JSON.stringify(page.items[0]))
  })

  test('a GBK-encoded CSV is detected and imported', async () => {
    const before = await total(c.clerk, ids.school)
    const name = uniq('文件柜')
    const gbk = execFileSync('iconv', ['-f', 'UTF-8', '-t', 'GBK'], { input: Buffer.from(csv([goodRow(name, dept, person)]), 'utf8') })
    assert.notDeepEqual(gbk, Buffer.from(csv([goodRow(name, dept, person)]), 'utf8'))
    const job = await importAndWait(c.clerk, ids.school, gbk)
    assert.equal(job.state, 'succeeded', JSON.stringify(job))
    assert.equal(job.result.imported, 1)
    assert.equal(await total(c.clerk, ids.school), before + 1)
    const page = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${encodeURIComponent(name)}`)
    assert.equal(page.items.length, 1)
    assert.equal(page.items[0].name, name)
  })

  test('a dry run validates and writes nothing', async () => {
    const before = await total(c.clerk, ids.school)
    const job = await importAndWait(c.clerk, ids.school, csv([goodRow('椅子', uniq('新科室'), person)]), { dryRun: true })
    assert.equal(job.state, 'succeeded', JSON.stringify(job))
    assert.equal(job.result.dry_run, true)
    assert.equal(job.result.imported, 0)
    assert.equal(job.result.added.departments.length, 1, 'would be added')
    assert.equal(await total(c.clerk, ids.school), before)
  })

  test('a file without the required columns fails with a report', async () => {
    const job = await importAndWait(c.clerk, ids.school, '资产名称,原值（元）\r\n椅子,100\r\n')
    assert.equal(job.state, 'failed')
    assert.equal(job.error_code, 'exchange.missing_columns')
    assert.ok(job.result.error_count >= 1)
    assert.equal((await c.clerk.get(job.report.csv)).status, 200)
  })

  test('only the user who started a job sees it or its report', async () => {
    const r = await upload(c.clerk, ids.school, csv([goodRow('椅子', dept, 'bad,')]), { dryRun: true })
    assert.equal(r.status, 202, r.describe())
    const id = r.json.job_id
    await waitJob(c.clerk, id)
    expectProblem(assert, await c.custodian.get(`/api/v1/jobs/${id}`), 404, 'not_found')
    expectProblem(assert, await c.custodian.get(`/api/v1/jobs/${id}/report.csv`), 404, 'not_found')
    expectProblem(assert, await c.admin.get(`/api/v1/jobs/${id}`), 404, 'not_found')
    expectProblem(assert, await c.clerk.get('/api/v1/jobs/nosuchjob0000000000'), 404, 'not_found')
  })

  test('a clerk importing into another unit is refused at once; nothing written', async () => {
    const before = await total(c.assets, ids.other)
    const r = await upload(c.clerk, ids.other, csv([goodRow('台式计算机', dept, person)]))
    expectProblem(assert, r, 404, 'not_found')
    expectProblem(assert, await upload(c.clerk, 999999, csv([goodRow('台式计算机', dept, person)])), 404, 'not_found')
    expectProblem(assert, await upload(c.custodian, ids.school, csv([goodRow('台式计算机', dept, person)])), 403, 'forbidden')
    assert.equal(await total(c.assets, ids.other), before)
  })

  test('bad requests: org_id, dry_run, content type, empty body, mismatched bytes', async () => {
    const body = csv([goodRow('椅子', dept, person)])
    expectProblem(assert, await c.clerk.request('POST', '/api/v1/imports/assets', { body: Buffer.from(body), headers: { 'content-type': 'text/csv' } }),
      400, 'validation_failed', { org_id: 'required' })
    expectProblem(assert, await upload(c.clerk, ids.school, body, { dryRun: 'maybe' }), 400, 'validation_failed', { dry_run: 'invalid' })
    expectProblem(assert, await upload(c.clerk, ids.school, body, { type: 'application/json' }), 400, 'exchange.unsupported_content_type')
    expectProblem(assert, await upload(c.clerk, ids.school, body, { type: XLSX }), 400, 'exchange.content_type_mismatch')
    expectProblem(assert, await upload(c.clerk, ids.school, ''), 400, 'exchange.empty_file')
    // Without the CSRF token a cookie upload is refused before anything runs.
    const r = await c.clerk.request('POST', `/api/v1/imports/assets?org_id=${ids.school}`, {
      body: Buffer.from(body), csrf: false, headers: { 'content-type': 'text/csv' },
    })
    expectProblem(assert, r, 403, 'csrf_failed')
  })

  test('an XLSX upload (the exported template filled in) imports', async () => {
    // The exported list's headers are the import's: export one card as XLSX
    // and import it again (number and unit columns are reported unknown).
    const res = await fetch(`${srv.url}/api/v1/exports/assets?format=xlsx&org=${ids.school}&q=${encodeURIComponent('台式计算机')}`,
      { headers: { cookie: c.clerk.cookie } })
    assert.equal(res.status, 200)
    const bytes = Buffer.from(await res.arrayBuffer())
    const before = await total(c.clerk, ids.school)
    const job = await importAndWait(c.clerk, ids.school, bytes, { type: XLSX, name: '资产清单.xlsx' })
    assert.equal(job.state, 'succeeded', JSON.stringify(job))
    assert.ok(job.result.imported >= 1)
    assert.equal(await total(c.clerk, ids.school), before + job.result.imported)
  })
})

describe('export', () => {
  test('CSV with a filter holds only in-scope rows matching it', async () => {
    const list = await c.clerk.json('/api/v1/assets?state=in_use&limit=1')
    const r = await c.clerk.get('/api/v1/exports/assets?format=csv&state=in_use')
    assert.equal(r.status, 200, r.describe())
    assert.match(r.type, /text\/csv/)
    assert.match(r.headers.get('content-disposition'), /filename\*=UTF-8''%E8%B5%84%E4%BA%A7%E6%B8%85%E5%8D%95-\d{8}\.csv$/)
    const [header, ...rows] = parseCsv(r.text).filter((l) => l.some((x) => x !== ''))
    assert.equal(header[0], '资产编号')
    const iOrg = header.indexOf('所属单位')
    const iState = header.indexOf('资产状态')
    const iValue = header.indexOf('原值（元）')
    assert.equal(rows.length, list.total)
    assert.ok(rows.length > 0)
    for (const row of rows) {
      assert.equal(row[iOrg], '示范县河西乡第一中学')
      assert.equal(row[iState], '在用')
      assert.match(row[iValue], /^\d+\.\d{2}$/)
    }
    assert.equal(r.headers.get('x-total-count'), String(rows.length))
  })

  test('XLSX export is a zip; the unit filter of another unit is 404 for a clerk', async () => {
    const res = await fetch(`${srv.url}/api/v1/exports/assets?format=xlsx&category=A02`, { headers: { cookie: c.clerk.cookie } })
    assert.equal(res.status, 200)
    assert.equal(res.headers.get('content-type'), XLSX)
    assert.equal(Buffer.from(await res.arrayBuffer()).subarray(0, 2).toString('latin1'), 'PK')
    const other = await c.clerk.get(`/api/v1/exports/assets?format=csv&org=${ids.other}`)
    assert.equal(other.status, 404, other.describe())
    expectProblem(assert, await c.clerk.get('/api/v1/exports/assets?format=pdf'), 400, 'validation_failed', { format: 'invalid' })
    expectProblem(assert, await c.clerk.get('/api/v1/exports/assets?state=bogus'), 400, 'validation_failed', { state: 'invalid' })
  })

  test('a supervisor export covers the subtree, the clerk export only the unit', async () => {
    const clerkRows = parseCsv((await c.clerk.get('/api/v1/exports/assets?format=csv')).text).length
    const allRows = parseCsv((await c.assets.get('/api/v1/exports/assets?format=csv&category=A02')).text)
    const iOrg = allRows[0].indexOf('所属单位')
    assert.ok(new Set(allRows.slice(1).map((r) => r[iOrg])).size > 1, 'several units')
    assert.ok(clerkRows > 1)
  })
})

describe('free text order', () => {
  test('without a sort, free text lists the newest registered first; a chosen sort is kept', async () => {
    const q = encodeURIComponent('计算机')
    const byDefault = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${q}&limit=5`)
    const registered = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${q}&sort=registered&order=desc&limit=5`)
    assert.ok(byDefault.items.length > 1, 'the demo school has computers')
    assert.deepEqual(byDefault.items.map((a) => a.number), registered.items.map((a) => a.number))
    assert.equal(byDefault.total, registered.total)
    // The page says which order it is in (the console's hint reads it).
    assert.deepEqual([byDefault.sort, byDefault.order], ['registered', 'desc'])
    // Registration order is the reverse of oldest-first, page for page.
    const oldest = { items: [] }
    for (let cursor = ''; ;) {
      const page = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${q}&sort=registered&limit=200${cursor}`)
      oldest.items.push(...page.items)
      if (!page.next_cursor) break
      cursor = `&cursor=${encodeURIComponent(page.next_cursor)}`
    }
    assert.equal(oldest.items.length, registered.total)
    assert.deepEqual(oldest.items.slice(-5).reverse().map((a) => a.number), registered.items.map((a) => a.number))
    // An explicit sort still orders by its key.
    const byNumber = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${q}&sort=number&limit=5`)
    const numbers = byNumber.items.map((a) => a.number)
    assert.deepEqual(numbers, [...numbers].sort())
    assert.deepEqual([byNumber.sort, byNumber.order], ['number', 'asc'])
    // Short text: indexed too (SQLite's assets_short, PostgreSQL's text index
    // in the server's memory), so newest first as well.
    const short = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${encodeURIComponent('计算')}&limit=20`)
    const shortSorted = await c.clerk.json(
      `/api/v1/assets?org=${ids.school}&q=${encodeURIComponent('计算')}&sort=registered&order=desc&limit=20`)
    assert.ok(short.items.length > 1)
    assert.deepEqual(short.items.map((a) => a.number), shortSorted.items.map((a) => a.number))
    assert.deepEqual([short.sort, short.order], ['registered', 'desc'])
    // Without text, likewise.
    const plain = await c.clerk.json(`/api/v1/assets?org=${ids.school}&limit=5`)
    const plainNumbers = plain.items.map((a) => a.number)
    assert.deepEqual(plainNumbers, [...plainNumbers].sort())
    // A cursor of the default order pages on in it.
    assert.ok(byDefault.next_cursor, 'more than 5 computers')
    const next = await c.clerk.json(`/api/v1/assets?org=${ids.school}&q=${q}&limit=5&cursor=${encodeURIComponent(byDefault.next_cursor)}`)
    const n = oldest.items.length
    assert.deepEqual(next.items.map((a) => a.number), oldest.items.slice(Math.max(0, n - 10), n - 5).reverse().map((a) => a.number))
  })

  test('an unknown sort is refused at the field in both languages', async () => {
    const r = await c.clerk.get(`/api/v1/assets?org=${ids.school}&sort=newest`)
    expectProblem(assert, r, 400, 'validation_failed', { sort: 'invalid' })
    assert.match(r.json.errors.find((e) => e.field === 'sort').message, /registered/)
  })
})
