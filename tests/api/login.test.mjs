// Login and session security: lockout and unlock, session idle timeout,
// logout, CSRF, TOTP enrolment and login (with replay), password change and
// policy, forced password change, forced TOTP enrolment.
//
// Timeouts: the idle timeout is tested, not the absolute one — the absolute
// timeout's smallest setting is one hour, the idle timeout's one minute. A
// second server runs with security.session_idle_minutes=1; its sessions are
// opened first and checked last, so the one wait of a little over 60 s
// overlaps with the other tests. The same server runs with
// security.totp_required_for_staff=true for the enrolment checks and with
// security.lockout_minutes=1 to see a lock run out in the same wait.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { DEMO_PASSWORD, Directory, expectProblem, startServer, totpAt, totpStep } from './lib.mjs'

const PASSWORD = 'Strong@Pass2026'
const IDLE_MS = 60_000

let srv
let idleSrv
let dir
const c = {}
const idle = { a: null, b: null, t0: 0, bTouchedAt: 0, lock: null }

before(async () => {
  ;[srv, idleSrv] = await Promise.all([
    startServer(),
    startServer({
      extraEnv: {
        MINSHENG_SECURITY_SESSION_IDLE_MINUTES: '1',
        MINSHENG_SECURITY_TOTP_REQUIRED_FOR_STAFF: 'true',
        MINSHENG_SECURITY_LOCKOUT_MINUTES: '1',
      },
    }),
  ])
  idle.a = await idleSrv.login('custodian')
  idle.b = await idleSrv.login('steward')
  idle.t0 = Date.now()
  // Lock oversight now; the one-minute lock has run out by the end of the file.
  for (let i = 0; i < 5; i++) idle.lock = await idleSrv.anon.login('oversight', 'Wrong@Pass0000')
  for (const u of ['security', 'admin']) c[u] = await srv.login(u)
  dir = new Directory(c.admin, c.security)
})

after(async () => {
  await Promise.all([srv?.stop(), idleSrv?.stop()])
})

async function createUser(username, extra = {}) {
  const r = await c.security.post('/api/v1/users', {
    username, display_name: username, org_id: (await dir.org('JY-ZX-01')).id, password: PASSWORD,
    must_change_password: false, roles: [{ role: 'custodian' }], ...extra,
  })
  assert.equal(r.status, 201, r.describe())
  return r.json
}

// Waits until at least 2 s remain in the current 30-second TOTP step, so a
// code computed now is still current when the server checks it.
async function awayFromStepEdge() {
  const left = 30_000 - (Date.now() % 30_000)
  if (left < 2000) await sleep(left + 200)
}

describe('lockout', () => {
  test('5 wrong passwords lock the account (403 auth.locked even with the right password); the security admin unlocks it', async () => {
    const u = await createUser('lock-user')
    const anon = srv.anon
    for (let i = 1; i <= 4; i++) {
      const r = await anon.login('lock-user', `Wrong@Pass${i}xx`)
      expectProblem(assert, r, 401, 'auth.invalid_credentials')
      assert.equal(r.json.title, '用户名或密码错误')
    }
    const fifth = await anon.login('lock-user', 'Wrong@Pass5xx')
    expectProblem(assert, fifth, 403, 'auth.locked')
    const right = await anon.login('lock-user', PASSWORD)
    expectProblem(assert, right, 403, 'auth.locked')
    assert.match(right.json.title, /已锁定/)
    const en = await anon.request('POST', '/api/v1/auth/login', { body: { username: 'lock-user', password: PASSWORD }, lang: 'en' })
    expectProblem(assert, en, 403, 'auth.locked')
    assert.match(en.json.title, /locked/)
    const shown = await c.security.json(`/api/v1/users/${u.id}`)
    assert.equal(shown.locked, true)
    assert.ok(Date.parse(shown.locked_until) > Date.now() + 10 * 60_000, `locked_until ${shown.locked_until}`)
    // Only the security admin may unlock.
    expectProblem(assert, await c.admin.post(`/api/v1/users/${u.id}/unlock`), 403, 'forbidden')
    assert.equal((await c.security.post(`/api/v1/users/${u.id}/unlock`)).status, 204)
    const unlocked = await c.security.json(`/api/v1/users/${u.id}`)
    assert.equal(unlocked.locked, false)
    assert.equal(unlocked.locked_until, null)
    await srv.login('lock-user', PASSWORD)
  })

  test('the count starts again after a successful login', async () => {
    await createUser('count-user')
    for (let i = 0; i < 4; i++) expectProblem(assert, await srv.anon.login('count-user', 'Wrong@Pass0000'), 401, 'auth.invalid_credentials')
    await srv.login('count-user', PASSWORD)
    for (let i = 0; i < 4; i++) expectProblem(assert, await srv.anon.login('count-user', 'Wrong@Pass0000'), 401, 'auth.invalid_credentials')
    await srv.login('count-user', PASSWORD)
  })

  test('unknown users and wrong passwords get the same answer', async () => {
    const a = await srv.anon.login('no-such-user', PASSWORD)
    const b = await srv.anon.login('count-user', 'Wrong@Pass0000')
    expectProblem(assert, a, 401, 'auth.invalid_credentials')
    assert.equal(a.json.title, b.json.title)
    await srv.login('count-user', PASSWORD)
  })

  test('a deactivated user cannot log in and loses open sessions', async () => {
    const u = await createUser('gone-user')
    const s = await srv.login('gone-user', PASSWORD)
    const r = await c.security.patch(`/api/v1/users/${u.id}`, { version: u.version, active: false })
    assert.equal(r.status, 200, r.describe())
    expectProblem(assert, await s.get('/api/v1/me'), 401, 'unauthenticated')
    expectProblem(assert, await srv.anon.login('gone-user', PASSWORD), 401, 'auth.invalid_credentials')
  })
})

describe('sessions', () => {
  test('login sets an HttpOnly SameSite=Strict cookie and returns the CSRF token and the caller', async () => {
    const r = await srv.anon.request('POST', '/api/v1/auth/login', { body: { username: 'clerk', password: DEMO_PASSWORD } })
    assert.equal(r.status, 200)
    const cookie = r.headers.getSetCookie().find((x) => x.startsWith('ms_session='))
    assert.ok(cookie, 'Set-Cookie ms_session')
    assert.match(cookie, /HttpOnly/)
    assert.match(cookie, /SameSite=Strict/)
    assert.match(cookie, /Path=\//)
    assert.ok(r.json.csrf_token.length >= 16)
    assert.equal(r.json.user.username, 'clerk')
    assert.equal(r.json.user.csrf_token, r.json.csrf_token)
    assert.deepEqual(r.json.user.permissions, ['assess.read', 'assess.submit', 'asset.read', 'asset.write', 'org.read', 'user.read'])
  })

  test('logout answers 204, clears the cookie and invalidates the session; other sessions stay', async () => {
    const s = await srv.login('clerk')
    const other = await srv.login('clerk')
    const stolen = s.cookie
    assert.equal((await s.get('/api/v1/me')).status, 200)
    const r = await s.post('/api/v1/auth/logout')
    assert.equal(r.status, 204)
    const cleared = r.headers.getSetCookie().find((x) => x.startsWith('ms_session='))
    assert.match(cleared, /^ms_session=;/)
    assert.match(cleared, /Max-Age=0/)
    // The old cookie, replayed, is dead.
    const replay = await srv.anon.get('/api/v1/me', { headers: { cookie: stolen } })
    expectProblem(assert, replay, 401, 'unauthenticated')
    const again = await srv.anon.request('POST', '/api/v1/auth/logout', { headers: { cookie: stolen, 'x-csrf-token': s.csrf } })
    expectProblem(assert, again, 401, 'unauthenticated')
    assert.equal((await other.get('/api/v1/me')).status, 200)
  })

  test('CSRF: cookie writes need the session\'s own X-CSRF-Token', async () => {
    const s = await srv.login('steward')
    const t = await srv.login('steward')
    expectProblem(assert, await s.post('/api/v1/tokens', { name: 'x' }, { csrf: false }), 403, 'csrf_failed')
    expectProblem(assert, await s.post('/api/v1/tokens', { name: 'x' }, { csrf: '' }), 403, 'csrf_failed')
    expectProblem(assert, await s.post('/api/v1/tokens', { name: 'x' }, { csrf: t.csrf }), 403, 'csrf_failed')
    expectProblem(assert, await s.post('/api/v1/tokens', { name: 'x' }, { csrf: s.csrf.slice(0, -1) }), 403, 'csrf_failed')
    const en = await s.post('/api/v1/tokens', { name: 'x' }, { csrf: false, lang: 'en' })
    assert.match(en.json.title, /could not be verified/)
    // GET needs none, and GET /me hands the token out again.
    const me = await s.json('/api/v1/me')
    assert.equal(me.csrf_token, s.csrf)
    assert.equal((await s.post('/api/v1/tokens', { name: 'x' })).status, 201)
    assert.equal((await s.post('/api/v1/auth/logout', undefined, { csrf: false })).status, 403)
  })
})

describe('TOTP', () => {
  test('setup → confirm (wrong, right) → login needs the code, refuses wrong and replayed codes', async () => {
    const u = await createUser('totp-user')
    const s = await srv.login('totp-user', PASSWORD)
    const setup = await s.post('/api/v1/me/totp/setup')
    assert.equal(setup.status, 200, setup.describe())
    const { secret, otpauth_uri: uri } = setup.json
    assert.match(secret, /^[A-Z2-7]{32}$/)
    assert.ok(uri.startsWith('otpauth://totp/minsheng:totp-user?'), uri)
    assert.ok(uri.includes(`secret=${secret}`), uri)
    assert.equal((await s.json('/api/v1/me')).totp_enabled, false)

    await awayFromStepEdge()
    const now = totpStep()
    const near = new Set([now - 1, now, now + 1].map((st) => totpAt(secret, st)))
    const wrong = ['000000', '111111', '123456', '999999'].find((x) => !near.has(x))
    expectProblem(assert, await s.post('/api/v1/me/totp/confirm', { code: wrong }), 400, 'validation_failed', { code: 'invalid' })
    assert.equal((await s.json('/api/v1/me')).totp_enabled, false)
    // Confirm with the previous step's code (still inside the ±1 window), so
    // the current step's code remains unused for the login below.
    assert.equal((await s.post('/api/v1/me/totp/confirm', { code: totpAt(secret, now - 1) })).status, 204)
    const me = await s.json('/api/v1/me')
    assert.equal(me.totp_enabled, true)
    assert.equal((await c.security.json(`/api/v1/users/${u.id}`)).totp_enabled, true)
    expectProblem(assert, await s.post('/api/v1/me/totp/setup'), 409, 'auth.totp_already_enabled')

    const anon = srv.anon
    const noCode = await anon.login('totp-user', PASSWORD)
    expectProblem(assert, noCode, 401, 'auth.totp_required')
    assert.equal(noCode.headers.getSetCookie().length, 0, 'no session without the code')
    expectProblem(assert, await anon.login('totp-user', PASSWORD, { totp: '' }), 401, 'auth.totp_required')
    expectProblem(assert, await anon.login('totp-user', PASSWORD, { totp: wrong }), 401, 'auth.totp_invalid')
    expectProblem(assert, await anon.login('totp-user', 'Wrong@Pass0000', { totp: totpAt(secret, now) }), 401, 'auth.invalid_credentials')
    const code = totpAt(secret, now)
    const ok = await srv.login('totp-user', PASSWORD, { totp: code })
    assert.equal(ok.me.totp_enabled, true)
    const replay = await anon.login('totp-user', PASSWORD, { totp: code })
    expectProblem(assert, replay, 401, 'auth.totp_invalid')
    // The code of the step already confirmed cannot be used either.
    expectProblem(assert, await anon.login('totp-user', PASSWORD, { totp: totpAt(secret, now - 1) }), 401, 'auth.totp_invalid')

    // Disabling needs a fresh valid code.
    expectProblem(assert, await ok.post('/api/v1/me/totp/disable', { code: wrong }), 400, 'validation_failed', { code: 'invalid' })
    expectProblem(assert, await ok.post('/api/v1/me/totp/disable', { code }), 400, 'validation_failed', { code: 'invalid' })
    assert.equal((await ok.post('/api/v1/me/totp/disable', { code: totpAt(secret, now + 1) })).status, 204)
    assert.equal((await ok.json('/api/v1/me')).totp_enabled, false)
    await srv.login('totp-user', PASSWORD)
  })

  test('the security admin resets a user\'s TOTP', async () => {
    const u = await createUser('totp-reset')
    const s = await srv.login('totp-reset', PASSWORD)
    await awayFromStepEdge()
    const { secret } = (await s.post('/api/v1/me/totp/setup')).json
    assert.equal((await s.post('/api/v1/me/totp/confirm', { code: totpAt(secret, totpStep()) })).status, 204)
    expectProblem(assert, await srv.anon.login('totp-reset', PASSWORD), 401, 'auth.totp_required')
    assert.equal((await c.security.post(`/api/v1/users/${u.id}/totp/reset`)).status, 204)
    assert.equal((await c.security.json(`/api/v1/users/${u.id}`)).totp_enabled, false)
    await srv.login('totp-reset', PASSWORD)
  })

  test('confirm without setup → 409; disable when not enabled → 409', async () => {
    await createUser('totp-none')
    const s = await srv.login('totp-none', PASSWORD)
    expectProblem(assert, await s.post('/api/v1/me/totp/confirm', { code: '123456' }), 409, 'auth.totp_not_pending')
    expectProblem(assert, await s.post('/api/v1/me/totp/disable', { code: '123456' }), 409, 'auth.totp_not_enabled')
  })
})

describe('password change', () => {
  test('wrong current password → field error on current_password; weak new passwords → "policy" on new_password', async () => {
    await createUser('pw-user')
    const s = await srv.login('pw-user', PASSWORD)
    const wrong = await s.post('/api/v1/me/password', { current_password: 'Wrong@Pass0000', new_password: 'Another@Pass2026' })
    expectProblem(assert, wrong, 400, 'validation_failed', { current_password: 'invalid' })
    assert.equal(wrong.json.errors.find((e) => e.field === 'current_password').message, '当前密码不正确')
    for (const weak of ['Sh0rt!', 'alllowercase1', 'ALLUPPER123', 'Pw-User@2026x', PASSWORD, 'abcdefghijk']) {
      const r = await s.post('/api/v1/me/password', { current_password: PASSWORD, new_password: weak })
      expectProblem(assert, r, 400, 'validation_failed', { new_password: 'policy' })
      assert.ok(!r.fields.includes('current_password'), r.text)
    }
    const en = await s.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'short' }, { lang: 'en' })
    assert.match(en.json.errors.find((e) => e.field === 'new_password').message, /at least 10 characters/)
    const zh = await s.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'short' })
    assert.match(zh.json.errors.find((e) => e.field === 'new_password').message, /至少 10 位/)
    await srv.login('pw-user', PASSWORD)  // nothing changed
  })

  test('a good change keeps this session, ends the others, and swaps the password', async () => {
    const s1 = await srv.login('pw-user', PASSWORD)
    const s2 = await srv.login('pw-user', PASSWORD)
    const next = 'Changed@Pass2026'
    assert.equal((await s1.post('/api/v1/me/password', { current_password: PASSWORD, new_password: next })).status, 204)
    assert.equal((await s1.get('/api/v1/me')).status, 200)
    expectProblem(assert, await s2.get('/api/v1/me'), 401, 'unauthenticated')
    expectProblem(assert, await srv.anon.login('pw-user', PASSWORD), 401, 'auth.invalid_credentials')
    await srv.login('pw-user', next)
  })

  test('must_change_password: everything but /me, /me/password, /me/totp/* and logout → 403 auth.password_change_required', async () => {
    const u = await createUser('mc-user', { must_change_password: undefined })
    assert.equal(u.must_change_password, true, 'new users must change their password by default')
    const s = await srv.login('mc-user', PASSWORD)
    assert.equal(s.me.must_change_password, true)
    for (const [m, p, body] of [
      ['GET', '/api/v1/orgs'], ['GET', '/api/v1/orgs/tree'], ['GET', '/api/v1/roles'], ['GET', '/api/v1/tokens'],
      ['POST', '/api/v1/tokens', { name: 'x' }], ['GET', `/api/v1/orgs/${u.org.id}`],
    ]) {
      const r = await s.request(m, p, { body })
      expectProblem(assert, r, 403, 'auth.password_change_required')
    }
    assert.equal((await s.get('/api/v1/me')).status, 200)
    const bad = await s.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'weak' })
    expectProblem(assert, bad, 400, 'validation_failed', { new_password: 'policy' })
    assert.equal((await s.post('/api/v1/me/password', { current_password: PASSWORD, new_password: 'Fresh@Pass2026' })).status, 204)
    assert.equal((await s.json('/api/v1/me')).must_change_password, false)
    assert.equal((await s.get('/api/v1/orgs')).status, 200)

    // A reset by the security admin with must_change_password gates the user again.
    assert.equal((await c.security.post(`/api/v1/users/${u.id}/password`, { new_password: 'Reset@Pass2026' })).status, 204)
    expectProblem(assert, await s.get('/api/v1/me'), 401, 'unauthenticated')
    const again = await srv.login('mc-user', 'Reset@Pass2026')
    expectProblem(assert, await again.get('/api/v1/orgs'), 403, 'auth.password_change_required')
    assert.equal((await again.post('/api/v1/auth/logout')).status, 204)
  })
})

describe('TOTP required for staff (security.totp_required_for_staff=true)', () => {
  test('until enrolled only /me, /me/totp/* and logout work (403 auth.totp_enrolment_required)', async () => {
    const s = await idleSrv.login('clerk')
    assert.equal(s.me.totp_enrolment_required, true)
    expectProblem(assert, await s.get('/api/v1/orgs'), 403, 'auth.totp_enrolment_required')
    expectProblem(assert, await s.post('/api/v1/tokens', { name: 'x' }), 403, 'auth.totp_enrolment_required')
    await awayFromStepEdge()
    const { secret } = (await s.post('/api/v1/me/totp/setup')).json
    const step = totpStep()
    assert.equal((await s.post('/api/v1/me/totp/confirm', { code: totpAt(secret, step - 1) })).status, 204)
    const me = await s.json('/api/v1/me')
    assert.equal(me.totp_enrolment_required, false)
    assert.equal((await s.get('/api/v1/orgs')).status, 200)
    expectProblem(assert, await s.post('/api/v1/me/totp/disable', { code: totpAt(secret, step) }), 403, 'auth.totp_required_by_policy')
    const login = await idleSrv.anon.login('clerk', DEMO_PASSWORD)
    expectProblem(assert, login, 401, 'auth.totp_required')
  })
})

describe('session idle timeout (security.session_idle_minutes=1)', () => {
  test('an active session stays alive', async () => {
    // Touch session B about 25 s after login, well inside the minute.
    const wait = idle.t0 + 25_000 - Date.now()
    if (wait > 0) await sleep(wait)
    assert.equal((await idle.b.get('/api/v1/me')).status, 200)
    idle.bTouchedAt = Date.now()
  })

  test('a session unused for more than a minute → 401 session_expired; the active one still works', async () => {
    const wait = idle.t0 + IDLE_MS + 2_500 - Date.now()
    if (wait > 0) await sleep(wait)
    assert.ok(Date.now() - idle.bTouchedAt < IDLE_MS - 10_000, 'session B was touched recently enough')
    const a = await idle.a.get('/api/v1/me')
    expectProblem(assert, a, 401, 'session_expired')
    assert.equal(a.json.title, '会话已过期，请重新登录')
    assert.equal((await idle.b.get('/api/v1/me')).status, 200)
    // Expired stays expired.
    expectProblem(assert, await idle.a.get('/api/v1/orgs'), 401, 'session_expired')
  })

  test('a lock runs out after security.lockout_minutes and the count starts afresh', async () => {
    expectProblem(assert, idle.lock, 403, 'auth.locked')
    // One wrong attempt after the lock: 401, not locked again at once.
    expectProblem(assert, await idleSrv.anon.login('oversight', 'Wrong@Pass0000'), 401, 'auth.invalid_credentials')
    const s = await idleSrv.login('oversight')
    assert.equal(s.me.username, 'oversight')
  })
})
