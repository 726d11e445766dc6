// Bad input on every JSON-accepting endpoint: malformed JSON, non-objects,
// invalid UTF-8, wrong types, unknown fields, overlong strings, bodies over
// the limit, SQL metacharacters and non-BMP characters in every text field,
// duplicate codes and usernames. Each must give a clear 4xx problem+json with
// a stable code and errors[] naming the field, write nothing (audit log and
// lists unchanged), and leave the server answering /api/v1/health.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { Directory, expectProblem, lastAuditId, rawRequest, startServer, uniq } from './lib.mjs'

const PASSWORD = 'Strong@Pass2026'
const SQL = "'; DROP TABLE users; --"
const NON_BMP = '𠀀😀'
const MIXED = `Robert'); DROP TABLE orgs;-- ${NON_BMP} "q" \\ %_ 　全角`
const LIMIT = 1 << 20  // body_limit_bytes default: 1 MiB
// The first n code points (never half a surrogate pair).
const cut = (v, n) => [...v].slice(0, n).join('')

let srv
let dir
const c = {}       // clients by name
const ids = {}

before(async () => {
  srv = await startServer()
  for (const u of ['admin', 'security', 'auditor', 'finance']) c[u] = await srv.login(u)
  c.anon = srv.anon
  dir = new Directory(c.admin, c.security)
  const school = (await dir.org('JY-ZX-01')).id
  for (const name of ['bi-self', 'bi-target']) {
    const r = await c.security.post('/api/v1/users', {
      username: name, display_name: name, org_id: school, password: PASSWORD, must_change_password: false,
      roles: [{ role: 'custodian' }],
    })
    assert.equal(r.status, 201, r.describe())
    ids[name] = r.json.id
  }
  c.self = await srv.login('bi-self', PASSWORD)
  const org = await c.admin.post('/api/v1/orgs', {
    parent_id: (await dir.org('SF-JYJ')).id, code: 'BI-ORG', name: '输入测试单位', level: 'unit', org_kind: 'institution',
  })
  assert.equal(org.status, 201, org.describe())
  ids.org = org.json.id
  ids.jyj = (await dir.org('SF-JYJ')).id
  ids.wjj = (await dir.org('SF-WJJ')).id
})

after(async () => {
  await srv?.stop()
})

// What must not change when a request is refused.
async function snapshot() {
  const orgs = await c.admin.json('/api/v1/orgs/tree')
  const count = (nodes) => nodes.reduce((n, x) => n + 1 + count(x.children), 0)
  const users = await c.security.json('/api/v1/users?limit=200')
  const target = await c.security.json(`/api/v1/users/${ids['bi-target']}`)
  const org = await c.admin.json(`/api/v1/orgs/${ids.org}`)
  const tokens = await c.self.json('/api/v1/tokens')
  return {
    audit: await lastAuditId(c.auditor),
    orgs: count(orgs.items),
    users: users.items.length,
    target_version: target.version,
    org_version: org.version,
    tokens: tokens.items.length,
  }
}

async function assertNothingWritten(before) {
  assert.deepEqual(await snapshot(), before, 'a refused request changed data or the audit log')
  assert.ok(await srv.healthy(), '/api/v1/health no longer answers')
}

// Every JSON endpoint: who calls it, a valid body (the base every bad body is
// made from) and its fields with their type and maximum length.
const S = (name, max) => ({ name, type: 'string', max })
const I = (name) => ({ name, type: 'int' })
const B = (name) => ({ name, type: 'bool' })
const A = (name) => ({ name, type: 'array' })
const ENDPOINTS = [
  {
    method: 'POST', path: () => '/api/v1/auth/login', as: 'anon',
    valid: () => ({ username: 'nobody', password: 'x' }), required: ['username', 'password'],
    fields: [S('username', 64), S('password', 128), S('totp', 10)],
  },
  {
    method: 'POST', path: () => '/api/v1/me/password', as: 'self',
    valid: () => ({ current_password: PASSWORD, new_password: 'Another@Pass2026' }),
    required: ['current_password', 'new_password'],
    fields: [S('current_password', 128), S('new_password', 128)],
  },
  { method: 'POST', path: () => '/api/v1/me/totp/confirm', as: 'self', valid: () => ({ code: '123456' }), fields: [S('code', 10)], required: ['code'] },
  { method: 'POST', path: () => '/api/v1/me/totp/disable', as: 'self', valid: () => ({ code: '123456' }), fields: [S('code', 10)], required: ['code'] },
  {
    method: 'POST', path: () => '/api/v1/tokens', as: 'self',
    valid: () => ({ name: 'ok', expires_days: 5 }), fields: [S('name', 50), I('expires_days')], required: ['name'],
  },
  {
    method: 'POST', path: () => '/api/v1/users', as: 'security',
    valid: () => ({
      username: uniq('bi'), display_name: 'x', org_id: ids.jyj, password: PASSWORD, phone: '123', email: 'a@b.c',
      must_change_password: false, roles: [{ role: 'custodian' }],
    }),
    fields: [S('username', 32), S('display_name', 50), I('org_id'), S('password', 128), S('phone', 20), S('email', 100),
      B('must_change_password'), A('roles')],
    required: ['username', 'display_name', 'org_id', 'password'],
  },
  {
    method: 'PATCH', path: () => `/api/v1/users/${ids['bi-target']}`, as: 'security',
    valid: () => ({ version: 1, display_name: 'x', phone: '1', email: 'a@b.c', active: true, org_id: ids.jyj }),
    fields: [I('version'), S('display_name', 50), S('phone', 20), S('email', 100), B('active'), I('org_id')],
    required: ['version'],
  },
  {
    method: 'PUT', path: () => `/api/v1/users/${ids['bi-target']}/roles`, as: 'security',
    valid: () => ({ roles: [{ role: 'custodian', scope_org_id: 1 }] }),
    fields: [A('roles')],
    required: ['roles'],
    nested: [S('roles[0].role', 40), I('roles[0].scope_org_id')],
  },
  {
    method: 'POST', path: () => `/api/v1/users/${ids['bi-target']}/password`, as: 'security',
    valid: () => ({ new_password: 'Another@Pass2026', must_change_password: true }),
    fields: [S('new_password', 128), B('must_change_password')],
    required: ['new_password'],
  },
  { method: 'POST', path: () => `/api/v1/users/${ids['bi-target']}/unlock`, as: 'security', valid: () => ({}), fields: [] },
  { method: 'POST', path: () => `/api/v1/users/${ids['bi-target']}/totp/reset`, as: 'security', valid: () => ({}), fields: [] },
  {
    method: 'POST', path: () => '/api/v1/orgs', as: 'admin',
    valid: () => ({ parent_id: ids.jyj, code: uniq('BI-'), name: 'x', level: 'unit', org_kind: 'other', field: 'education' }),
    fields: [I('parent_id'), S('code', 32), S('name', 100), S('level', 20), S('region_level', 20), S('org_kind', 20),
      S('field', 30)],
    required: ['code', 'name', 'level', 'org_kind'],
  },
  {
    method: 'PATCH', path: () => `/api/v1/orgs/${ids.org}`, as: 'admin',
    valid: () => ({ version: 1, name: 'x', org_kind: 'other', field: 'education', active: true }),
    fields: [I('version'), S('name', 100), S('org_kind', 20), S('field', 30), B('active')],
    required: ['version'],
  },
  {
    method: 'POST', path: () => `/api/v1/orgs/${ids.org}/move`, as: 'admin',
    valid: () => ({ parent_id: ids.wjj, reason: 'x' }), fields: [I('parent_id'), S('reason', 500)],
    required: ['parent_id'],
  },
]

const WRONG = {
  string: [123, true, ['x'], { x: 1 }],
  int: ['12', 1.5, true, [1], { n: 1 }],
  bool: ['true', 1, 0, ['x'], { b: true }],
  array: [{ role: 'x' }, 'x', 1, true],
}

// Sets a possibly nested field ("roles[0].role") on a body.
function setField(body, name, value) {
  const m = name.match(/^(\w+)\[(\d+)\]\.(\w+)$/)
  if (m) body[m[1]][Number(m[2])][m[3]] = value
  else body[name] = value
  return body
}

const INVALID_UTF8 = [
  Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),        // {"n":"\xff\xfe"}
  Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xc0, 0xaf, 0x22, 0x7d]),        // overlong '/'
  Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d]),  // UTF-16 surrogate
  Buffer.from([0x7b, 0x22, 0x6e, 0x22, 0x3a, 0x22, 0xe4, 0xb8, 0x22, 0x7d]),        // truncated 中
]

for (const ep of ENDPOINTS) {
  const label = `${ep.method} ${ep.path().replace(/\/\d+/g, '/{id}')}`
  describe(label, () => {
    let snap
    before(async () => { snap = await snapshot() })
    const send = (body, o = {}) => c[ep.as].request(ep.method, ep.path(), { body, ...o })

    test('malformed JSON → 400 malformed_json (zh by default, en on request)', async () => {
      for (const text of ['{"a":', '{a:1}', "{'a':1}", '{"a":1,}', '{"a":1}}', 'nul', '\u0000', '{"a":01}', '[' .repeat(100) + ']'.repeat(100)]) {
        const r = await send(text)
        if (text.startsWith('[')) {
          assert.equal(r.status, 400, r.describe())
          assert.ok(['malformed_json', 'body_not_object'].includes(r.code), r.describe())
          continue
        }
        expectProblem(assert, r, 400, 'malformed_json')
        assert.equal(r.json.title, '请求内容不是有效的 JSON')
      }
      const en = await send('{"a":', { lang: 'en-US,en;q=0.9' })
      expectProblem(assert, en, 400, 'malformed_json')
      assert.equal(en.json.title, 'The request body is not valid JSON')
      assert.equal(en.json.detail, en.json.title)
    })

    test('a body that is not an object → 400 body_not_object', async () => {
      for (const text of ['[]', '[{}]', 'null', '"text"', '42', 'true']) {
        expectProblem(assert, await send(text), 400, 'body_not_object')
      }
    })

    if (ep.path().endsWith('/unlock') || ep.path().endsWith('/reset')) {
      test('an empty body is accepted as no options (route takes none)', () => {})
    } else {
      test('an empty body → 400 malformed_json', async () => {
        expectProblem(assert, await send(''), 400, 'malformed_json')
      })
    }

    test('invalid UTF-8 bytes → 400 invalid_utf8', async () => {
      for (const buf of INVALID_UTF8) {
        const r = await send(buf)
        expectProblem(assert, r, 400, 'invalid_utf8')
        assert.equal(r.json.title, '请求内容不是有效的 UTF-8 文本')
      }
      const en = await send(INVALID_UTF8[0], { lang: 'en' })
      assert.equal(en.json.title, 'The request body is not valid UTF-8')
    })

    test('unknown fields → 400 validation_failed naming them', async () => {
      const body = { ...ep.valid(), bogus: 1, 'DROP TABLE': SQL }
      const r = await send(body)
      expectProblem(assert, r, 400, 'validation_failed', { bogus: 'unknown_field', 'DROP TABLE': 'unknown_field' })
      assert.equal(r.json.errors.find((e) => e.field === 'bogus').message, '不认识的字段')
      const en = await send(body, { lang: 'en' })
      assert.equal(en.json.title, 'Some fields are invalid; see the marked fields')
      assert.equal(en.json.errors.find((e) => e.field === 'bogus').message, 'unknown field')
    })

    for (const f of [...ep.fields, ...(ep.nested ?? [])]) {
      test(`${f.name}: wrong types → 400 field error "type"`, async () => {
        for (const bad of WRONG[f.type]) {
          const r = await send(setField(ep.valid(), f.name, bad))
          expectProblem(assert, r, 400, 'validation_failed', { [f.name]: 'type' })
        }
      })
      if (f.type === 'string') {
        test(`${f.name}: ${f.max + 1} characters → 400 field error "too_long"`, async () => {
          const r = await send(setField(ep.valid(), f.name, 'a'.repeat(f.max + 1)))
          expectProblem(assert, r, 400, 'validation_failed', { [f.name]: 'too_long' })
          const zh = r.json.errors.find((e) => e.field === f.name).message
          assert.equal(zh, `最多 ${f.max} 个字符`)
          // NON_BMP.repeat(max) is 2 × max code points: over the limit.
          const en = await send(setField(ep.valid(), f.name, NON_BMP.repeat(f.max)), { lang: 'en' })
          expectProblem(assert, en, 400, 'validation_failed', { [f.name]: 'too_long' })
          assert.equal(en.json.errors.find((e) => e.field === f.name).message, `must be at most ${f.max} characters`)
        })
        test(`${f.name}: control characters → 400 field error "control_chars"`, async () => {
          for (const bad of ['a\u0000b', 'a\u0007b', 'a\u007fb', 'a\u0085b', f.name === 'reason' ? 'a\u001bb' : 'a\nb']) {
            const r = await send(setField(ep.valid(), f.name, bad))
            expectProblem(assert, r, 400, 'validation_failed', { [f.name]: 'control_chars' })
          }
        })
      }
      if (f.type === 'int') {
        test(`${f.name}: integers out of range → 400`, async () => {
          for (const bad of [0, -1, 2 ** 64]) {
            const r = await send(setField(ep.valid(), f.name, bad))
            assert.equal(r.status, 400, r.describe())
            assert.ok(r.json.errors.some((e) => e.field === f.name && ['out_of_range', 'type'].includes(e.code)), r.text)
          }
        })
      }
      if ((ep.required ?? []).includes(f.name)) {
        test(`${f.name}: missing or null → 400 field error "required"`, async () => {
          const body = ep.valid()
          delete body[f.name]
          const r = await send(body)
          expectProblem(assert, r, 400, 'validation_failed', { [f.name]: 'required' })
          assert.equal(r.json.errors.find((e) => e.field === f.name).message, '必填')
          const en = await send({ ...ep.valid(), [f.name]: null }, { lang: 'en' })
          expectProblem(assert, en, 400, 'validation_failed', { [f.name]: 'required' })
          assert.equal(en.json.errors.find((e) => e.field === f.name).message, 'is required')
        })
      }
    }

    test(`a body over the ${LIMIT}-byte limit → 413 body_too_large`, async () => {
      const client = c[ep.as]
      const headers = { 'content-type': 'application/json' }
      if (client.cookie) Object.assign(headers, { cookie: client.cookie, 'x-csrf-token': client.csrf })
      const big = Buffer.alloc(LIMIT + 1, 0x20)
      big.write('{"name":"', 0)
      big.write('"}', LIMIT - 1)
      const r = await rawRequest(srv, ep.method, ep.path(), { headers, body: big })
      assert.equal(r.status, 413, `${r.status} ${r.text}`)
      assert.match(r.headers['content-type'], /application\/problem\+json/)
      assert.equal(r.json.code, 'body_too_large')
      assert.equal(r.json.status, 413)
      assert.equal(r.json.title, '请求体过大')
    })

    test('nothing was written and the server still answers', async () => {
      await assertNothingWritten(snap)
    })
  })
}

describe('a body of exactly the limit is accepted', () => {
  test('POST /api/v1/tokens with 1 MiB of JSON (mostly whitespace) → 201', async () => {
    const body = Buffer.alloc(LIMIT, 0x20)
    body.write('{"name":"big"}', 0)
    const r = await c.self.post('/api/v1/tokens', body)
    assert.equal(r.status, 201, r.describe())
    const over = await rawRequest(srv, 'POST', '/api/v1/tokens', {
      headers: { 'content-type': 'application/json', cookie: c.self.cookie, 'x-csrf-token': c.self.csrf },
      body: Buffer.concat([body, Buffer.from(' ')]),
    })
    assert.equal(over.status, 413)
    assert.ok(await srv.healthy())
  })

  test('the 413 answer honours Accept-Language and X-Request-Id', async () => {
    const headers = { 'content-type': 'application/json', 'accept-language': 'en', 'x-request-id': 'big-body-1' }
    const big = Buffer.alloc(LIMIT + 1, 0x20)
    big.write('{}', 0)
    const r = await rawRequest(srv, 'POST', '/api/v1/auth/login', { headers, body: big })
    assert.equal(r.status, 413)
    assert.equal(r.json.title, 'The request body is too large')
    assert.equal(r.headers['x-request-id'], 'big-body-1')
    assert.equal(r.json.request_id, 'big-body-1')
  })
})

describe('SQL metacharacters and non-BMP characters in every text field', () => {
  const VALUES = [SQL, NON_BMP, MIXED, NON_BMP.repeat(25)]

  test('org name (create and patch) is stored and returned exactly', async () => {
    for (const v of VALUES) {
      const code = uniq('TX-')
      const r = await c.admin.post('/api/v1/orgs', { parent_id: ids.jyj, code, name: v, level: 'unit', org_kind: 'other' })
      assert.equal(r.status, 201, r.describe())
      assert.equal(r.json.name, v.trim())
      const got = await c.admin.json(`/api/v1/orgs/${r.json.id}`)
      assert.equal(got.name, v.trim())
      const found = await c.admin.json(`/api/v1/orgs?q=${encodeURIComponent(code)}`)
      assert.equal(found.items[0].name, v.trim())
      const p = await c.admin.patch(`/api/v1/orgs/${r.json.id}`, { version: got.version, name: `${v}!` })
      assert.equal(p.status, 200, p.describe())
      assert.equal((await c.admin.json(`/api/v1/orgs/${r.json.id}`)).name, `${v.trim()}!`)
    }
    // Searching with the metacharacters finds exactly what contains them.
    const q = await c.admin.json(`/api/v1/orgs?q=${encodeURIComponent(SQL)}&limit=200`)
    assert.ok(q.items.length >= 1 && q.items.every((o) => o.name.includes(SQL)), JSON.stringify(q.items.map((o) => o.name)))
    const pct = await c.admin.json(`/api/v1/orgs?q=${encodeURIComponent('%_')}&limit=200`)
    assert.ok(pct.items.every((o) => o.name.includes('%_')), 'LIKE wildcards in q are matched literally')
  })

  test('JSON \\u escapes: a surrogate pair is one character, a lone surrogate is refused', async () => {
    const code = uniq('TX-')
    const ok = await c.admin.post('/api/v1/orgs',
      `{"parent_id":${ids.jyj},"code":"${code}","name":"\\ud83d\\ude00\\u4e2d","level":"unit","org_kind":"other"}`)
    assert.equal(ok.status, 201, ok.describe())
    assert.equal(ok.json.name, '😀中')
    const mark = await snapshot()
    for (const esc of ['\\ud800', '\\udc00x', 'a\\ud83d']) {
      const r = await c.admin.post('/api/v1/orgs',
        `{"parent_id":${ids.jyj},"code":"${uniq('TX-')}","name":"${esc}","level":"unit","org_kind":"other"}`)
      expectProblem(assert, r, 400, 'malformed_json')
    }
    await assertNothingWritten(mark)
  })

  test('100 non-BMP characters fit a 100-character name; 101 do not', async () => {
    const ok = await c.admin.post('/api/v1/orgs', {
      parent_id: ids.jyj, code: uniq('TX-'), name: '😀'.repeat(100), level: 'unit', org_kind: 'other',
    })
    assert.equal(ok.status, 201, ok.describe())
    assert.equal((await c.admin.json(`/api/v1/orgs/${ok.json.id}`)).name, '😀'.repeat(100))
    const mark = await snapshot()
    const bad = await c.admin.post('/api/v1/orgs', {
      parent_id: ids.jyj, code: uniq('TX-'), name: '😀'.repeat(101), level: 'unit', org_kind: 'other',
    })
    expectProblem(assert, bad, 400, 'validation_failed', { name: 'too_long' })
    await assertNothingWritten(mark)
  })

  test('org code, level, region_level, org_kind and field refuse them with a field error', async () => {
    const mark = await snapshot()
    const base = () => ({ parent_id: ids.jyj, code: uniq('TX-'), name: 'x', level: 'unit', org_kind: 'other' })
    for (const v of VALUES) {
      for (const [field, code] of [['code', 'invalid'], ['level', 'invalid'], ['org_kind', 'invalid'], ['field', 'invalid']]) {
        const val = field === 'code' || field === 'name' ? cut(v, 32) : cut(v, 20)
        const r = await c.admin.post('/api/v1/orgs', { ...base(), [field]: val })
        expectProblem(assert, r, 400, 'validation_failed', { [field]: code })
      }
      const region = await c.admin.post('/api/v1/orgs', { ...base(), level: 'region', region_level: cut(v, 20) })
      expectProblem(assert, region, 400, 'validation_failed', { region_level: 'invalid' })
      const org = await c.admin.json(`/api/v1/orgs/${ids.org}`)
      for (const field of ['org_kind', 'field']) {
        const r = await c.admin.patch(`/api/v1/orgs/${ids.org}`, { version: org.version, [field]: cut(v, 20) })
        expectProblem(assert, r, 400, 'validation_failed', { [field]: 'invalid' })
      }
    }
    await assertNothingWritten(mark)
  })

  test('move reason is stored and shown in the history exactly (multi-line allowed)', async () => {
    const reasons = [...VALUES, `第一行\n第二行\t${NON_BMP}`]
    for (const reason of reasons) {
      const o = await c.admin.json(`/api/v1/orgs/${ids.org}`)
      const target = o.parent_id === ids.jyj ? ids.wjj : ids.jyj
      const r = await c.admin.post(`/api/v1/orgs/${ids.org}/move`, { parent_id: target, reason })
      assert.equal(r.status, 200, r.describe())
      const h = await c.admin.json(`/api/v1/orgs/${ids.org}/history`)
      assert.ok(h.items.some((m) => m.reason === reason.trim()), `reason ${JSON.stringify(reason)} in ${JSON.stringify(h.items.map((m) => m.reason))}`)
    }
  })

  test('user display_name and email are stored exactly; username and phone are refused', async () => {
    for (const v of VALUES) {
      const name = cut(v, 50)
      const email = `o'brien";--${NON_BMP}@example.com`
      const r = await c.security.post('/api/v1/users', {
        username: uniq('tx'), display_name: name, org_id: ids.jyj, password: PASSWORD, email, roles: [{ role: 'custodian' }],
      })
      assert.equal(r.status, 201, r.describe())
      const got = await c.security.json(`/api/v1/users/${r.json.id}`)
      assert.equal(got.display_name, name.trim())
      assert.equal(got.email, email)
      const p = await c.security.patch(`/api/v1/users/${r.json.id}`, { version: got.version, display_name: `${cut(name, 49)}!` })
      assert.equal(p.status, 200, p.describe())
      assert.equal((await c.security.json(`/api/v1/users/${r.json.id}`)).display_name, `${cut(name, 49).trim()}!`)
    }
    const mark = await snapshot()
    for (const v of VALUES) {
      const base = { username: uniq('tx'), display_name: 'x', org_id: ids.jyj, password: PASSWORD }
      expectProblem(assert, await c.security.post('/api/v1/users', { ...base, username: cut(v, 32) }), 400,
        'validation_failed', { username: 'invalid' })
      expectProblem(assert, await c.security.post('/api/v1/users', { ...base, phone: cut(v, 20) }), 400,
        'validation_failed', { phone: 'invalid' })
      expectProblem(assert, await c.security.post('/api/v1/users', { ...base, email: cut(v, 100) }), 400,
        'validation_failed', { email: 'invalid' })
      expectProblem(assert, await c.security.post('/api/v1/users', { ...base, roles: [{ role: cut(v, 40) }] }), 400,
        'validation_failed', { 'roles[0].role': 'invalid' })
      expectProblem(assert, await c.security.put(`/api/v1/users/${ids['bi-target']}/roles`, { roles: [{ role: cut(v, 40) }] }),
        400, 'validation_failed', { 'roles[0].role': 'invalid' })
      const t = await c.security.json(`/api/v1/users/${ids['bi-target']}`)
      expectProblem(assert, await c.security.patch(`/api/v1/users/${ids['bi-target']}`, { version: t.version, phone: cut(v, 20) }),
        400, 'validation_failed', { phone: 'invalid' })
    }
    await assertNothingWritten(mark)
  })

  test('passwords with metacharacters and non-BMP characters work end to end', async () => {
    const pw = `Aa1${SQL}${NON_BMP}`
    const r = await c.security.post('/api/v1/users', {
      username: 'tx-pw', display_name: 'x', org_id: ids.jyj, password: pw, must_change_password: false, roles: [{ role: 'custodian' }],
    })
    assert.equal(r.status, 201, r.describe())
    const s = await srv.login('tx-pw', pw)
    const pw2 = `Bb2${MIXED}`
    assert.equal((await s.post('/api/v1/me/password', { current_password: pw, new_password: pw2 })).status, 204)
    await srv.login('tx-pw', pw2)
    const pw3 = `Cc3${NON_BMP.repeat(10)}${SQL}`
    assert.equal((await c.security.post(`/api/v1/users/${r.json.id}/password`, { new_password: pw3, must_change_password: false })).status, 204)
    await srv.login('tx-pw', pw3)
    expectProblem(assert, await srv.anon.login('tx-pw', pw2), 401, 'auth.invalid_credentials')
  })

  test('token name is stored and listed exactly', async () => {
    for (const v of VALUES) {
      const name = cut(v, 50)
      const r = await c.self.post('/api/v1/tokens', { name })
      assert.equal(r.status, 201, r.describe())
      assert.equal(r.json.name, name.trim())
      const list = await c.self.json('/api/v1/tokens')
      assert.equal(list.items.find((t) => t.id === r.json.id).name, name.trim())
    }
  })

  test('login with metacharacters in username or password → 401, TOTP code → field error', async () => {
    for (const v of VALUES) {
      expectProblem(assert, await srv.anon.login(cut(v, 64), 'x'), 401, 'auth.invalid_credentials')
      expectProblem(assert, await srv.anon.login('bi-self', v), 401, 'auth.invalid_credentials')
    }
    await srv.login('bi-self', PASSWORD)  // the failures above counted once per wrong password only
    const setup = await c.self.post('/api/v1/me/totp/setup')
    assert.equal(setup.status, 200, setup.describe())
    for (const code of ["'--", `${NON_BMP}12`, "1' OR 1"]) {
      expectProblem(assert, await c.self.post('/api/v1/me/totp/confirm', { code }), 400, 'validation_failed', { code: 'invalid' })
    }
    expectProblem(assert, await c.self.post('/api/v1/me/totp/confirm', { code: SQL }), 400, 'validation_failed', { code: 'too_long' })
  })

  test('query parameters with metacharacters are plain search text', async () => {
    for (const v of VALUES) {
      const q = encodeURIComponent(cut(v, 40))
      for (const p of [`/api/v1/orgs?q=${q}`, `/api/v1/users?q=${q}`, `/api/v1/users?role=${q}`]) {
        const r = await c.security.get(p)
        assert.equal(r.status, 200, `${p}: ${r.describe()}`)
      }
      for (const key of ['action', 'object_type', 'object_id']) {
        const r = await c.auditor.get(`/api/v1/audit?${key}=${q}`)
        assert.equal(r.status, 200, r.describe())
        // Failed logins above were audited with the username as object_id.
        assert.ok(r.json.items.every((x) => x[key] === cut(v, 40).trim()), r.text.slice(0, 300))
      }
    }
    assert.ok(await srv.healthy())
    assert.ok((await c.security.json('/api/v1/users?limit=200')).items.length > 11, 'the users table is still there')
  })
})

describe('bad query parameters and path ids', () => {
  test('limit, cursor, ids, level, times → 400 naming the parameter', async () => {
    const cases = [
      ['/api/v1/orgs?limit=0', 'limit', 'out_of_range'],
      ['/api/v1/orgs?limit=201', 'limit', 'out_of_range'],
      ['/api/v1/orgs?limit=ten', 'limit', 'type'],
      ['/api/v1/orgs?cursor=-5', 'cursor', 'invalid'],
      ['/api/v1/orgs?cursor=x', 'cursor', 'type'],
      ['/api/v1/orgs?parent_id=1.5', 'parent_id', 'type'],
      ['/api/v1/orgs?level=planet', 'level', 'invalid'],
      ['/api/v1/orgs?q=a%00b', 'q', 'invalid'],
      [`/api/v1/orgs?q=${'x'.repeat(101)}`, 'q', 'too_long'],
      ['/api/v1/orgs?q=%FF', 'q', 'invalid'],
      ['/api/v1/users?org_id=abc', 'org_id', 'type'],
      ['/api/v1/users?limit=-1', 'limit', 'out_of_range'],
    ]
    for (const [p, field, code] of cases) {
      const client = p.startsWith('/api/v1/users') ? c.security : c.admin
      expectProblem(assert, await client.get(p), 400, 'validation_failed', { [field]: code })
    }
    for (const [p, field] of [['/api/v1/audit?from=yesterday', 'from'], ['/api/v1/audit?to=2026-13-45', 'to'],
      ['/api/v1/audit?actor_id=x', 'actor_id'], ['/api/v1/audit?limit=1000', 'limit']]) {
      expectProblem(assert, await c.auditor.get(p), 400, 'validation_failed', { [field]: null })
    }
    const en = await c.admin.get('/api/v1/orgs?limit=0', { lang: 'en' })
    assert.equal(en.json.errors[0].message, 'must be 1 to 200')
  })

  test('non-numeric, zero, negative and huge ids → 404', async () => {
    for (const id of ['abc', '0', '-1', '99999999999999999999', '1.0', '%20', '1e3']) {
      expectProblem(assert, await c.admin.get(`/api/v1/orgs/${id}`), 404, 'not_found')
      expectProblem(assert, await c.security.get(`/api/v1/users/${id}`), 404, 'not_found')
    }
    expectProblem(assert, await c.admin.get('/api/v1/nowhere'), 404, 'route_not_found')
    assert.ok(await srv.healthy())
  })
})

describe('duplicates', () => {
  test('a duplicate org code → 400 validation_failed on code, nothing written', async () => {
    const mark = await snapshot()
    for (const code of ['SF-JYJ', ' SF-JYJ ', 'BI-ORG']) {
      const r = await c.admin.post('/api/v1/orgs', { parent_id: ids.jyj, code, name: '重复', level: 'unit', org_kind: 'other' })
      expectProblem(assert, r, 400, 'validation_failed', { code: 'duplicate' })
      assert.equal(r.json.errors.find((e) => e.field === 'code').message, '机构代码已存在')
    }
    const en = await c.admin.post('/api/v1/orgs', { parent_id: ids.jyj, code: 'SF-JYJ', name: 'dup', level: 'unit', org_kind: 'other' }, { lang: 'en' })
    assert.equal(en.json.errors.find((e) => e.field === 'code').message, 'this code is already used')
    await assertNothingWritten(mark)
  })

  test('a duplicate username → 400 validation_failed on username, nothing written', async () => {
    const mark = await snapshot()
    for (const username of ['clerk', ' clerk ', 'bi-self']) {
      const r = await c.security.post('/api/v1/users', {
        username, display_name: '重复', org_id: ids.jyj, password: PASSWORD, roles: [{ role: 'custodian' }],
      })
      expectProblem(assert, r, 400, 'validation_failed', { username: 'duplicate' })
    }
    await assertNothingWritten(mark)
  })

  test('every field error is reported at once', async () => {
    const r = await c.security.post('/api/v1/users', {
      username: 'X', display_name: '', org_id: 987654, password: 'short', phone: 'abc', email: 'no-at', extra: 1,
    })
    expectProblem(assert, r, 400, 'validation_failed', { display_name: 'required', extra: 'unknown_field' })
    const r2 = await c.security.post('/api/v1/users', {
      username: 'X', display_name: 'x', org_id: 987654, password: 'short', phone: 'abc', email: 'no-at',
    })
    expectProblem(assert, r2, 400, 'validation_failed', {
      username: 'invalid', org_id: 'not_found', password: 'policy', phone: 'invalid', email: 'invalid',
    })
  })
})

describe('language and request id', () => {
  test('Accept-Language: English only when the top preference is English', async () => {
    const cases = [
      ['', 'zh'], ['zh-CN,zh;q=0.9,en;q=0.8', 'zh'], ['en;q=0.1, zh;q=0.9', 'zh'], ['EN-us', 'en'],
      ['en-GB,en;q=0.9', 'en'], ['fr-FR', 'zh'], ['de;q=0.5, en;q=0.8', 'en'], ['*', 'zh'],
    ]
    for (const [lang, want] of cases) {
      const r = await srv.anon.request('POST', '/api/v1/auth/login', { body: '{', headers: lang ? { 'accept-language': lang } : {} })
      expectProblem(assert, r, 400, 'malformed_json')
      assert.equal(r.json.title, want === 'en' ? 'The request body is not valid JSON' : '请求内容不是有效的 JSON', `Accept-Language: ${lang}`)
    }
  })

  test('a sane X-Request-Id is echoed, anything else is replaced', async () => {
    const ok = await srv.anon.get('/api/v1/health', { headers: { 'x-request-id': 'abc-123_X.y' } })
    assert.equal(ok.requestId, 'abc-123_X.y')
    for (const bad of ['<script>', 'a'.repeat(65), "'; DROP TABLE audit_log; --", 'a b']) {
      const r = await srv.anon.get('/api/v1/orgs', { headers: { 'x-request-id': bad } })
      assert.notEqual(r.requestId, bad)
      assert.match(r.requestId, /^[A-Za-z0-9._-]{1,64}$/)
      assert.equal(r.json.request_id, r.requestId)
    }
  })
})
