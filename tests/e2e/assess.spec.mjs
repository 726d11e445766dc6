// Assessment console (考核) on the demo county: the finance officer opens the
// template library and the shipped unit_asset_mgmt template, creates an
// assessment of a month, runs it, reads the ranking with its colours, walks
// an explain drawer down to an asset record, exports the ranking as XLSX,
// publishes and prints the bulletin; the unit clerk sees the own unit's view
// and attaches an evidence file to an open rectification task; the panel expert
// sees the scoring grid with indicator names. Run only this file: E2E_ONLY=assess node tests/e2e/run.mjs
import test from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { DEMO_PASSWORD, env, login, newPage, screenshot } from './lib.mjs'

const FINANCE = 'finance' // 财政部门人员: assess.admin on the county
const CLERK = 'clerk' // 单位资产管理员 of 第一中学: assess.submit on the unit
const TEMPLATE = 'unit_asset_mgmt'

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

async function apiSend(session, method, path, body) {
  const res = await fetch(`${env.baseUrl}/api/v1${path}`, {
    method,
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function apiGet(session, path) {
  const res = await fetch(`${env.baseUrl}/api/v1${path}`, { headers: { Cookie: session.cookie, Accept: 'application/json' } })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

// A month with no assessment of the template yet (the demo may ship some).
async function freeMonth(session) {
  const { body } = await apiGet(session, `/assessments?template=${TEMPLATE}`)
  const taken = new Set((body?.items ?? []).map((a) => a.period))
  const d = new Date()
  for (let i = 1; i < 36; i++) {
    const m = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - i, 1))
    const p = `${m.getUTCFullYear()}-${String(m.getUTCMonth() + 1).padStart(2, '0')}`
    if (!taken.has(p)) return p
  }
  throw new Error('no free month in three years')
}

const state = { period: '', openPeriod: '' }

test('finance: template library, create and run an assessment, ranking with colours, explain down to a record', async () => {
  const s = await apiSession(FINANCE)
  state.period = await freeMonth(s)
  const page = await newPage()
  try {
    await login(page, FINANCE)

    // The template library lists the shipped template; its tree opens read-only.
    await page.locator('[data-test=menu-assess-templates]').click()
    await page.locator('[data-test=template-table]').waitFor()
    const link = page.locator(`[data-test=template-${TEMPLATE}]`)
    await link.waitFor()
    await link.click()
    await page.locator('[data-test=template-tree] .el-table__body tr').first().waitFor()
    const sums = await page.locator('[data-test=tree-sums]').innerText()
    assert.match(sums, /✓/, `the first level adds up: ${sums}`)
    await screenshot(page, 'assess-1-template')

    // Create an assessment of a month through the dialog.
    await page.locator('[data-test=menu-assess-assessments]').click()
    await page.locator('[data-test=assessment-table]').waitFor()
    await page.click('[data-test=assessment-new]')
    const dialog = page.locator('[data-test=assessment-dialog]')
    await dialog.waitFor()
    await dialog.locator('[data-test=period-kind] label', { hasText: /月度|Month/ }).click()
    const month = dialog.locator('[data-test=period-month] input')
    await month.fill(state.period)
    await month.press('Enter')
    await dialog.locator('.el-dialog__title').click() // closes the picker's panel
    const tpl = dialog.locator('[data-test=assessment-template]')
    if (!(await tpl.innerText()).includes(TEMPLATE)) {
      await tpl.click()
      await page.locator('.el-select-dropdown__item:visible', { hasText: TEMPLATE }).first().click()
    }
    await page.click('[data-test=assessment-submit]')

    // The new assessment's dashboard: run it, the ranking fills in with colours.
    await page.waitForURL(new RegExp(`/assess/assessments/${state.period}/${TEMPLATE}$`))
    await page.locator('[data-test=dashboard-run]').click()
    const rows = page.locator('[data-test=ranking-table] .el-table__body tr')
    await rows.first().waitFor({ timeout: 120_000 })
    const n = await rows.count()
    assert.ok(n >= 2, `several units ranked (${n})`)
    const colours = await page.locator('[data-test=ranking-table] [data-test^=colour-]').evaluateAll((els) => els.map((e) => e.getAttribute('data-test')))
    assert.equal(colours.length, n, 'every row has a colour')
    for (const c of colours) assert.match(c, /^colour-(red|yellow|blue)$/)
    const ranks = (await page.locator('[data-test=ranking-table] [data-test=rank]').allInnerTexts()).map(Number)
    assert.ok(ranks.every((r) => r >= 1), `ranks are set: ${ranks.join(',')}`)
    const counts = await page.locator('[data-test=dashboard-kpis]').innerText()
    assert.match(counts, /\d/, 'colour counts are shown')
    await page.locator('[data-test=chart-distribution] canvas').waitFor()
    await screenshot(page, 'assess-2-ranking')

    // Explain: the first unit's score → the tree → a metric leaf → its records → the asset card.
    await page.locator('[data-test=score-link]').first().click()
    const drawer = page.locator('[data-test=explain-drawer]')
    await drawer.locator('[data-test=explain-tree] .el-tree-node').first().waitFor()
    const leaves = drawer.locator('[data-test=explain-tree] .row.leaf')
    const leafCount = await leaves.count()
    assert.ok(leafCount > 0, 'the tree goes down to leaves')
    let number = ''
    for (let i = 0; i < leafCount && !number; i++) {
      await leaves.nth(i).click()
      await drawer.locator('[data-test=explain-detail]').waitFor()
      const rec = drawer.locator('[data-test=explain-record-link]').first()
      if (await rec.isVisible().catch(() => false)) number = (await rec.innerText()).trim()
    }
    assert.ok(number, 'some metric leaf lists asset records')
    const fraction = await drawer.locator('[data-test=explain-fraction]').innerText()
    assert.match(fraction, /\d/, `numerator and denominator shown: ${fraction}`)
    await screenshot(page, 'assess-3-explain')
    await drawer.locator('[data-test=explain-record-link]').first().click()
    await page.waitForURL(new RegExp(`/assets/${encodeURIComponent(number)}$`))
    await page.getByText(number).first().waitFor()

    // Back on the dashboard: the ranking as XLSX, then publish and the printable bulletin.
    await page.goBack()
    await rows.first().waitFor()
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=results-xlsx]')])
    assert.match(download.suggestedFilename(), /\.xlsx$/, `an XLSX file: ${download.suggestedFilename()}`)
    const head = readFileSync(await download.path()).subarray(0, 2).toString('latin1')
    assert.equal(head, 'PK', 'the export is a zip (xlsx) file')
    await page.click('[data-test=dashboard-publish]')
    await page.locator('.el-message-box .el-button--primary').click()
    await page.locator('[data-test=dashboard-finalize]').waitFor()
    await page.getByRole('button', { name: /通报|Bulletin/ }).click()
    await page.waitForURL(new RegExp(`/assess/assessments/${state.period}/${TEMPLATE}/bulletin$`))
    const bulletinRows = page.locator('[data-test=bulletin-ranking] tbody tr')
    await bulletinRows.first().waitFor()
    assert.equal(await bulletinRows.count(), n, 'the bulletin ranks every unit')
    const bulletinCounts = await page.locator('[data-test=bulletin-counts]').innerText()
    assert.match(bulletinCounts, /红|Red/, `colour counts on the bulletin: ${bulletinCounts}`)
    // The bulletin's ranking through the generic export (POST /api/v1/export/xlsx).
    const [rankingFile] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test=export-xlsx]').first().click()])
    assert.match(rankingFile.suggestedFilename(), /\.xlsx$/, `an XLSX file: ${rankingFile.suggestedFilename()}`)
    assert.equal(readFileSync(await rankingFile.path()).subarray(0, 4).toString('latin1'), 'PK\x03\x04', 'the export is a zip (xlsx) file')
    await page.emulateMedia({ media: 'print' })
    assert.equal(await page.locator('.el-aside').isVisible(), false, 'printing hides the side menu')
    assert.equal(await page.locator('[data-test=bulletin-print]').isVisible(), false, 'and the toolbar')
    await screenshot(page, 'assess-4-bulletin-print')
    await page.emulateMedia({ media: 'screen' })
  } finally {
    await page.context().close()
  }
})

test('clerk: my assessment shows the own unit with its score', async () => {
  assert.ok(state.period, 'the finance test made an assessment')
  const page = await newPage()
  try {
    await login(page, CLERK)
    await page.locator('[data-test=menu-assess-mine]').click()
    const picker = page.locator('[data-test=assessment-picker]')
    await picker.waitFor()
    // Pick the assessment the finance test ran.
    await picker.click()
    const [y, m] = state.period.split('-')
    await page.locator('.el-select-dropdown__item:visible', { hasText: `${y}年${Number(m)}月` }).first().click()
    const scoreCard = page.locator('[data-test=unit-score]')
    await scoreCard.waitFor({ timeout: 30_000 })
    const text = await scoreCard.innerText()
    assert.match(text, /\d+\.\d\d/, `the unit's total with two decimals: ${text}`)
    const s = await apiSession(CLERK)
    assert.ok((await page.locator('.page-header h2').first().innerText()).includes(s.user.org.name), 'the header names the own unit')
    await page.locator('[data-test=unit-weakest] .el-table__body tr').first().waitFor()
    await screenshot(page, 'assess-5-unit')

    // 整改: an open task of the unit (the published month opens them for red
    // colours and failed indicators) takes an evidence file, listed as a link.
    const { body: open } = await apiGet(s, `/assess/tasks?object=${s.user.org.id}&status=open`)
    const task = open?.items?.[0]
    if (task) {
      await page.locator('.el-tabs__item', { hasText: '整改任务' }).click()
      const row = page.locator(`[data-test=task-${task.id}]`)
      const chooser = page.waitForEvent('filechooser')
      await row.locator('[data-test=task-upload]').click()
      await (await chooser).setFiles({ name: '整改验收单.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') })
      await row.locator('[data-test=task-file]', { hasText: '整改验收单.pdf' }).waitFor()
      const { body: files } = await apiGet(s, `/assess/tasks/${task.id}/files`)
      assert.deepEqual(files.items.map((f) => f.name), ['整改验收单.pdf'])
    } else {
      console.log('e2e: the unit has no open rectification task; the task upload is not exercised')
    }
  } finally {
    await page.context().close()
  }
})

// 专家评分: a panel expert (outside the county's units) is assigned one unit of
// a fresh monthly assessment. Experts cannot read templates, so the grid's
// headers come with the assignments: Chinese indicator names, not codes.
test('expert: the scoring grid names the qualitative indicators', async () => {
  const fin = await apiSession(FINANCE)
  const period = await freeMonth(fin)
  let r = await apiSend(fin, 'POST', '/assessments', { period, template_code: TEMPLATE })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  state.openPeriod = period
  r = await apiSend(fin, 'POST', `/assessments/${period}/${TEMPLATE}/run`, {})
  assert.equal(r.status, 200, JSON.stringify(r.body))
  const results = await apiGet(fin, `/assessments/${period}/${TEMPLATE}/results`)
  const object = results.body.items[0]
  // An expert of the finance bureau (no units below it), made with the CLI.
  const username = 'expert_e2e'
  const out = execFileSync(process.env.MINSHENG_BIN, ['user', 'create', '--db', `sqlite:${join(env.tmp, 'e2e.db')}`,
    '--username', username, '--role', 'expert', '--org', 'SF-CZJ'], { input: `${DEMO_PASSWORD}\n`, encoding: 'utf8' })
  const expertId = Number(/\(id (\d+)\)/.exec(out)?.[1])
  assert.ok(expertId > 0, out)
  r = await apiSend(fin, 'POST', `/assessments/${period}/${TEMPLATE}/experts`, { expert_user_id: expertId, object_ids: [object.object_id] })
  assert.equal(r.status, 201, JSON.stringify(r.body))

  const page = await newPage()
  try {
    await login(page, username)
    await page.locator('[data-test=menu-assess-expert]').click()
    const picker = page.locator('[data-test=assessment-picker]')
    await picker.waitFor()
    await picker.click()
    const [y, m] = period.split('-')
    await page.locator('.el-select-dropdown__item:visible', { hasText: `${y}年${Number(m)}月` }).first().click()
    const header = page.locator('[data-test="expert-indicator-uam.rules_in_place"]')
    await header.waitFor({ timeout: 30_000 })
    assert.equal((await header.innerText()).trim(), '资产管理制度健全性')
    assert.match(await page.locator('[data-test=expert-grid]').innerText(), /达到 ≥80%，部分达到 ≥60%/, 'the tier bounds are shown')
    // The row names the object and carries a cell per indicator.
    const row = page.locator('[data-test=expert-grid] .el-table__body tr', { hasText: object.object_name }).first()
    await row.waitFor({ timeout: 10_000 })
    await row.locator(`[data-test="cell-${object.object_id}-uam.rules_in_place"]`).waitFor()
    await screenshot(page, 'assess-6-expert')
  } finally {
    await page.context().close()
  }
})

// 月度自查草稿: the clerk types a manual value and the remarks, saves a draft
// (not submitted: no input is stored), sees when it was saved in Shanghai
// time, and finds both again after a reload.
test('clerk: the self-check draft is saved and loaded back', async () => {
  assert.ok(state.openPeriod, 'the expert test opened a month')
  const period = state.openPeriod
  const [y, m] = period.split('-')
  const code = 'uam.audit_coverage' // manual, ratio: any number is a valid value
  const page = await newPage()
  const pick = async () => {
    await page.locator('[data-test=menu-assess-mine]').click()
    const picker = page.locator('[data-test=assessment-picker]')
    await picker.waitFor()
    await picker.click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: `${y}年${Number(m)}月` }).first().click()
    await page.locator(`[data-test="input-${code}"] [data-test=input-value] input`).waitFor({ timeout: 30_000 })
    // The picker loads the newest assessment first: type only once the picked one is in.
    await page.locator('.assess-unit .meta', { hasText: `${y}年${Number(m)}月` }).waitFor()
    await page.waitForFunction(() => {
      const mask = document.querySelector('.assess-unit > .el-loading-mask')
      return !mask || getComputedStyle(mask).display === 'none'
    })
  }
  try {
    await login(page, CLERK)
    await pick()
    const value = page.locator(`[data-test="input-${code}"] [data-test=input-value] input`)
    await value.fill('85')
    await value.blur()
    await page.locator(`[data-test="input-${code}"] [data-test=input-draft]`).first().waitFor()
    await page.locator('.el-tabs__item', { hasText: '月度自查' }).click()
    await page.locator('textarea[data-test=selfcheck-remarks]').fill('本月自查：账实相符，尚待补充审计报告')
    await page.locator('[data-test=selfcheck-save-draft]').click()
    const savedAt = page.locator('[data-test=selfcheck-draft-at]')
    await savedAt.waitFor()
    const shown = (await savedAt.innerText()).trim()
    assert.match(shown, /^草稿已保存于 \d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/, shown)

    // The server holds a draft (not a submission, no input yet), saved at the time shown in Shanghai.
    const clerk = await apiSession(CLERK)
    const subs = await apiGet(clerk, `/assessments/${period}/${TEMPLATE}/submissions`)
    const mine = subs.body.items.find((x) => x.status === 'draft')
    assert.ok(mine, JSON.stringify(subs.body))
    assert.equal(mine.remarks, '本月自查：账实相符，尚待补充审计报告')
    assert.deepEqual(mine.draft_items.map((i) => [i.indicator, i.value]), [[code, 85]])
    const shanghai = new Date(new Date(mine.draft_saved_at).getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')
    assert.equal(shown, `草稿已保存于 ${shanghai}`)
    const inputs = await apiGet(clerk, `/assessments/${period}/${TEMPLATE}/inputs?object_id=${mine.object_id}`)
    assert.equal(inputs.body.items.filter((p) => p.self).length, 0, 'a draft is not an input')

    // After a reload both come back from the draft.
    await page.reload()
    await pick()
    // The draft is applied once the stored values are in: wait for it.
    const eventually = async (read, want) => {
      let got = ''
      for (let i = 0; i < 50 && got !== want; i++) {
        got = await read()
        if (got !== want) await page.waitForTimeout(200)
      }
      assert.equal(got, want)
    }
    await eventually(() => page.locator(`[data-test="input-${code}"] [data-test=input-value] input`).inputValue(), '85')
    await page.locator(`[data-test="input-${code}"] [data-test=input-draft]`).first().waitFor()
    await page.locator('.el-tabs__item', { hasText: '月度自查' }).click()
    await eventually(() => page.locator('textarea[data-test=selfcheck-remarks]').inputValue(), '本月自查：账实相符，尚待补充审计报告')
    await screenshot(page, 'assess-7-selfcheck-draft')
  } finally {
    await page.context().close()
  }
})
