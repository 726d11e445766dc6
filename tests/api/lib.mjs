// Shared helpers for the black-box HTTP tests (node:test, global fetch, no npm
// dependencies). startServer() runs the real binary on a fresh database of the
// engine named by MINSHENG_TEST_ENGINE: migrate, load the demo county, serve on
// a free port, wait for /api/v1/health. Each test file starts one server in
// before() and stops it in after().
//
//   MINSHENG_BIN          the minsheng binary (required)
//   MINSHENG_TEST_ENGINE  sqlite (default) | postgres
//   MINSHENG_TEST_PG_URL  postgresql://… of a server where we may CREATE DATABASE
//                         (required for postgres)
import { spawn, execFileSync } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { inflateRawSync } from 'node:zlib'
import { setTimeout as sleep } from 'node:timers/promises'

export const HERE = dirname(fileURLToPath(import.meta.url))
export const REPO = join(HERE, '..', '..')
export const DEMO_PASSWORD = 'Minsheng@2026'
export const ENGINE = process.env.MINSHENG_TEST_ENGINE || 'sqlite'

// The 11 demo users (demo.cpp), one per role.
export const DEMO_USERS = {
  admin: 'system_admin',
  security: 'security_admin',
  auditor: 'auditor',
  finance: 'finance_officer',
  assets: 'asset_admin',
  edu: 'dept_supervisor',
  clerk: 'unit_clerk',
  custodian: 'custodian',
  steward: 'steward',
  expert: 'expert',
  oversight: 'oversight',
}

// ------------------------------------------------------------ the server

function runCli(bin, args, env, input) {
  try {
    return execFileSync(bin, args, {
      encoding: 'utf8', env, input, timeout: 120_000, stdio: ['pipe', 'pipe', 'pipe'],
    })
  } catch (e) {
    throw new Error(`minsheng ${args.join(' ')} failed (exit ${e.status}):\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

function psql(url, sql) {
  try {
    execFileSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qAtc', sql], { encoding: 'utf8', timeout: 60_000 })
  } catch (e) {
    throw new Error(`psql ${sql} failed: ${e.stderr ?? e.message}`)
  }
}

// A fresh database URL for this engine, and how to drop it afterwards.
function freshDatabase(tmp) {
  if (ENGINE === 'sqlite') return { url: `sqlite:${join(tmp, 'api.db')}`, drop: () => {} }
  if (ENGINE !== 'postgres') throw new Error(`MINSHENG_TEST_ENGINE must be sqlite or postgres, not "${ENGINE}"`)
  const base = process.env.MINSHENG_TEST_PG_URL
  if (!base) {
    throw new Error('MINSHENG_TEST_ENGINE=postgres needs MINSHENG_TEST_PG_URL=postgresql://… ' +
      '(e.g. from scripts/pg-test-server.sh start /tmp/pg-api)')
  }
  const name = `ms_api_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  psql(base, `CREATE DATABASE ${name}`)
  const u = new URL(base)
  u.pathname = `/${name}`
  return { url: u.toString(), drop: () => psql(base, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}

// Starts a server with the demo county. extraEnv: MINSHENG_* settings for
// this server (e.g. a short session idle time). Returns a Server.
export async function startServer({ extraEnv = {} } = {}) {
  const bin = process.env.MINSHENG_BIN
  if (!bin || !existsSync(bin)) throw new Error(`MINSHENG_BIN is not set or missing: "${bin ?? ''}"`)
  const tmp = mkdtempSync(join(tmpdir(), 'minsheng-api-'))
  const db = freshDatabase(tmp)
  // Cheap argon2 so the many logins of the suite stay fast; the hashing code
  // path is the same.
  const env = {
    ...process.env,
    MINSHENG_SECURITY_ARGON2_MEM_KIB: '8',
    MINSHENG_SECURITY_ARGON2_OPS: '1',
    MINSHENG_LOG_LEVEL: 'info',
    ...extraEnv,
  }
  let proc = null
  try {
    runCli(bin, ['migrate', '--db', db.url], env)
    runCli(bin, ['demo', '--db', db.url, '--scale', 'small', '--seed', '1'], env)
    const logPath = join(tmp, 'server.log')
    const fd = openSync(logPath, 'w')
    proc = spawn(bin, ['serve', '--db', db.url, '--listen', '127.0.0.1:0', '--web-root', '', '--access-log', ''],
      { env, stdio: ['ignore', fd, fd] })
    closeSync(fd)
    const port = await waitForPort(proc, logPath)
    const server = new Server(`http://127.0.0.1:${port}`, proc, tmp, db, logPath, bin, env)
    await server.waitHealthy()
    return server
  } catch (e) {
    if (proc && proc.exitCode === null) proc.kill('SIGKILL')
    try { db.drop() } catch {}
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
}

async function waitForPort(proc, logPath) {
  const deadline = Date.now() + 30_000
  while (Date.now() < deadline) {
    const log = readFileSync(logPath, 'utf8')
    const m = log.match(/serving http:\/\/127\.0\.0\.1:(\d+)\//)
    if (m) return Number(m[1])
    if (proc.exitCode !== null) throw new Error(`minsheng serve exited with ${proc.exitCode}:\n${log}`)
    await sleep(50)
  }
  throw new Error(`minsheng serve did not report its port:\n${readFileSync(logPath, 'utf8')}`)
}

export class Server {
  constructor(url, proc, tmp, db, logPath, bin, env) {
    Object.assign(this, { url, proc, tmp, db, logPath, bin, env })
  }

  // A fresh client without a session (each use starts with an empty jar).
  get anon() {
    return new Client(this)
  }

  async waitHealthy() {
    const deadline = Date.now() + 30_000
    let last = ''
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null) throw new Error(`server exited: ${this.log()}`)
      try {
        const r = await fetch(`${this.url}/api/v1/health`)
        if (r.status === 200) return await r.json()
        last = `HTTP ${r.status}`
      } catch (e) {
        last = e.cause?.code ?? e.message
      }
      await sleep(100)
    }
    throw new Error(`/api/v1/health did not answer (${last})`)
  }

  log() {
    try { return readFileSync(this.logPath, 'utf8') } catch { return '' }
  }

  // Whether the process is still alive and answering /api/v1/health.
  async healthy() {
    const r = await fetch(`${this.url}/api/v1/health`)
    return r.status === 200 && (await r.json()).status === 'ok'
  }

  async stop() {
    if (this.proc.exitCode === null) {
      const exited = new Promise((resolve) => this.proc.once('exit', resolve))
      this.proc.kill('SIGTERM')
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(t)
    }
    try { this.db.drop() } finally { rmSync(this.tmp, { recursive: true, force: true }) }
  }

  // Runs a CLI subcommand against this server's database.
  cli(args, input) {
    return runCli(this.bin, [...args, '--db', this.db.url], this.env, input)
  }

  // Logs in (cookie + CSRF token); throws unless the login answers 200.
  async login(username, password = DEMO_PASSWORD, { totp } = {}) {
    const c = new Client(this)
    const r = await c.login(username, password, { totp })
    if (r.status !== 200) throw new Error(`login ${username}: ${r.status} ${r.text}`)
    return c
  }

  // A client that authenticates with an API token (Bearer, no cookie, no CSRF).
  bearer(token) {
    const c = new Client(this)
    c.token = token
    return c
  }
}

// One user agent: a cookie jar holding ms_session, the CSRF token, or a bearer token.
export class Client {
  constructor(server) {
    this.server = server
    this.cookie = ''
    this.csrf = ''
    this.token = ''
    this.me = null
    this.lang = ''
  }

  async login(username, password = DEMO_PASSWORD, { totp } = {}) {
    const body = { username, password }
    if (totp !== undefined) body.totp = totp
    return this.request('POST', '/api/v1/auth/login', { body })
  }

  // method, path; options:
  //   body     object (sent as JSON), string or Buffer (sent as is)
  //   csrf     false to leave out X-CSRF-Token, or a string to send instead
  //   headers  extra request headers
  //   lang     Accept-Language
  async request(method, path, { body, csrf = true, headers = {}, lang } = {}) {
    const h = {}
    if (this.cookie) h.cookie = this.cookie
    if (this.token) h.authorization = `Bearer ${this.token}`
    if (csrf === true && this.csrf && !['GET', 'HEAD'].includes(method)) h['x-csrf-token'] = this.csrf
    else if (typeof csrf === 'string') h['x-csrf-token'] = csrf
    if (lang ?? this.lang) h['accept-language'] = lang ?? this.lang
    Object.assign(h, headers)  // explicit headers win
    let payload
    if (body !== undefined) {
      payload = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body)
      if (!Object.keys(h).some((k) => k.toLowerCase() === 'content-type')) h['content-type'] = 'application/json'
    }
    const res = await fetch(this.server.url + path, { method, headers: h, body: payload, redirect: 'manual' })
    for (const sc of res.headers.getSetCookie()) {
      const m = sc.match(/^ms_session=([^;]*)/)
      if (m) this.cookie = m[1] ? `ms_session=${m[1]}` : ''
    }
    const r = wrap(res, await res.text())
    if (method === 'POST' && path === '/api/v1/auth/login' && r.status === 200) {
      // The jar now holds the new session: keep its CSRF token with it.
      this.csrf = r.json.csrf_token
      this.me = r.json.user
    }
    return r
  }

  get(path, o) { return this.request('GET', path, o) }
  post(path, body, o = {}) { return this.request('POST', path, { ...o, body }) }
  patch(path, body, o = {}) { return this.request('PATCH', path, { ...o, body }) }
  put(path, body, o = {}) { return this.request('PUT', path, { ...o, body }) }
  del(path, o) { return this.request('DELETE', path, o) }

  // GET that must answer 200; returns the JSON body.
  async json(path) {
    const r = await this.get(path)
    if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${r.text}`)
    return r.json
  }
}

function wrap(res, text) {
  let json = null
  const type = res.headers.get('content-type') ?? ''
  if (type.includes('json') && text) {
    try { json = JSON.parse(text) } catch {}
  }
  return {
    status: res.status,
    headers: res.headers,
    type,
    text,
    json,
    requestId: res.headers.get('x-request-id'),
    code: json?.code,
    fields: json?.errors?.map((e) => e.field) ?? [],
    describe() { return `${res.status} ${text.slice(0, 400)}` },
  }
}

// A raw HTTP/1.1 request with node:http, for bodies fetch would not send as
// they are (e.g. a large body the server rejects before reading it all).
export function rawRequest(server, method, path, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const u = new URL(server.url + path)
    const req = httpRequest({ host: u.hostname, port: u.port, method, path: u.pathname + u.search, headers }, (res) => {
      const chunks = []
      res.on('data', (c) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8')
        let json = null
        try { json = JSON.parse(text) } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json, code: json?.code })
      })
    })
    req.on('error', reject)
    if (body !== undefined) req.end(body)
    else req.end()
  })
}

// ------------------------------------------------------------ assertions

// Asserts a problem+json answer with this status and code; returns it.
export function expectProblem(assert, r, status, code, fields) {
  assert.equal(r.status, status, `expected ${status} ${code}, got ${r.describe ? r.describe() : r.status}`)
  assert.match(r.type ?? r.headers['content-type'], /application\/problem\+json/, 'problem+json content type')
  assert.equal(r.json.code, code, `problem code: ${r.text}`)
  assert.equal(r.json.status, status)
  assert.equal(r.json.type, `https://minsheng.dev/problems/${code}`)
  assert.ok(typeof r.json.title === 'string' && r.json.title.length > 0, 'problem title')
  assert.ok(typeof r.json.request_id === 'string' && r.json.request_id.length > 0, 'problem request_id')
  if (fields) {
    for (const [field, fcode] of Object.entries(fields)) {
      const e = r.json.errors?.find((x) => x.field === field)
      assert.ok(e, `expected a field error on ${field}: ${r.text}`)
      if (fcode) assert.equal(e.code, fcode, `field ${field}: ${r.text}`)
      assert.ok(typeof e.message === 'string' && e.message.length > 0, `field ${field} message`)
    }
  }
  return r
}

// ------------------------------------------------------------ TOTP (RFC 6238)

export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out = []
  for (const ch of s.replace(/=+$/, '').toUpperCase()) {
    const i = alphabet.indexOf(ch)
    if (i < 0) throw new Error(`not base32: ${ch}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

// The 6-digit HMAC-SHA1 code of a 30-second step.
export function totpAt(secretBase32, step) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32Decode(secretBase32)).update(counter).digest()
  const offset = mac[19] & 0x0f
  const bin = (mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(bin).padStart(6, '0')
}

export function totpStep(now = Date.now()) {
  return Math.floor(now / 1000 / 30)
}

// ------------------------------------------------------------ demo data

// Looks up demo orgs and users by code / username with an all-seeing reader.
export class Directory {
  constructor(orgReader, userReader) {
    this.orgReader = orgReader
    this.userReader = userReader
    this.orgs = new Map()
    this.users = new Map()
  }

  async org(code) {
    if (!this.orgs.has(code)) {
      const r = await this.orgReader.json(`/api/v1/orgs?q=${encodeURIComponent(code)}&limit=200`)
      const o = r.items.find((x) => x.code === code)
      if (!o) throw new Error(`no org ${code}`)
      this.orgs.set(code, o)
    }
    return this.orgs.get(code)
  }

  async user(username) {
    if (!this.users.has(username)) {
      const r = await this.userReader.json(`/api/v1/users?q=${encodeURIComponent(username)}&limit=200`)
      const u = r.items.find((x) => x.username === username)
      if (!u) throw new Error(`no user ${username}`)
      this.users.set(username, u)
    }
    return this.users.get(username)
  }
}

// A unique suffix for names created by a test.
let counter = 0
export function uniq(prefix = 't') {
  counter += 1
  return `${prefix}${Date.now().toString(36).slice(-5)}${counter}`
}

// The newest audit row id (0 when none), read as the auditor.
export async function lastAuditId(auditor) {
  const r = await auditor.json('/api/v1/audit?limit=1')
  return r.items.length ? r.items[0].id : 0
}

// Audit rows newer than afterId, oldest first.
export async function auditSince(auditor, afterId) {
  const r = await auditor.json('/api/v1/audit?limit=200')
  return r.items.filter((x) => x.id > afterId).reverse()
}

// A user with one role on orgId (created by the security admin), logged in.
export async function createRoleUser(server, security, role, orgId) {
  const username = uniq('t')
  const r = await security.post('/api/v1/users', {
    username, display_name: `测试 ${role}`, org_id: orgId, password: DEMO_PASSWORD,
    must_change_password: false, roles: [{ role }],
  })
  if (r.status !== 201) throw new Error(`create ${role} user: ${r.describe()}`)
  return server.login(username)
}

// Creates, runs, publishes and finalizes an assessment of period × template
// over scopeOrgId as the finance officer. Returns '' when done, or the reason
// to skip when this build has no assessment runs.
export async function finalizeAssessment(finance, { period, template, scopeOrgId }) {
  let r = await finance.post('/api/v1/assessments', { period, template_code: template, scope_org_id: scopeOrgId })
  if (r.status === 404 && r.json?.code === 'not_found' && !r.json?.errors) {
    return 'POST /api/v1/assessments (the run) is not in this build'
  }
  if (r.status !== 201) throw new Error(`create assessment: ${r.describe()}`)
  for (const step of ['run', 'publish', 'finalize']) {
    r = await finance.post(`/api/v1/assessments/${period}/${template}/${step}`, {})
    if (r.status !== 200) throw new Error(`${step}: ${r.describe()}`)
  }
  return ''
}

// ------------------------------------------------------------ spreadsheets

// RFC 4180 rows (the writer quotes as needed), BOM dropped.
export function parseCsv(text) {
  const rows = []
  let row = []
  let cell = ''
  let quoted = false
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++ } else if (ch === '"') quoted = false
      else cell += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') { row.push(cell); cell = '' } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++
      row.push(cell); rows.push(row); row = []; cell = ''
    } else cell += ch
  }
  if (cell !== '' || row.length) { row.push(cell); rows.push(row) }
  return rows
}

// The entries of a zip file (stored or deflated), name → bytes, read through
// the central directory as a spreadsheet program would. Throws on anything
// that is not a complete zip (a truncated download has no central directory).
export function unzip(buf) {
  let eocd = -1
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break }
  }
  if (eocd < 0) throw new Error('not a zip: no end of central directory')
  const count = buf.readUInt16LE(eocd + 10)
  let p = buf.readUInt32LE(eocd + 16)
  const out = new Map()
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`bad central directory entry at ${p}`)
    const method = buf.readUInt16LE(p + 10)
    const csize = buf.readUInt32LE(p + 20)
    const usize = buf.readUInt32LE(p + 24)
    const nameLen = buf.readUInt16LE(p + 28)
    const extraLen = buf.readUInt16LE(p + 30)
    const commentLen = buf.readUInt16LE(p + 32)
    const local = buf.readUInt32LE(p + 42)
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen)
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header of ${name}`)
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28)
    const raw = buf.subarray(start, start + csize)
    const data = method === 0 ? raw : method === 8 ? inflateRawSync(raw) : null
    if (!data) throw new Error(`${name}: compression method ${method}`)
    if (data.length !== usize) throw new Error(`${name}: ${data.length} bytes, expected ${usize}`)
    out.set(name, data)
    p += 46 + nameLen + extraLen + commentLen
  }
  return out
}

function xmlText(s) {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|amp|lt|gt|quot|apos);/g, (_, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e]
  })
}

// The rows of an XLSX file's first sheet as arrays of cell texts (numbers as
// written, e.g. "4500"; blank cells ''), without LibreOffice: shared and
// inline strings, the cell's column from its reference.
export function xlsxRows(buf, sheet = 'xl/worksheets/sheet1.xml') {
  const files = unzip(buf)
  const shared = []
  const sst = files.get('xl/sharedStrings.xml')
  if (sst) {
    for (const si of sst.toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)) {
      shared.push([...si[1].matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => xmlText(t[1])).join(''))
    }
  }
  const xml = files.get(sheet)
  if (!xml) throw new Error(`no ${sheet} in the workbook`)
  const rows = []
  for (const row of xml.toString('utf8').matchAll(/<row[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = []
    for (const c of row[1].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      let col = 0
      for (const ch of c[1]) col = col * 26 + ch.charCodeAt(0) - 64
      const type = /t="(\w+)"/.exec(c[2])?.[1]
      const body = c[3] ?? ''
      let value = ''
      if (type === 's') value = shared[Number(/<v>(\d+)<\/v>/.exec(body)[1])]
      else if (type === 'inlineStr') value = [...body.matchAll(/<t[^>]*>([\s\S]*?)<\/t>/g)].map((t) => xmlText(t[1])).join('')
      else value = xmlText(/<v>([\s\S]*?)<\/v>/.exec(body)?.[1] ?? '')
      while (cells.length < col - 1) cells.push('')
      cells[col - 1] = value
    }
    rows.push(cells)
  }
  return rows
}
