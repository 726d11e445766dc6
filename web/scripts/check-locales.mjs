#!/usr/bin/env node
// Fails when a message key exists in one locale and not in the other, when a
// module file is missing from a locale, or when a message is empty.
// Usage: npm run check-locales
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'locales')
const locales = readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)

function flatten(obj, prefix, out) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) flatten(v, key, out)
    else out.set(key, v)
  }
  return out
}

const keys = new Map() // locale -> Map(key -> value)
const problems = []
for (const loc of locales) {
  const all = new Map()
  for (const file of readdirSync(join(root, loc)).filter((f) => f.endsWith('.json'))) {
    const module = file.replace(/\.json$/, '')
    let data
    try {
      data = JSON.parse(readFileSync(join(root, loc, file), 'utf8'))
    } catch (e) {
      problems.push(`${loc}/${file}: invalid JSON (${e.message})`)
      continue
    }
    flatten(data, module, all)
  }
  keys.set(loc, all)
}

for (const [loc, all] of keys) {
  for (const [key, value] of all) {
    if (typeof value !== 'string' || value.trim() === '') problems.push(`${loc}: ${key} is empty or not a string`)
    for (const [other, otherKeys] of keys) {
      if (other !== loc && !otherKeys.has(key)) problems.push(`${key}: in ${loc}, missing in ${other}`)
    }
  }
}

if (locales.length < 2) problems.push(`expected at least two locales in ${root}, found ${locales.join(', ')}`)

if (problems.length) {
  console.error(`check-locales: ${problems.length} problem(s)`)
  for (const p of problems) console.error(`  ${p}`)
  process.exit(1)
}
console.log(`check-locales: ${locales.join(', ')} agree on ${keys.get(locales[0]).size} keys`)
