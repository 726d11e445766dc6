// Shared helpers for the browser tests: start the real server on a fresh
// SQLite database with the demo county, launch Debian's chromium through
// playwright-core, compute TOTP codes, and drive common console steps.
// run.mjs fills `env` before any *.spec.mjs test runs.
import { spawn, execFileSync } from 'node:child_process'
import { createHmac } from 'node:crypto'
import { appendFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setTimeout as sleep } from 'node:timers/promises'

export const HERE = dirname(fileURLToPath(import.meta.url))
export const RESULTS_DIR = join(HERE, 'test-results')
export const DEMO_PASSWORD = 'Minsheng@2026'

// Filled by run.mjs: { baseUrl, browser, server, tmp }. Also remembers what
// tests learn about users (TOTP secrets, changed passwords) so later logins work.
export const env = {
  baseUrl: '',
  browser: null,
  server: null,
  tmp: '',
  totpSecrets: new Map(),
  passwords: new Map(),
}

// ---------------------------------------------------------------- server

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// Polls GET url until it answers 200 or the deadline passes.
export async function waitForHttp(url, { timeoutMs = 30_000, proc = null } = {}) {
  const deadline = Date.now() + timeoutMs
  let last = ''
  while (Date.now() < deadline) {
    if (proc && proc.exitCode !== null) throw new Error(`server exited with code ${proc.exitCode} before ${url} answered`)
    try {
      const res = await fetch(url)
      if (res.ok) return await res.json().catch(() => ({}))
      last = `HTTP ${res.status}`
    } catch (e) {
      last = e.cause?.code ?? e.message
    }
    await sleep(200)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${url} (${last})`)
}

function runCli(bin, args, logPath) {
  try {
    const out = execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 300_000 })
    appendFileSync(logPath, `$ minsheng ${args.join(' ')}\n${out}\n`)
  } catch (e) {
    throw new Error(`minsheng ${args.join(' ')} failed (exit ${e.status}):\n${e.stdout ?? ''}${e.stderr ?? ''}`)
  }
}

// Fresh database with the demo county, then `minsheng serve` on a free port.
export async function startServer({ bin, webRoot }) {
  if (!bin || !existsSync(bin)) throw new Error(`MINSHENG_BIN is not set or missing: ${bin}`)
  if (!webRoot || !existsSync(join(webRoot, 'index.html'))) {
    throw new Error(`MINSHENG_WEB_ROOT has no index.html: ${webRoot} (run "npm ci && npm run build" in web/)`)
  }
  const tmp = mkdtempSync(join(tmpdir(), 'minsheng-e2e-'))
  const db = `sqlite:${join(tmp, 'e2e.db')}`
  const logPath = join(tmp, 'server.log')
  try {
    runCli(bin, ['migrate', '--db', db], logPath)
    runCli(bin, ['demo', '--db', db, '--scale', 'small', '--seed', '1'], logPath)
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true })
    throw e
  }
  const log = createWriteStream(logPath, { flags: 'a' })

  const port = await freePort()
  const proc = spawn(bin, ['serve', '--db', db, '--listen', `127.0.0.1:${port}`, '--web-root', webRoot], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  proc.stdout.pipe(log)
  proc.stderr.pipe(log)
  const baseUrl = `http://127.0.0.1:${port}`
  const server = {
    proc,
    tmp,
    logPath,
    stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM')
    },
    async stopAndWait(ms = 5000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const done = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      if ((await Promise.race([done.then(() => true), sleep(ms).then(() => false)])) === false) proc.kill('SIGKILL')
    },
    logTail(lines = 40) {
      try {
        return readFileSync(join(tmp, 'server.log'), 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
      } catch {
        return ''
      }
    },
    cleanup() {
      rmSync(tmp, { recursive: true, force: true })
    },
  }
  try {
    await waitForHttp(`${baseUrl}/api/v1/health`, { proc })
  } catch (e) {
    server.stop()
    throw new Error(`${e.message}\n--- server log ---\n${server.logTail()}`)
  }
  return { baseUrl, server, tmp }
}

// ---------------------------------------------------------------- browser

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
]

export async function launchBrowser() {
  const { chromium } = await import('playwright-core')
  return chromium.launch({ executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium', args: CHROMIUM_ARGS })
}

// A fresh context (own cookies and localStorage) and page, zh-CN by default.
export async function newPage({ locale = 'zh-CN' } = {}) {
  const context = await env.browser.newContext({
    baseURL: env.baseUrl,
    locale,
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1440, height: 900 },
  })
  context.setDefaultTimeout(15_000)
  const page = await context.newPage()
  page.on('pageerror', (e) => console.error(`[browser] page error: ${e.message}`))
  return page
}

export async function screenshot(page, name) {
  mkdirSync(RESULTS_DIR, { recursive: true })
  await page.screenshot({ path: join(RESULTS_DIR, `${name}.png`), fullPage: true })
}

// ---------------------------------------------------------------- TOTP (RFC 6238, HMAC-SHA1, 6 digits, 30 s)

export function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  const clean = s.toUpperCase().replace(/[\s=-]/g, '')
  let bits = 0
  let value = 0
  const out = []
  for (const c of clean) {
    const idx = alphabet.indexOf(c)
    if (idx < 0) throw new Error(`not base32: ${c}`)
    value = (value << 5) | idx
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

export function totpAt(secret, counter, digits = 6) {
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', base32Decode(secret)).update(msg).digest()
  const offset = mac[mac.length - 1] & 0x0f
  const bin = mac.readUInt32BE(offset) & 0x7fffffff
  return String(bin % 10 ** digits).padStart(digits, '0')
}

const usedCounters = new Map() // secret -> last time step used

// A code for the current 30 s step that has not been used yet with this
// secret (servers refuse replays), waiting for the next step if needed.
export async function freshTotp(secret) {
  for (;;) {
    const counter = Math.floor(Date.now() / 30_000)
    const secondsLeft = 30 - (Date.now() / 1000) % 30
    if (counter > (usedCounters.get(secret) ?? -1) && secondsLeft > 3) {
      usedCounters.set(secret, counter)
      return totpAt(secret, counter)
    }
    await sleep(500)
  }
}

// A well-formed code that no nearby time step accepts.
export function invalidTotp(secret) {
  const c = Math.floor(Date.now() / 30_000)
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totpAt(secret, c + d)))
  for (let n = 123456; ; n = (n + 111111) % 1_000_000) {
    const code = String(n).padStart(6, '0')
    if (!near.has(code)) return code
  }
}

// ---------------------------------------------------------------- console steps

// Element Plus selects: open by clicking, choose the option with this text.
export async function chooseOption(page, selectLocator, text) {
  await selectLocator.click()
  await page.locator('.el-select-dropdown__item:visible', { hasText: text }).first().click()
}

// Element Plus tree-select (filterable): open, type the label to filter the
// tree (which unfolds the matches), then click the node.
export async function chooseTreeNode(page, selectLocator, label) {
  await selectLocator.click()
  await selectLocator.locator('input').fill(label)
  await page.locator('.el-tree-select__popper:visible .el-tree-node__content', { hasText: label }).first().click()
}

export function formItemError(page, field) {
  return page.locator(`[data-test="field-${field}"] .el-form-item__error`)
}

// Enrols TOTP on the screen currently showing the enrolment component and
// remembers the secret for later logins.
export async function enrolTotp(page, username) {
  await page.click('[data-test=totp-start]')
  const secretEl = page.locator('[data-test=totp-secret]')
  await secretEl.waitFor()
  const secret = await secretEl.getAttribute('data-secret')
  if (!secret) throw new Error('TOTP secret not shown')
  await page.fill('[data-test=totp-code]', await freshTotp(secret))
  await page.click('[data-test=totp-confirm]')
  env.totpSecrets.set(username, secret)
  return secret
}

// Signs in through the login page and gets past forced steps (TOTP step,
// TOTP enrolment, initial password change), ending on a page of the console.
export async function login(page, username, { password } = {}) {
  const pw = password ?? env.passwords.get(username) ?? DEMO_PASSWORD
  await page.goto('/login')
  await page.fill('[data-test=login-username]', username)
  await page.fill('[data-test=login-password]', pw)
  await page.click('[data-test=login-submit]')

  const welcome = page.locator('[data-test=welcome]')
  const totpStep = page.locator('[data-test=login-totp]')
  const error = page.locator('[data-test=login-error]')
  const enrol = page.locator('[data-test=totp-start]')
  const pwChange = page.locator('[data-test=pw-current]')
  await welcome.or(totpStep).or(error).or(enrol).or(pwChange).first().waitFor()

  if (await error.isVisible()) throw new Error(`login as ${username} refused: ${await error.innerText()}`)
  if (await totpStep.isVisible()) {
    const secret = env.totpSecrets.get(username)
    if (!secret) throw new Error(`login as ${username} asks for TOTP but no secret is known`)
    await page.fill('[data-test=login-totp]', await freshTotp(secret))
    await page.click('[data-test=login-totp-submit]')
    await welcome.or(error).or(enrol).or(pwChange).first().waitFor()
    if (await error.isVisible()) throw new Error(`TOTP step for ${username} refused: ${await error.innerText()}`)
  }
  if (await pwChange.isVisible()) {
    // Not derived from the user name: password policies may refuse that.
    const next = `Changed#Pw-${Date.now() % 100000}`
    await page.fill('[data-test=pw-current]', pw)
    await page.fill('[data-test=pw-new]', next)
    await page.fill('[data-test=pw-confirm]', next)
    await page.click('[data-test=pw-submit]')
    const fieldError = page.locator('.el-form-item__error')
    await welcome.or(enrol).or(fieldError).first().waitFor()
    if (await fieldError.first().isVisible()) {
      throw new Error(`password change for ${username} refused: ${(await fieldError.allInnerTexts()).join('; ')}`)
    }
    env.passwords.set(username, next)
  }
  if (await enrol.isVisible()) {
    await enrolTotp(page, username)
    await welcome.waitFor()
  }
}

export async function logout(page) {
  await page.locator('[data-test=user-menu]').click()
  await page.locator('[data-test=logout]:visible').click()
  await page.locator('[data-test=login-username]').waitFor()
}

// ---------------------------------------------------------------- API

// Signs in over the API (for setup steps and checks beside the browser):
// the session cookie, the CSRF token and the user.
export async function apiSession(username) {
  const res = await fetch(`${env.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: env.passwords.get(username) ?? DEMO_PASSWORD }),
  })
  if (res.status !== 200) throw new Error(`API login as ${username}: HTTP ${res.status} ${await res.text()}`)
  const body = await res.json()
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return { cookie, csrf: body.csrf_token, user: body.user }
}
