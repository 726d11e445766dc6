// The audit log: every write endpoint leaves exactly one row with actor,
// action, object, before/after, the request id of the response and the
// source address; reads and refused writes leave none; only the auditor
// reads it; its filters work; nothing can change or delete it over HTTP.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEMO_USERS, Directory, auditSince, expectProblem, lastAuditId, startServer, totpAt, totpStep, uniq } from './lib.mjs'

const PASSWORD = 'Strong@Pass2026'

let srv
let dir
const c = {}
const ids = {}

before(async () => {
  srv = await startServer()
  for (const u of Object.keys(DEMO_USERS)) c[u] = await srv.login(u)
  dir = new Directory(c.admin, c.security)
  ids.jyj = (await dir.org('SF-JYJ')).id
  ids.wjj = (await dir.org('SF-WJJ')).id
  ids.school = (await dir.org('JY-ZX-01')).id
  const r = await c.security.post('/api/v1/users', {
    username: 'au-user', display_name: '审计测试', org_id: ids.school, password: PASSWORD,
    must_change_password: false, roles: [{ role: 'custodian' }],
  })
  assert.equal(r.status, 201, r.describe())
  ids.user = r.json.id
  c.user = await srv.login('au-user', PASSWORD)
})

after(async () => {
  await srv?.stop()
})

// Runs one write and returns [response, the single new audit row].
async function audited(fn) {
  const mark = await lastAuditId(c.auditor)
  const r = await fn()
  const rows = await auditSince(c.auditor, mark)
  assert.equal(rows.length, 1, `expected exactly one audit row for ${r.status} ${r.text?.slice(0, 200)}, got ${JSON.stringify(rows, null, 1)}`)
  const row = rows[0]
  assert.equal(row.request_id, r.requestId, 'audit request_id = X-Request-Id of the response')
  assert.equal(row.source_addr, '127.0.0.1')
  assert.ok(Math.abs(Date.parse(row.at) - Date.now()) < 60_000, `at ${row.at}`)
  assert.match(row.at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/)
  return [r, row]
}

function actor(row, username) {
  assert.equal(row.actor_name, username)
  if (username in ids.users) assert.equal(row.actor_user_id, ids.users[username])
}

// The write endpoints, each with what its audit row must say.
describe('every write leaves exactly one audit row', () => {
  before(async () => {
    ids.users = {}
    for (const [name, client] of Object.entries(c)) if (client.me) ids.users[client.me.username] = client.me.id
  })

  test('POST /auth/login (success)', async () => {
    const s = srv.anon
    const [r, row] = await audited(() => s.login('au-user', PASSWORD))
    assert.equal(r.status, 200)
    actor(row, 'au-user')
    assert.equal(row.action, 'auth.login')
    assert.equal(row.object_type, 'session')
    assert.match(row.object_id, /^\d+$/)
    assert.equal(row.org_id, ids.school)
    ids.loginSession = s
  })

  test('POST /auth/login (wrong password, unknown user)', async () => {
    const [r, row] = await audited(() => srv.anon.login('au-user', 'Wrong@Pass0000'))
    assert.equal(r.status, 401)
    assert.equal(row.action, 'auth.login_failed')
    assert.equal(row.actor_user_id, null)
    assert.equal(row.actor_name, 'au-user')
    assert.equal(row.object_type, 'user')
    assert.equal(row.object_id, String(ids.user))
    assert.equal(row.after.reason, 'password')
    assert.equal(row.after.failed_logins, 1)
    const [r2, row2] = await audited(() => srv.anon.login('Nobody-Here', 'x'))
    assert.equal(r2.status, 401)
    assert.equal(row2.action, 'auth.login_failed')
    assert.equal(row2.object_id, 'nobody-here')
    assert.equal(row2.after.reason, 'unknown_user')
    await srv.login('au-user', PASSWORD)  // reset the failure count
  })

  test('POST /auth/login (the failure that locks the account)', async () => {
    const u = await c.security.post('/api/v1/users', {
      username: 'au-lock', display_name: 'x', org_id: ids.school, password: PASSWORD, must_change_password: false,
      roles: [{ role: 'custodian' }],
    })
    ids.locked = u.json.id
    for (let i = 0; i < 4; i++) await srv.anon.login('au-lock', 'Wrong@Pass0000')
    const [r, row] = await audited(() => srv.anon.login('au-lock', 'Wrong@Pass0000'))
    expectProblem(assert, r, 403, 'auth.locked')
    assert.equal(row.action, 'auth.locked')
    assert.equal(row.after.failed_logins, 5)
    assert.ok(row.after.locked_until)
  })

  test('POST /auth/login on a locked account is audited too', async () => {
    const [r, row] = await audited(() => srv.anon.login('au-lock', PASSWORD))
    expectProblem(assert, r, 403, 'auth.locked')
    assert.match(row.action, /^auth\./)
    assert.equal(row.object_id, String(ids.locked))
  })

  test('POST /users/{id}/unlock', async () => {
    const [r, row] = await audited(() => c.security.post(`/api/v1/users/${ids.locked}/unlock`))
    assert.equal(r.status, 204)
    actor(row, 'security')
    assert.equal(row.action, 'user.unlock')
    assert.equal(row.object_type, 'user')
    assert.equal(row.object_id, String(ids.locked))
    assert.equal(row.org_id, ids.school)
    assert.deepEqual(row.before, { failed_logins: 5 })
    assert.deepEqual(row.after, { failed_logins: 0 })
  })

  test('POST /auth/logout', async () => {
    const s = await srv.login('au-user', PASSWORD)
    const [r, row] = await audited(() => s.post('/api/v1/auth/logout'))
    assert.equal(r.status, 204)
    actor(row, 'au-user')
    assert.equal(row.action, 'auth.logout')
    assert.equal(row.object_type, 'session')
  })

  test('POST /me/password', async () => {
    const [r, row] = await audited(() => c.user.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'Second@Pass2026' }))
    assert.equal(r.status, 204, r.describe())
    actor(row, 'au-user')
    assert.equal(row.action, 'user.password_change')
    assert.equal(row.object_id, String(ids.user))
    assert.ok(!JSON.stringify(row).includes('Second@Pass2026'), 'no password in the audit log')
    assert.ok(!JSON.stringify(row).includes('argon2'), 'no password hash in the audit log')
  })

  test('POST /me/totp/setup, /confirm, /disable', async () => {
    const [r1, setup] = await audited(() => c.user.post('/api/v1/me/totp/setup'))
    assert.equal(r1.status, 200)
    assert.equal(setup.action, 'user.totp_setup')
    assert.equal(setup.object_id, String(ids.user))
    assert.ok(!JSON.stringify(setup).includes(r1.json.secret), 'the TOTP secret is not audited')
    const secret = r1.json.secret
    const left = 30_000 - (Date.now() % 30_000)
    if (left < 2000) await sleep(left + 200)
    const step = totpStep()
    const [r2, confirm] = await audited(() => c.user.post('/api/v1/me/totp/confirm', { code: totpAt(secret, step - 1) }))
    assert.equal(r2.status, 204, r2.describe())
    assert.equal(confirm.action, 'user.totp_enable')
    assert.deepEqual(confirm.before, { totp_enabled: false })
    assert.deepEqual(confirm.after, { totp_enabled: true })
    const [r3, disable] = await audited(() => c.user.post('/api/v1/me/totp/disable', { code: totpAt(secret, step) }))
    assert.equal(r3.status, 204, r3.describe())
    actor(disable, 'au-user')
    assert.equal(disable.action, 'user.totp_disable')
    assert.deepEqual(disable.before, { totp_enabled: true })
    assert.deepEqual(disable.after, { totp_enabled: false })
  })

  test('POST /tokens and DELETE /tokens/{id}', async () => {
    const [r, row] = await audited(() => c.user.post('/api/v1/tokens', { name: '对账脚本' }))
    assert.equal(r.status, 201)
    actor(row, 'au-user')
    assert.equal(row.action, 'token.create')
    assert.equal(row.object_type, 'token')
    assert.equal(row.object_id, String(r.json.id))
    assert.deepEqual(row.after, { name: '对账脚本', prefix: r.json.prefix })
    assert.ok(!JSON.stringify(row).includes(r.json.token), 'the token is not audited')
    const [d, del] = await audited(() => c.user.del(`/api/v1/tokens/${r.json.id}`))
    assert.equal(d.status, 204)
    assert.equal(del.action, 'token.revoke')
    assert.equal(del.object_id, String(r.json.id))
  })

  test('POST /users', async () => {
    const username = uniq('au')
    const [r, row] = await audited(() => c.security.post('/api/v1/users', {
      username, display_name: '新用户', org_id: ids.school, password: PASSWORD, roles: [{ role: 'custodian' }],
    }))
    assert.equal(r.status, 201)
    actor(row, 'security')
    assert.equal(row.action, 'user.create')
    assert.equal(row.object_type, 'user')
    assert.equal(row.object_id, String(r.json.id))
    assert.equal(row.org_id, ids.school)
    assert.equal(row.before, null)
    assert.equal(row.after.username, username)
    assert.equal(row.after.display_name, '新用户')
    assert.deepEqual(row.after.roles.map((x) => x.role), ['custodian'])
    assert.ok(!JSON.stringify(row).includes(PASSWORD) && !JSON.stringify(row).includes('argon2'), 'no password or hash')
    ids.created = r.json.id
  })

  test('PATCH /users/{id}', async () => {
    const u = await c.security.json(`/api/v1/users/${ids.created}`)
    const [r, row] = await audited(() => c.security.patch(`/api/v1/users/${ids.created}`, {
      version: u.version, display_name: '改名', phone: '010-1234',
    }))
    assert.equal(r.status, 200)
    assert.equal(row.action, 'user.update')
    assert.equal(row.before.display_name, '新用户')
    assert.equal(row.after.display_name, '改名')
    assert.equal(row.before.phone, null)
    assert.equal(row.after.phone, '010-1234')
    assert.equal(row.after.version, row.before.version + 1)
  })

  test('PUT /users/{id}/roles', async () => {
    const [r, row] = await audited(() => c.security.put(`/api/v1/users/${ids.created}/roles`, { roles: [{ role: 'steward' }] }))
    assert.equal(r.status, 200, r.describe())
    assert.equal(row.action, 'user.roles')
    assert.deepEqual(row.before.roles.map((x) => x.role), ['custodian'])
    assert.deepEqual(row.after.roles.map((x) => x.role), ['steward'])
  })

  test('POST /users/{id}/password', async () => {
    const [r, row] = await audited(() => c.security.post(`/api/v1/users/${ids.created}/password`, { new_password: 'Reset@Pass2026' }))
    assert.equal(r.status, 204)
    assert.equal(row.action, 'user.password_reset')
    assert.deepEqual(row.after, { must_change_password: true })
    assert.ok(!JSON.stringify(row).includes('Reset@Pass2026'))
  })

  test('POST /users/{id}/totp/reset', async () => {
    const [r, row] = await audited(() => c.security.post(`/api/v1/users/${ids.created}/totp/reset`))
    assert.equal(r.status, 204)
    assert.equal(row.action, 'user.totp_reset')
    assert.deepEqual(row.after, { totp_enabled: false })
  })

  test('POST /orgs', async () => {
    const code = uniq('AU-')
    const [r, row] = await audited(() => c.finance.post('/api/v1/orgs', {
      parent_id: ids.jyj, code, name: '审计单位', level: 'unit', org_kind: 'institution', field: 'education',
    }))
    assert.equal(r.status, 201, r.describe())
    actor(row, 'finance')
    assert.equal(row.action, 'org.create')
    assert.equal(row.object_type, 'org')
    assert.equal(row.object_id, String(r.json.id))
    assert.equal(row.org_id, r.json.id)
    assert.equal(row.before, null)
    assert.deepEqual(row.after, r.json)
    ids.org = r.json.id
  })

  test('PATCH /orgs/{id}', async () => {
    const o = await c.admin.json(`/api/v1/orgs/${ids.org}`)
    const [r, row] = await audited(() => c.admin.patch(`/api/v1/orgs/${ids.org}`, { version: o.version, name: '审计单位（新）', active: false }))
    assert.equal(r.status, 200)
    actor(row, 'admin')
    assert.equal(row.action, 'org.update')
    assert.deepEqual(row.before, o)
    assert.deepEqual(row.after, r.json)
    assert.equal(row.after.active, false)
  })

  test('POST /orgs/{id}/move', async () => {
    const o = await c.admin.json(`/api/v1/orgs/${ids.org}`)
    const [r, row] = await audited(() => c.admin.post(`/api/v1/orgs/${ids.org}/move`, { parent_id: ids.wjj, reason: '划转' }))
    assert.equal(r.status, 200)
    assert.equal(row.action, 'org.move')
    assert.equal(row.before.parent_id, ids.jyj)
    assert.equal(row.after.parent_id, ids.wjj)
    assert.equal(row.before.path, o.path)
    assert.equal(row.after.path, r.json.path)
  })

  test("a client's X-Request-Id is kept in the audit row", async () => {
    const [r, row] = await audited(() => c.user.post('/api/v1/tokens', { name: 'rid' }, { headers: { 'x-request-id': 'client-req.42' } }))
    assert.equal(r.requestId, 'client-req.42')
    assert.equal(row.request_id, 'client-req.42')
  })
})

describe('reads and refused writes leave no audit rows', () => {
  test('GETs, 4xx answers', async () => {
    const mark = await lastAuditId(c.auditor)
    for (const p of ['/api/v1/me', '/api/v1/orgs', '/api/v1/orgs/tree', '/api/v1/roles', '/api/v1/tokens', '/api/v1/users', `/api/v1/orgs/${ids.jyj}/history`]) {
      assert.equal((await c.security.get(p)).status, 200, p)
    }
    const o = await c.admin.json(`/api/v1/orgs/${ids.jyj}`)
    assert.equal((await c.clerk.patch(`/api/v1/orgs/${ids.jyj}`, { version: o.version, name: 'x' })).status, 403)
    assert.equal((await c.admin.patch(`/api/v1/orgs/${ids.jyj}`, { version: o.version - 1 + 100, name: 'x' })).status, 409)
    assert.equal((await c.admin.patch(`/api/v1/orgs/${ids.jyj}`, { version: o.version, org_kind: 'bogus' })).status, 400)
    assert.equal((await c.admin.post('/api/v1/tokens', { name: 'x' }, { csrf: false })).status, 403)
    assert.equal(await lastAuditId(c.auditor), mark)
  })
})

describe('who reads the audit log', () => {
  test('only the auditor (everyone else 403, no session 401)', async () => {
    assert.equal((await c.auditor.get('/api/v1/audit')).status, 200)
    for (const u of Object.keys(DEMO_USERS).filter((x) => x !== 'auditor')) {
      expectProblem(assert, await c[u].get('/api/v1/audit'), 403, 'forbidden')
    }
    expectProblem(assert, await c.user.get('/api/v1/audit'), 403, 'forbidden')
    expectProblem(assert, await srv.anon.get('/api/v1/audit'), 401, 'unauthenticated')
    // An auditor's API token reads it too.
    const t = await c.auditor.post('/api/v1/tokens', { name: 'siem' })
    assert.equal((await srv.bearer(t.json.token).get('/api/v1/audit?limit=1')).status, 200)
  })
})

describe('filters', () => {
  test('actor_id, action, object_type, object_id, from, to', async () => {
    const all = (await c.auditor.json('/api/v1/audit?limit=200')).items
    assert.ok(all.length > 20)
    const byActor = await c.auditor.json(`/api/v1/audit?actor_id=${ids.users.security}&limit=200`)
    assert.ok(byActor.items.length > 0 && byActor.items.every((x) => x.actor_user_id === ids.users.security))
    const byAction = await c.auditor.json('/api/v1/audit?action=user.create&limit=200')
    assert.ok(byAction.items.length >= 2 && byAction.items.every((x) => x.action === 'user.create'))
    const byType = await c.auditor.json('/api/v1/audit?object_type=org&limit=200')
    assert.ok(byType.items.length >= 3 && byType.items.every((x) => x.object_type === 'org'))
    const byObject = await c.auditor.json(`/api/v1/audit?object_type=org&object_id=${ids.org}`)
    assert.deepEqual(byObject.items.map((x) => x.action), ['org.move', 'org.update', 'org.create'])
    const combined = await c.auditor.json(`/api/v1/audit?actor_id=${ids.users.admin}&action=org.move`)
    assert.ok(combined.items.length >= 1 && combined.items.every((x) => x.action === 'org.move' && x.actor_user_id === ids.users.admin))
    // Times: [from, to).
    const mid = all[Math.floor(all.length / 2)]
    // The times are fixed-width RFC 3339 with microseconds: they compare as strings.
    const from = await c.auditor.json(`/api/v1/audit?from=${encodeURIComponent(mid.at)}&limit=200`)
    assert.ok(from.items.length > 0 && from.items.every((x) => x.at >= mid.at))
    assert.ok(from.items.some((x) => x.id === mid.id))
    const to = await c.auditor.json(`/api/v1/audit?to=${encodeURIComponent(mid.at)}&limit=200`)
    assert.ok(to.items.length > 0 && to.items.every((x) => x.at < mid.at))
    assert.ok(!to.items.some((x) => x.id === mid.id))
    const window = await c.auditor.json(`/api/v1/audit?from=${encodeURIComponent(all[all.length - 1].at)}&to=${encodeURIComponent(mid.at)}&limit=200`)
    assert.ok(window.items.every((x) => x.at >= all[all.length - 1].at && x.at < mid.at))
    const future = await c.auditor.json('/api/v1/audit?from=2099-01-01T00:00:00Z')
    assert.deepEqual(future.items, [])
    assert.equal(future.next_cursor, null)
    const none = await c.auditor.json('/api/v1/audit?action=no.such.action')
    assert.deepEqual(none.items, [])
  })

  test('limit and cursor page through the log newest first, without gaps or repeats', async () => {
    const pages = async (limit) => {
      const seen = []
      let cursor = ''
      for (let page = 0; page < 1000; page++) {
        const r = await c.auditor.json(`/api/v1/audit?limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`)
        assert.ok(r.items.length <= limit)
        seen.push(...r.items.map((x) => x.id))
        if (!r.next_cursor) break
        assert.equal(r.items.length, limit)
        cursor = r.next_cursor
      }
      return seen
    }
    const small = await pages(7)
    const big = await pages(200)
    assert.deepEqual(small, big)
    for (let i = 1; i < small.length; i++) assert.ok(small[i] < small[i - 1], 'strictly newest first')
    assert.ok(small.length > 50)
    // The very first row is the demo loader's (run as the CLI) first org.
    const oldest = await c.auditor.json(`/api/v1/audit?cursor=${small[small.length - 2]}`)
    assert.deepEqual(oldest.items.map((x) => x.id), [small[small.length - 1]])
    assert.equal(oldest.items[0].action, 'org.create')
    assert.equal(oldest.items[0].actor_name, 'cli')
    assert.equal(oldest.items[0].request_id, 'demo')
  })
})

describe('the audit log cannot be changed over HTTP', () => {
  test('PUT, PATCH, DELETE, POST on /api/v1/audit → 405; /api/v1/audit/{id} → 404', async () => {
    const mark = await lastAuditId(c.auditor)
    for (const client of [c.auditor, c.admin, c.security]) {
      for (const m of ['PUT', 'PATCH', 'DELETE', 'POST']) {
        const r = await client.request(m, '/api/v1/audit', { body: m === 'DELETE' ? undefined : { id: mark } })
        expectProblem(assert, r, 405, 'method_not_allowed')
        assert.equal(r.headers.get('allow'), 'GET, HEAD')
      }
      for (const m of ['GET', 'PUT', 'PATCH', 'DELETE', 'POST']) {
        const r = await client.request(m, `/api/v1/audit/${mark}`, { body: ['GET', 'DELETE'].includes(m) ? undefined : {} })
        expectProblem(assert, r, 404, 'route_not_found')
      }
    }
    assert.equal(await lastAuditId(c.auditor), mark)
    const row = (await c.auditor.json('/api/v1/audit?limit=1')).items[0]
    assert.equal(row.id, mark)
  })
})
