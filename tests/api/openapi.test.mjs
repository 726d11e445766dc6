// GET /api/v1/openapi.yaml serves docs/openapi.yaml (embedded at build time),
// without a login. tests/unit/openapi_test.cpp checks that the document lists
// exactly the registered routes; here we check what a client gets.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, startServer } from './lib.mjs'

let srv

before(async () => {
  srv = await startServer()
})

after(async () => {
  await srv?.stop()
})

// Path keys (2 spaces) and their method keys (4 spaces), as in the C++ test.
function documentRoutes(doc) {
  const out = []
  let inPaths = false
  let path = ''
  for (const line of doc.split('\n')) {
    if (/^\S/.test(line)) {
      inPaths = line.startsWith('paths:')
      continue
    }
    if (!inPaths) continue
    let m = line.match(/^ {2}(\/\S+):$/)
    if (m) {
      path = m[1]
      continue
    }
    m = line.match(/^ {4}(get|put|post|delete|patch|options|head|trace):$/)
    if (m) out.push(`${m[1].toUpperCase()} ${path}`)
  }
  return out
}

test('GET /api/v1/openapi.yaml is served without a login', async () => {
  const r = await srv.anon.get('/api/v1/openapi.yaml')
  assert.equal(r.status, 200)
  assert.match(r.headers.get('content-type'), /^application\/yaml/)
  assert.ok(r.text.startsWith('openapi: 3.0.3\n'), r.text.slice(0, 80))
  assert.match(r.text, /\ninfo:\n/)
  assert.match(r.text, /\npaths:\n/)
  assert.match(r.text, /\n {4}cookieAuth:\n/)
  assert.match(r.text, /\n {4}bearerAuth:\n/)
  assert.match(r.text, /name: X-CSRF-Token/)
  const head = await srv.anon.request('HEAD', '/api/v1/openapi.yaml')
  assert.equal(head.status, 200)
  assert.equal(head.text, '')
})

test('the served document is docs/openapi.yaml of this tree', async () => {
  const onDisk = readFileSync(join(REPO, 'docs', 'openapi.yaml'), 'utf8')
  const served = (await srv.anon.get('/api/v1/openapi.yaml')).text
  assert.equal(served, onDisk, 'the binary embeds another version of docs/openapi.yaml: rebuild it')
})

test('every documented operation exists on the server (no 404 route_not_found / 405)', async () => {
  const doc = (await srv.anon.get('/api/v1/openapi.yaml')).text
  const routes = documentRoutes(doc)
  assert.ok(routes.length >= 29, `only ${routes.length} operations documented`)
  for (const route of routes) {
    const [method, pattern] = route.split(' ')
    const path = pattern.replace(/\{[^}]+\}/g, '1')
    // No session: a real route answers 401 (or 200 when public, 4xx for a login body),
    // never route_not_found or method_not_allowed.
    const r = await srv.anon.request(method, path, { body: ['POST', 'PUT', 'PATCH'].includes(method) ? {} : undefined })
    assert.ok(!['route_not_found', 'method_not_allowed'].includes(r.code), `${route}: ${r.describe()}`)
  }
})
