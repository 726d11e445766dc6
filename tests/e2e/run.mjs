// Browser tests of the console, run by ctest as `node tests/e2e/run.mjs` with
// MINSHENG_BIN (the built server) and MINSHENG_WEB_ROOT (web/dist).
// Starts the server on a fresh demo database, launches chromium, then runs
// every tests/e2e/*.spec.mjs with node:test. The server and the browser are
// stopped whatever happens; the exit code is non-zero if any test failed.
import { after, before } from 'node:test'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { HERE, env, launchBrowser, startServer } from './lib.mjs'

// playwright-core comes from tests/e2e/package-lock.json; install it on first use.
try {
  createRequire(join(HERE, 'package.json')).resolve('playwright-core')
} catch {
  console.log('e2e: installing playwright-core (npm ci in tests/e2e)')
  execFileSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: HERE, stdio: 'inherit' })
}

let server = null

// Runs when node:test has finished (and set the exit code): last-resort stop,
// then keep the data and show the server log only if something failed.
process.on('exit', (code) => {
  if (!server) return
  server.stop()
  if (code || process.exitCode) {
    console.error(`--- server log (tail) ---\n${server.logTail(60)}\n--- kept ${server.tmp} for inspection`)
  } else {
    server.cleanup()
  }
})
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    server?.stop()
    process.exit(130)
  })
}

before(async () => {
  const started = await startServer({ bin: process.env.MINSHENG_BIN, webRoot: process.env.MINSHENG_WEB_ROOT })
  server = started.server
  env.server = started.server
  env.baseUrl = started.baseUrl
  env.tmp = started.tmp
  env.browser = await launchBrowser()
  console.log(`e2e: server at ${env.baseUrl}, data in ${env.tmp}`)
})

after(async () => {
  try {
    await env.browser?.close()
  } catch (e) {
    console.error(`e2e: closing the browser failed: ${e.message}`)
  }
  await server?.stopAndWait()
})

const only = process.env.E2E_ONLY // e.g. E2E_ONLY=platform to run one spec file
const specs = readdirSync(HERE)
  .filter((f) => f.endsWith('.spec.mjs') && (!only || f.startsWith(only)))
  .sort()
if (specs.length === 0) throw new Error(`no *.spec.mjs in ${HERE}`)
for (const f of specs) {
  if (existsSync(join(HERE, f))) await import(pathToFileURL(join(HERE, f)).href)
}
