// Asset console: ledger import with errors then fixed, search and filters,
// an edit refused on its field then accepted, the XLSX export, and the phone
// page a QR label opens, and a building whose minimum life follows its
// structure (zh-CN and en). The demo county has units, users and categories;
// the cards these tests need are made through the API first.
import test from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_PASSWORD, RESULTS_DIR, chooseOption, env, formItemError, login, newPage, screenshot } from './lib.mjs'

// Unique per run, so names do not collide with leftovers of another run.
const RUN = Date.now().toString(36).slice(-5).toUpperCase()
const CLERK = 'clerk' // 单位资产管理员 of 示范县…第一中学 (asset.write on that unit)

// ---------------------------------------------------------------- API set-up

// A signed-in API session (cookie + CSRF token), for preparing data.
async function apiSession(username) {
  const res = await fetch(`${env.baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ username, password: env.passwords.get(username) ?? DEMO_PASSWORD }),
  })
  assert.equal(res.status, 200, `API login as ${username}: ${await res.clone().text()}`)
  const body = await res.json()
  const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
  return { cookie, csrf: body.csrf_token, user: body.user }
}

async function api(session, method, path, body) {
  const res = await fetch(`${env.baseUrl}/api/v1${path}`, {
    method,
    headers: {
      Cookie: session.cookie,
      'X-CSRF-Token': session.csrf,
      Accept: 'application/json',
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`)
  return text ? JSON.parse(text) : null
}

const setup = { unitId: 0, unitName: '', locationId: 0, staffId: 0, departmentId: 0, cards: {} }

// Made once, by the first test that needs it (run.mjs starts the server in a
// root hook; a spec's own top-level hook could run before it).
let prepared = null
const ensureSetup = () => (prepared ??= prepare())

async function prepare() {
  const s = await apiSession(CLERK)
  setup.unitId = s.user.org.id
  setup.unitName = s.user.org.name
  const dir = (kind, name) => api(s, 'POST', `/orgs/${setup.unitId}/${kind}`, { name })
  setup.locationId = (await dir('locations', `E2E教学楼/2层/20${RUN}`)).id
  setup.departmentId = (await dir('departments', `E2E教务处${RUN}`)).id
  setup.staffId = (await dir('staff', `E2E张老师${RUN}`)).id
  const card = (name, extra = {}) =>
    api(s, 'POST', '/assets', {
      org_id: setup.unitId,
      name,
      category_code: 'A02010105', // 台式计算机 (6-year minimum life)
      subject_code: '1601',
      acquisition_method: '购置',
      funding_source: '财政拨款',
      acquired_on: '2024-03-15',
      original_value: 560000,
      unit_of_measure: '台',
      location_id: setup.locationId,
      custodian_id: setup.staffId,
      department_id: setup.departmentId,
      ...extra,
    })
  setup.cards.desktop = await card(`E2E台式计算机${RUN}`, { brand: '联想', model: `M720-${RUN}` })
  setup.cards.projector = await card(`E2E投影仪${RUN}`, { original_value: 1250000, serial_no: `SN-${RUN}-P` })
  setup.cards.idle = await card(`E2E闲置计算机${RUN}`, { original_value: 320000 })
  await api(s, 'POST', `/assets/${setup.cards.idle.number}/idle`, { note: 'E2E: 教室合并后闲置' })
}

// ---------------------------------------------------------------- helpers

// The import template's columns, read from the server's own CSV template, so
// the test follows the documented headers rather than guessing them.
async function importColumns() {
  const s = await apiSession(CLERK)
  const res = await fetch(`${env.baseUrl}/api/v1/imports/assets/template?format=csv`, { headers: { Cookie: s.cookie } })
  assert.equal(res.status, 200, 'CSV template downloads')
  const text = (await res.text()).replace(/^\uFEFF/, '')
  const [header, example] = parseCsv(text)
  assert.ok(header?.length && example?.length, 'template has a header and an example row')
  const norm = (h) => h.replace(/[\s*＊]/g, '').toLowerCase()
  const find = (...names) => {
    const i = header.findIndex((h) => names.some((n) => norm(h) === norm(n) || norm(h).startsWith(norm(n))))
    assert.ok(i >= 0, `template has a column named ${names.join(' / ')}: ${header.join(',')}`)
    return i
  }
  return {
    header,
    example,
    name: find('资产名称', 'name'),
    category: find('资产分类代码', '分类代码', '资产分类', 'category_code'),
    value: find('原值', 'original_value'),
    acquired: find('取得日期', 'acquired_on'),
    location: find('存放地点', 'location'),
  }
}

function parseCsv(text) {
  const rows = []
  let row = []
  let cell = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"'
        i++
      } else if (c === '"') quoted = false
      else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell || row.length) {
    row.push(cell)
    rows.push(row)
  }
  return rows.filter((r) => r.some((c) => c.trim()))
}

const csvCell = (v) => (/[",\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)
const toCsv = (rows) => rows.map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n'

function writeResult(name, content) {
  mkdirSync(RESULTS_DIR, { recursive: true })
  const path = join(RESULTS_DIR, name)
  writeFileSync(path, content)
  return path
}

// The list page of the clerk's unit, waiting for the first answer.
async function openList(page) {
  await page.goto('/assets')
  await page.locator('[data-test=asset-table]').waitFor()
  await page.locator('[data-test=asset-total]', { hasText: /\d/ }).waitFor()
}

async function searchText(page, text) {
  await page.fill('[data-test=asset-q]', text)
  await page.click('[data-test=asset-search]')
}

const tableRows = (page) => page.locator('[data-test=asset-table] .el-table__body tr')

// ---------------------------------------------------------------- tests

test('(a) import a ledger: errors reported by row, fixed, imported, listed', async () => {
  await ensureSetup()
  const cols = await importColumns()
  const location = `E2E实验楼/1层/10${RUN}`
  const row = (name, overrides = {}) => {
    const r = [...cols.example]
    r[cols.name] = name
    r[cols.category] = 'A02010105'
    r[cols.value] = '4800.00'
    r[cols.acquired] = '2023-09-01'
    r[cols.location] = location
    for (const [k, v] of Object.entries(overrides)) r[cols[k]] = v
    return r
  }
  const names = [1, 2, 3, 4, 5].map((i) => `E2E导入电脑${RUN}-${i}`)
  // Data rows are file rows 2…6 (the header is row 1); rows 4 and 6 are bad.
  const bad = [
    cols.header,
    row(names[0]),
    row(names[1]),
    row(names[2], { category: 'A99999999' }), // no such category
    row(names[3]),
    row(names[4], { value: '-100' }), // negative original value
  ]
  const badPath = writeResult(`import-${RUN}-bad.csv`, toCsv(bad))

  const page = await newPage()
  try {
    await login(page, CLERK)
    await page.goto('/assets/import')
    // The unit defaults to the clerk's unit (the top-bar org).
    await page.locator('[data-test=field-org_id] .el-select', { hasText: setup.unitName }).waitFor()
    await page.locator('[data-test=import-upload] input[type=file]').setInputFiles(badPath)
    await page.click('[data-test=import-check]')
    const errors = page.locator('[data-test=import-errors]')
    await errors.waitFor({ timeout: 60_000 })
    const table = page.locator('[data-test=import-error-table] .el-table__body tr')
    await table.first().waitFor()
    const lines = await table.allInnerTexts()
    const rowsReported = [...new Set(lines.map((l) => Number(l.trim().split(/\s+/)[0])))].sort()
    assert.deepEqual(rowsReported, [4, 6], `errors on file rows 4 and 6: ${lines.join(' | ')}`)
    assert.ok(lines.some((l) => l.includes('A99999999')), 'the bad category value is shown')
    assert.ok(lines.some((l) => l.includes('-100')), 'the bad value is shown')
    // The report is offered in both formats; nothing was written.
    await page.locator('[data-test=report-xlsx]').waitFor()
    await page.locator('[data-test=report-csv]').waitFor()
    assert.equal(await page.locator('[data-test=import-commit]').isDisabled(), true, 'no commit while rows fail')
    await screenshot(page, 'asset-a1-import-errors')

    // Fix the two rows and upload again: the check passes, then the import.
    const fixed = [cols.header, row(names[0]), row(names[1]), row(names[2]), row(names[3]), row(names[4])]
    const fixedPath = writeResult(`import-${RUN}-fixed.csv`, toCsv(fixed))
    await page.click('[data-test=import-reupload]')
    await page.locator('[data-test=import-upload] input[type=file]').setInputFiles(fixedPath)
    await page.click('[data-test=import-check]')
    await page.locator('[data-test=import-clean]').waitFor({ timeout: 60_000 })
    await screenshot(page, 'asset-a2-import-clean')
    await page.click('[data-test=import-commit]')
    const done = page.locator('[data-test=import-done]')
    await done.waitFor({ timeout: 60_000 })
    assert.match(await done.innerText(), /5/, 'five cards imported')
    // The new location was not in the unit's directory: the summary lists it.
    await page.locator('[data-test=import-added]', { hasText: location }).waitFor()
    await screenshot(page, 'asset-a3-import-done')

    // The new cards are in the list.
    await page.click('[data-test=import-to-list]')
    await page.locator('[data-test=asset-table]').waitFor()
    await searchText(page, `E2E导入电脑${RUN}`)
    await page.locator('[data-test=asset-total]', { hasText: '共 5 条' }).waitFor()
    assert.equal(await tableRows(page).count(), 5)
    for (const n of names) await tableRows(page).filter({ hasText: n }).waitFor()
    await screenshot(page, 'asset-a4-imported-in-list')
  } finally {
    await page.context().close()
  }
})

test('(b) search by free text and filter by state', async () => {
  await ensureSetup()
  const page = await newPage()
  try {
    await login(page, CLERK)
    await openList(page)
    // Free text matches the model as well as the name.
    await searchText(page, `M720-${RUN}`)
    await page.locator('[data-test=asset-total]', { hasText: '共 1 条' }).waitFor()
    await tableRows(page).filter({ hasText: setup.cards.desktop.number }).waitFor()
    assert.equal(await tableRows(page).count(), 1)
    // Without a chosen column, matches come newest registered first, and the page says so.
    await page.locator('[data-test=asset-order-hint]', { hasText: '按登记时间从新到旧' }).waitFor()
    await screenshot(page, 'asset-b1-search-text')

    // Three cards of this run; the state filter keeps the idle one.
    await searchText(page, RUN)
    await tableRows(page).filter({ hasText: setup.cards.projector.number }).waitFor()
    await chooseOption(page, page.locator('[data-test=filter-state]'), '闲置')
    await page.click('[data-test=asset-search]')
    await page.locator('[data-test=asset-total]', { hasText: '共 1 条' }).waitFor()
    const only = tableRows(page)
    await only.filter({ hasText: setup.cards.idle.number }).waitFor()
    assert.equal(await only.count(), 1)
    assert.match(await only.first().innerText(), /闲置/)
    // The filter is in the URL, so a reload keeps it.
    assert.match(page.url(), /state=idle/)
    await page.reload()
    await page.locator('[data-test=asset-total]', { hasText: '共 1 条' }).waitFor()
    await screenshot(page, 'asset-b2-filter-state')

    // Value range in 元: only the 12,500 yuan projector is at least 10,000.
    await page.goto(`/assets?q=${RUN}&min=10000`)
    await page.locator('[data-test=asset-total]', { hasText: '共 1 条' }).waitFor()
    await tableRows(page).filter({ hasText: setup.cards.projector.number }).waitFor()
  } finally {
    await page.context().close()
  }
})

test('(c) edit a card: a booked date before the acquired date is refused on its field, then fixed', async () => {
  await ensureSetup()
  const number = setup.cards.desktop.number
  const page = await newPage()
  try {
    await login(page, CLERK)
    await page.goto(`/assets/${number}`)
    await page.locator('[data-test=card-number]', { hasText: number }).waitFor()
    await page.locator('[data-test=card-qr-img]').waitFor()
    await page.click('[data-test=card-edit]')
    const dialog = page.locator('[data-test=asset-edit-dialog]')
    await dialog.locator('[data-test=asset-name]').waitFor()
    const booked = dialog.locator('[data-test=field-booked_on] input')
    await booked.fill('2024-01-10') // acquired 2024-03-15
    await booked.press('Enter')
    await dialog.locator('[data-test=asset-name]').fill(`E2E台式计算机${RUN}（已改）`)
    await dialog.locator('[data-test=asset-edit-submit]').click()
    const err = formItemError(page, 'booked_on')
    await err.waitFor()
    assert.match(await err.innerText(), /入账日期不能早于取得日期/)
    assert.equal(await formItemError(page, 'name').count(), 0, 'no error on the name')
    await screenshot(page, 'asset-c1-edit-error-on-field')

    await booked.fill('2024-03-20')
    await booked.press('Enter')
    await dialog.locator('[data-test=asset-edit-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    await page.locator('[data-test=card-name]', { hasText: '（已改）' }).waitFor()
    // The timeline shows the edit with before → after.
    const edit = page.locator('[data-test=timeline-item]', { hasText: '修改卡片' }).first()
    await edit.waitFor()
    assert.match(await edit.innerText(), /入账日期\s*2024-03-15\s*→\s*2024-03-20/)
    await screenshot(page, 'asset-c2-edit-saved')

    // Value as of another date: one month of 72 on 5,600 yuan is 77.77.
    const at = page.locator('[data-test=value-at] input')
    await at.fill('2024-03-31')
    await at.press('Enter')
    await page.locator('[data-test=card-accumulated]', { hasText: '77.77' }).waitFor()
    await page.locator('[data-test=card-net]', { hasText: '5,522.23' }).waitFor()
  } finally {
    await page.context().close()
  }
})

test('(d) export the filtered list as XLSX', async () => {
  await ensureSetup()
  const page = await newPage()
  try {
    await login(page, CLERK)
    await openList(page)
    await searchText(page, RUN)
    await tableRows(page).first().waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export-xlsx]')])
    assert.match(download.suggestedFilename(), /\.xlsx$/, `file name: ${download.suggestedFilename()}`)
    const path = join(RESULTS_DIR, `export-${RUN}.xlsx`)
    mkdirSync(RESULTS_DIR, { recursive: true })
    await download.saveAs(path)
    const bytes = readFileSync(path)
    assert.equal(bytes.subarray(0, 2).toString('latin1'), 'PK', 'an XLSX is a zip')
    assert.match(download.url(), new RegExp(`q=${RUN}`), 'the export carries the list filter')
    await screenshot(page, 'asset-d1-export')
  } finally {
    await page.context().close()
  }
})

test('(e) a scanned QR opens the phone page, through the login when signed out', async () => {
  await ensureSetup()
  const number = setup.cards.projector.number
  const context = await env.browser.newContext({
    baseURL: env.baseUrl,
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 390, height: 844 },
    isMobile: true,
  })
  const page = await context.newPage()
  try {
    await page.goto(`/a/${number}`)
    await page.locator('[data-test=login-username]').waitFor()
    assert.match(decodeURIComponent(page.url()), new RegExp(`redirect=/a/${number}`))
    await page.fill('[data-test=login-username]', CLERK)
    await page.fill('[data-test=login-password]', env.passwords.get(CLERK) ?? DEMO_PASSWORD)
    await page.click('[data-test=login-submit]')
    await page.locator('[data-test=mobile-name]', { hasText: `E2E投影仪${RUN}` }).waitFor()
    assert.equal(await page.locator('[data-test=main-menu]').count(), 0, 'no side menu on the phone page')
    await screenshot(page, 'asset-e1-mobile-card')
  } finally {
    await context.close()
  }
})

// The required fields of the register form besides name, category and location.
async function fillRegisterBasics(form, { uom, value, acquired }) {
  await form.locator('[data-test=asset-uom]').fill(uom)
  await form.locator('[data-test=asset-value]').fill(value)
  await form.locator('[data-test=asset-subject]').fill('1601')
  const date = form.locator('[data-test=field-acquired_on] input')
  await date.fill(acquired)
  await date.press('Enter')
}

test('(f) register a card: leaf category with its minimum life, a new location added inline', async () => {
  await ensureSetup()
  const location = `E2E图书馆/1层/阅览室${RUN}`
  const page = await newPage()
  try {
    await login(page, CLERK)
    await page.goto('/assets/new')
    const form = page.locator('[data-test=asset-form]')
    await page.locator('[data-test=field-org_id] .el-select', { hasText: setup.unitName }).waitFor()
    await form.locator('[data-test=asset-name]').fill(`E2E登记打印机${RUN}`)
    // Search the category by name; the leaf's minimum life prefills the life.
    const category = form.locator('[data-test=category-select]')
    await category.click()
    await category.locator('input').fill('台式计算机')
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'A02010105' }).click()
    await form.locator('[data-test=life-hint]', { hasText: '72' }).waitFor()
    assert.equal(await form.locator('[data-test=asset-life] input').inputValue(), '72')
    await fillRegisterBasics(form, { uom: '台', value: '2380.50', acquired: '2025-06-01' })
    // The location is not in the unit's directory yet: add it from the picker.
    await form.locator('[data-test=field-location_id] .el-select').click()
    await page.locator('[data-test=dir-locations-add]:visible').click()
    const box = page.locator('.directory-add-box')
    await box.locator('input').fill(location)
    await box.locator('.el-button--primary').click()
    await form.locator('[data-test=field-location_id] .el-select', { hasText: location }).waitFor()
    await screenshot(page, 'asset-f1-register-form')
    await page.click('[data-test=asset-submit]')
    await page.locator('[data-test=card-name]', { hasText: `E2E登记打印机${RUN}` }).waitFor()
    await page.locator('[data-test=card-location]', { hasText: location }).waitFor()
    await page.locator('[data-test=card-value]', { hasText: '2,380.50' }).waitFor()
    await screenshot(page, 'asset-f2-registered-card')
  } finally {
    await page.context().close()
  }
})

// (g) A building's minimum life follows its structure (docs/categories.md):
// 教育用房 A01010206 is a 50-year class, but a 砖混 building's minimum is 30
// years. The form says so and prefills 360 months; 20 years is refused by the
// server on the life field, naming the structure; 30 years saves.
const BUILDING_TEXT = {
  'zh-CN': {
    categoryHint: '最低使用年限 600 个月（50 年）',
    structureHint: '结构为「砖混」的房屋最低使用年限 360 个月（30 年）',
    simpleHint: '结构为「简易」的房屋最低使用年限 96 个月（8 年）',
    error: '使用年限不得低于结构为「砖混」的房屋的最低年限 30 年',
    structure: '砖混',
    simple: '简易',
  },
  en: {
    categoryHint: 'Minimum useful life 600 months (50 years)',
    structureHint: 'Minimum useful life (structure: Brick and concrete) 360 months (30 years)',
    simpleHint: 'Minimum useful life (structure: Simple structure) 96 months (8 years)',
    error: 'must not be below the minimum of 30 years for a building of structure 砖混',
    structure: 'Brick and concrete',
    simple: 'Simple',
  },
}

for (const [locale, text] of Object.entries(BUILDING_TEXT)) {
  test(`(g) register a 砖混 building (${locale}): the structure's 30-year minimum is hinted, prefilled and enforced on the life field`, async () => {
    await ensureSetup()
    const name = `E2E砖混教学楼${RUN}${locale}`
    const page = await newPage({ locale })
    // The console keeps its language in localStorage (zh-CN by default).
    await page.addInitScript((l) => localStorage.setItem('minsheng.locale', l), locale)
    try {
      await login(page, CLERK)
      await page.goto('/assets/new')
      const form = page.locator('[data-test=asset-form]')
      const life = form.locator('[data-test=asset-life] input')
      const hint = form.locator('[data-test=life-hint]')
      await page.locator('[data-test=field-org_id] .el-select', { hasText: setup.unitName }).waitFor()
      await form.locator('[data-test=asset-name]').fill(name)
      const category = form.locator('[data-test=category-select]')
      await category.click()
      await category.locator('input').fill('教育用房')
      await page.locator('.el-select-dropdown__item:visible', { hasText: 'A01010206' }).click()
      // Picks a structure (null: none yet), then checks the hint and the life shown.
      const expectLife = async (structure, hintText, months) => {
        if (structure) await chooseOption(page, form.locator('[data-test="field-ext.structure"] .el-select'), structure)
        await hint.filter({ hasText: hintText }).waitFor()
        assert.equal(await life.inputValue(), months)
      }
      // No structure yet: the category's own class (钢筋混凝土, 50 years).
      await expectLife(null, text.categoryHint, '600')
      // 砖混: the hint and the prefilled life follow the structure's class;
      // 简易 and back: the prefilled life keeps following while untouched.
      await expectLife(text.structure, text.structureHint, '360')
      await expectLife(text.simple, text.simpleHint, '96')
      await expectLife(text.structure, text.structureHint, '360')

      await fillRegisterBasics(form, { uom: '栋', value: '1200000', acquired: '2025-09-01' })
      const location = form.locator('[data-test=field-location_id] .el-select')
      await location.click()
      await location.locator('input').fill(`20${RUN}`)
      await page.locator('.el-select-dropdown__item:visible', { hasText: `20${RUN}` }).first().click()

      // 20 years: the server's below_minimum error, on the life field.
      await life.fill('240')
      await life.press('Tab')
      // A typed life is the user's: changing the structure leaves it alone.
      await expectLife(text.simple, text.simpleHint, '240')
      await expectLife(text.structure, text.structureHint, '240')
      await page.click('[data-test=asset-submit]')
      const err = formItemError(page, 'life_months')
      await err.waitFor()
      assert.equal((await err.innerText()).trim(), text.error)
      assert.equal(await formItemError(page, 'name').count(), 0, 'no error on the name')
      await screenshot(page, `asset-g1-building-life-error-${locale}`)

      // 30 years: saved.
      await life.fill('360')
      await life.press('Tab')
      await page.click('[data-test=asset-submit]')
      await page.locator('[data-test=card-name]', { hasText: name }).waitFor()
      await screenshot(page, `asset-g2-building-saved-${locale}`)
    } finally {
      await page.context().close()
    }
  })
}
