#!/usr/bin/env node
// Asset export over HTTP (issue 3): peak server memory and time of
// GET /api/v1/exports/assets on an existing database, one fresh server per
// format so each peak is that export's own.
//
// For each format: start `minsheng serve` on a free port, wait for
// /api/v1/health, log in, let it settle 1 s, reset the peak (echo 5 >
// /proc/PID/clear_refs), read VmRSS from /proc/PID/status, download the export (bytes counted and dropped, never
// kept), sampling VmRSS every 50 ms, then read VmHWM again and stop the server.
// Prints one Markdown table row per format: rows (X-Total-Count), bytes, time
// to the first byte, total time, RSS before, peak RSS (VmHWM) after.
//
// Usage: node bench/export_bench.mjs --bin PATH --db URL [--user finance]
//          [--password Minsheng@2026] [--query 'org=6'] [--formats csv,xlsx]
import { spawn } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const opts = { user: 'finance', password: 'Minsheng@2026', query: '', formats: 'csv,xlsx' }
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '')
  if (!(key in opts) && key !== 'bin' && key !== 'db') throw new Error(`unknown option ${process.argv[i]}`)
  opts[key] = process.argv[i + 1]
}
if (!opts.bin || !opts.db) {
  console.error('usage: node bench/export_bench.mjs --bin PATH --db URL [--user U] [--query Q] [--formats csv,xlsx]')
  process.exit(2)
}

function status(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)[1])
  return { rss: kb('VmRSS') / 1024, hwm: kb('VmHWM') / 1024 }
}

async function startServer(tmp) {
  const logPath = join(tmp, 'server.log')
  const fd = openSync(logPath, 'w')
  const proc = spawn(opts.bin, ['serve', '--db', opts.db, '--listen', '127.0.0.1:0', '--web-root', '', '--access-log', ''],
    { stdio: ['ignore', fd, fd], env: { ...process.env, TMPDIR: tmp } })
  closeSync(fd)
  const deadline = Date.now() + 60_000
  for (;;) {
    const m = readFileSync(logPath, 'utf8').match(/serving http:\/\/127\.0\.0\.1:(\d+)\//)
    if (m) {
      const url = `http://127.0.0.1:${m[1]}`
      for (;;) {
        try {
          if ((await fetch(`${url}/api/v1/health`)).status === 200) return { proc, url }
        } catch {}
        if (Date.now() > deadline) throw new Error('server not healthy after 60 s')
        await sleep(50)
      }
    }
    if (proc.exitCode !== null) throw new Error(`server exited: ${readFileSync(logPath, 'utf8')}`)
    if (Date.now() > deadline) throw new Error('server did not report its port after 60 s')
    await sleep(50)
  }
}

async function stopServer(proc) {
  const exited = new Promise((resolve) => proc.once('exit', resolve))
  proc.kill('SIGTERM')
  await Promise.race([exited, sleep(10_000)])
  if (proc.exitCode === null) proc.kill('SIGKILL')
}

async function login(url) {
  const res = await fetch(`${url}/api/v1/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: opts.user, password: opts.password }),
  })
  if (res.status !== 200) throw new Error(`login as ${opts.user}: HTTP ${res.status} ${await res.text()}`)
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => c.startsWith('ms_session='))
  if (!cookie) throw new Error('login gave no ms_session cookie')
  return cookie
}

// Downloads path, counting bytes; resolves with status, headers and timings.
function download(url, path, cookie) {
  return new Promise((resolve, reject) => {
    const u = new URL(url + path)
    const started = process.hrtime.bigint()
    const ms = () => Number(process.hrtime.bigint() - started) / 1e6
    const req = request({ host: u.hostname, port: u.port, path: u.pathname + u.search, headers: { cookie } }, (res) => {
      let bytes = 0
      let first = null
      let lines = 0
      res.on('data', (chunk) => {
        if (first === null) first = ms()
        bytes += chunk.length
        for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) lines++
      })
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, bytes, lines, first, total: ms() }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

console.log(`| format | rows (X-Total-Count) | bytes | first byte ms | total ms | RSS before MB | peak VmRSS sampled MB | VmHWM after MB |`)
console.log('|---|---|---|---|---|---|---|---|')
for (const format of opts.formats.split(',')) {
  const tmp = mkdtempSync(join(tmpdir(), 'ms-export-bench-'))
  const { proc, url } = await startServer(tmp)
  try {
    const cookie = await login(url)
    await sleep(1000)
    // Start-up (migrations check, caches) may have peaked higher than the
    // export will: reset the peak so VmHWM after is the export's own.
    writeFileSync(`/proc/${proc.pid}/clear_refs`, '5')
    const before = status(proc.pid)
    let peak = before.rss
    const sampler = setInterval(() => { peak = Math.max(peak, status(proc.pid).rss) }, 50)
    const path = `/api/v1/exports/assets?format=${format}${opts.query ? `&${opts.query}` : ''}`
    const r = await download(url, path, cookie)
    clearInterval(sampler)
    const after = status(proc.pid)
    if (r.status !== 200) throw new Error(`${path}: HTTP ${r.status}`)
    const rows = r.headers['x-total-count'] ?? '?'
    console.log(`| ${format} | ${rows}${format === 'csv' ? ` (${r.lines - 1} lines)` : ''} | ${r.bytes} | ${r.first.toFixed(0)} | ` +
      `${r.total.toFixed(0)} | ${before.rss.toFixed(1)} | ${Math.max(peak, after.rss).toFixed(1)} | ${after.hwm.toFixed(1)} |`)
  } finally {
    await stopServer(proc)
    rmSync(tmp, { recursive: true, force: true })
  }
}
