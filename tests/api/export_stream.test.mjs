// GET /api/v1/exports/assets streamed (issue 3): the whole demo county
// (thousands of cards, many 100-card pages) as CSV — chunked, every card
// once, in number order, the count in X-Total-Count — and as XLSX, parsed here
// without LibreOffice (tests/api/lib.mjs unzips it) with one row per card and
// the CSV's cells; the XLSX's scratch file is gone once it is sent; HEAD and
// HTTP/1.0 get proper framing; a bad filter is a problem, not a broken file;
// writes go on while a download is paused mid-stream.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expectProblem, parseCsv, startServer, xlsxRows } from './lib.mjs'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
const PATH = '/api/v1/exports/assets'

let srv
let scratch // the server's TMPDIR: the XLSX export's scratch files go here
const c = {}
let total
let csvRows // the whole county's CSV export, header first

before(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'ms-export-tmp-'))
  srv = await startServer({ extraEnv: { TMPDIR: scratch } })
  for (const u of ['assets', 'clerk']) c[u] = await srv.login(u)
  total = (await c.assets.json('/api/v1/assets?limit=1')).total
})

after(async () => {
  await srv?.stop()
  if (scratch) rmSync(scratch, { recursive: true, force: true })
})

// A GET with node:http (headers as sent, body as bytes); onFirstData may
// pause the response and must resume it.
function download(client, path, { method = 'GET', onFirstData } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(srv.url + path)
    const req = httpRequest({ host: u.hostname, port: u.port, method, path: u.pathname + u.search,
      headers: { cookie: client.cookie } }, (res) => {
      const chunks = []
      res.on('data', (chunk) => {
        chunks.push(chunk)
        if (chunks.length === 1 && onFirstData) onFirstData(res)
      })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

function dataRows(text) {
  return parseCsv(text).filter((r) => r.some((x) => x !== ''))
}

describe('streamed asset export', () => {
  test('CSV of the whole county: chunked, every card once in number order, the count', async () => {
    assert.ok(total > 3000, `the demo county should span many 100-card pages, has ${total}`)
    const r = await download(c.assets, `${PATH}?format=csv`)
    assert.equal(r.status, 200, r.bytes.toString('utf8', 0, 400))
    assert.equal(r.headers['transfer-encoding'], 'chunked')
    assert.equal(r.headers['content-length'], undefined)
    assert.match(r.headers['content-type'], /^text\/csv/)
    assert.equal(r.headers['cache-control'], 'no-store')
    assert.match(r.headers['content-disposition'],
      /^attachment; filename="[^"]*\.csv"; filename\*=UTF-8''%E8%B5%84%E4%BA%A7%E6%B8%85%E5%8D%95-\d{8}\.csv$/)
    assert.equal(r.headers['x-total-count'], String(total))
    assert.deepEqual([...r.bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM first')
    csvRows = dataRows(r.bytes.toString('utf8'))
    const [header, ...rows] = csvRows
    assert.equal(header[0], '资产编号')
    assert.equal(header.length, 40)
    assert.equal(rows.length, total)
    const numbers = rows.map((row) => row[0])
    for (let i = 1; i < numbers.length; i++) {
      assert.ok(numbers[i - 1] < numbers[i], `row ${i}: ${numbers[i - 1]} before ${numbers[i]} (no repeats across pages)`)
    }
    // The same cards as the list API, page by page.
    const listed = []
    for (let cursor = null; ;) {
      const page = await c.assets.json(`/api/v1/assets?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`)
      listed.push(...page.items.map((a) => a.number))
      if (!page.next_cursor) break
      cursor = page.next_cursor
    }
    assert.deepEqual(numbers, listed)
  })

  test('XLSX of the same list parses without LibreOffice: one row per card, the CSV cells', async () => {
    assert.ok(csvRows, 'runs after the CSV test')
    const r = await download(c.assets, `${PATH}?format=xlsx`)
    assert.equal(r.status, 200, r.bytes.toString('utf8', 0, 400))
    assert.equal(r.headers['content-type'], XLSX)
    assert.equal(r.headers['content-length'], String(r.bytes.length), 'sent from its file with a length')
    assert.equal(r.headers['transfer-encoding'], undefined)
    assert.match(r.headers['content-disposition'], /filename\*=UTF-8''%E8%B5%84%E4%BA%A7%E6%B8%85%E5%8D%95-\d{8}\.xlsx$/)
    assert.equal(r.headers['x-total-count'], String(total))
    const rows = xlsxRows(r.bytes)
    assert.deepEqual(rows[0], csvRows[0], 'the same Chinese headers')
    assert.equal(rows.length - 1, total)
    const header = csvRows[0]
    const money = ['原值（元）', '累计折旧（元）', '净值（元）'].map((h) => header.indexOf(h))
    for (const i of [1, 2, Math.floor(total / 2), total]) {
      const x = rows[i]
      const v = csvRows[i]
      assert.equal(x[0], v[0], `row ${i}: the same card`)
      assert.equal(x[header.indexOf('资产名称')], v[header.indexOf('资产名称')])
      assert.equal(x[header.indexOf('取得日期')], v[header.indexOf('取得日期')])
      for (const m of money) assert.equal(Number(x[m]).toFixed(2), v[m], `row ${i} ${header[m]}: a number in 元`)
    }
    const left = readdirSync(scratch).filter((n) => n.startsWith('minsheng-export'))
    assert.deepEqual(left, [], 'the scratch file and directory are removed')
  })

  test('a filtered clerk export holds the unit only, and matches the list', async () => {
    const list = await c.clerk.json('/api/v1/assets?category=A02&limit=1')
    const r = await download(c.clerk, `${PATH}?format=csv&category=A02`)
    assert.equal(r.status, 200)
    const [header, ...rows] = dataRows(r.bytes.toString('utf8'))
    assert.equal(rows.length, list.total)
    assert.ok(rows.length > 0)
    const iOrg = header.indexOf('所属单位')
    assert.deepEqual([...new Set(rows.map((row) => row[iOrg]))], ['示范县河西乡第一中学'])
    assert.ok(rows.every((row) => row[header.indexOf('资产分类代码')].startsWith('A02')))
  })

  test('a bad filter is a problem response, not the start of a file', async () => {
    for (const format of ['csv', 'xlsx']) {
      const r = await c.assets.get(`${PATH}?format=${format}&state=bogus`)
      expectProblem(assert, r, 400, 'validation_failed', { state: 'invalid' })
      assert.equal(r.headers.get('content-disposition'), null)
    }
    const anon = await srv.anon.get(`${PATH}?format=csv`)
    assert.equal(anon.status, 401)
  })

  test('HEAD gives the GET head without a body', async () => {
    const r = await download(c.assets, `${PATH}?format=csv`, { method: 'HEAD' })
    assert.equal(r.status, 200)
    assert.equal(r.bytes.length, 0)
    assert.equal(r.headers['transfer-encoding'], 'chunked')
    assert.equal(r.headers['content-length'], undefined)
    assert.match(r.headers['content-disposition'], /\.csv$/)
  })

  test('an HTTP/1.0 client gets the CSV up to the close', async () => {
    const raw = await new Promise((resolve, reject) => {
      const u = new URL(srv.url)
      const socket = connect(Number(u.port), u.hostname, () => {
        socket.write(`GET ${PATH}?format=csv HTTP/1.0\r\nHost: ${u.host}\r\nCookie: ${c.clerk.cookie}\r\n\r\n`)
      })
      const chunks = []
      socket.on('data', (d) => chunks.push(d))
      socket.on('end', () => resolve(Buffer.concat(chunks)))
      socket.on('error', reject)
    })
    const split = raw.indexOf('\r\n\r\n')
    const head = raw.toString('latin1', 0, split)
    assert.match(head, /^HTTP\/1\.0 200 /)
    assert.doesNotMatch(head, /transfer-encoding|content-length|connection: keep-alive/i)
    const list = await c.clerk.json('/api/v1/assets?limit=1')
    const rows = dataRows(raw.subarray(split + 4).toString('utf8'))
    assert.equal(rows.length - 1, list.total)
  })

  test('a download paused mid-stream blocks neither writes nor other requests, then completes', async () => {
    let wrote
    const r = await download(c.assets, `${PATH}?format=csv`, {
      onFirstData(res) {
        res.pause()
        wrote = (async () => {
          const started = Date.now()
          const clerk = await srv.login('clerk') // a session row and an audit row: a write
          const page = await clerk.json('/api/v1/assets?limit=1')
          return { ms: Date.now() - started, total: page.total }
        })().finally(() => res.resume())
      },
    })
    const w = await wrote
    assert.ok(w.ms < 5000, `a login and a list while the export waits took ${w.ms} ms`)
    assert.ok(w.total > 0)
    assert.equal(r.status, 200)
    assert.equal(dataRows(r.bytes.toString('utf8')).length - 1, total)
  })
})
