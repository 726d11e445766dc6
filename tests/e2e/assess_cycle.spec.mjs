// The year-end cycle of an assessment in the console (issue 4, "done when"):
// the finance officer runs and publishes a yearly assessment of a year no
// other spec uses (through the API: setup, not the subject); in the browser
// the unit clerk files an appeal (复核) with an evidence file, the finance
// officer upholds it with a new value and sees the unit's score and rank
// move by the hand-computed amount, finalizes (定档), finds the consequence
// actions (结果运用) of the lowest unit and the rectification tasks (整改);
// the clerk submits a task with an evidence file and the finance officer
// verifies it (销号). Run only this file: E2E_ONLY=assess_cycle node tests/e2e/run.mjs
import test from 'node:test'
import assert from 'node:assert/strict'
import { apiSession, chooseOption, env, login, newPage, screenshot } from './lib.mjs'

const FINANCE = 'finance' // 财政部门人员: assess.admin and assess.review on the county
const CLERK = 'clerk' // 单位资产管理员 of 第一中学: assess.submit on the unit
const TEMPLATE = 'unit_asset_mgmt'
// The appealed leaf: B3.1 问卷调查满意度, 8 points, survey, ratio with target 90.
// The demo has no survey input, so it is missing (0 of 8) until the appeal.
const INDICATOR = 'uam.survey_satisfaction'
const INDICATOR_NAME = '问卷调查满意度'
const INDICATOR_POINTS = 8
const APPEAL_VALUE = 90 // = the target: full points

async function apiSend(session, method, path, body) {
  const res = await fetch(`${env.baseUrl}/api/v1${path}`, {
    method,
    headers: { Cookie: session.cookie, 'X-CSRF-Token': session.csrf, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: JSON.stringify(body ?? {}),
  })
  const text = await res.text()
  return { status: res.status, body: text ? JSON.parse(text) : null }
}

async function apiGet(session, path) {
  const res = await fetch(`${env.baseUrl}/api/v1${path}`, { headers: { Cookie: session.cookie, Accept: 'application/json' } })
  const text = await res.text()
  assert.equal(res.status, 200, `GET ${path}: ${text}`)
  return text ? JSON.parse(text) : null
}

// Every page of a cursor-paged list.
async function apiAll(session, path) {
  const out = []
  let cursor = null
  for (let i = 0; i < 100; i++) {
    const sep = path.includes('?') ? '&' : '?'
    const body = await apiGet(session, cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path)
    out.push(...(body.items ?? []))
    cursor = body.next_cursor
    if (!cursor) return out
  }
  throw new Error(`more than 100 pages of ${path}`)
}

// A year with no assessment of the template (the other specs use months).
async function freeYear(session) {
  const body = await apiGet(session, `/assessments?template=${TEMPLATE}`)
  const taken = new Set((body?.items ?? []).map((a) => a.period))
  const now = new Date().getUTCFullYear()
  for (let y = now - 2; y > now - 12; y--) if (!taken.has(String(y))) return String(y)
  throw new Error('no free year in ten')
}

const results = async (s, period) => (await apiGet(s, `/assessments/${period}/${TEMPLATE}/results`)).items
const two = (x) => x.toFixed(2)

// A fresh browser context signed in as `username`, closed afterwards.
async function asUser(username, fn) {
  const page = await newPage()
  try {
    await login(page, username)
    return await fn(page)
  } finally {
    await page.context().close()
  }
}

// Opens 我的考核, picks the assessment by its name and waits for its period
// (the picker first loads the newest assessment).
async function openMine(page, name) {
  await page.locator('[data-test=menu-assess-mine]').click()
  await chooseOption(page, page.locator('[data-test=assessment-picker]'), name)
  await page.locator('.assess-unit .meta', { hasText: `${state.period}年度` }).waitFor({ timeout: 30_000 })
  await page.locator('[data-test=unit-score]').waitFor({ timeout: 30_000 })
  await page.waitForFunction(() => {
    const mask = document.querySelector('.assess-unit > .el-loading-mask')
    return !mask || getComputedStyle(mask).display === 'none'
  })
}

// Opens 考核审核 on a tab, with the assessment picked by its name.
async function openReview(page, name, tab) {
  await page.locator('[data-test=menu-assess-review]').click()
  await chooseOption(page, page.locator('[data-test=assessment-picker]'), name)
  await page.locator('.el-tabs__item', { hasText: tab }).click()
}

const state = { period: '', name: '', objectId: 0, objectName: '', objectCode: '', before: null, appealId: 0, taskId: 0 }

test('finance: a yearly assessment is created, run and published (API setup)', async () => {
  const fin = await apiSession(FINANCE)
  const clerk = await apiSession(CLERK)
  state.period = await freeYear(fin)
  state.objectId = clerk.user.org.id
  state.objectName = clerk.user.org.name
  state.objectCode = clerk.user.org.code
  let r = await apiSend(fin, 'POST', '/assessments', { period: state.period, template_code: TEMPLATE })
  assert.equal(r.status, 201, JSON.stringify(r.body))
  state.name = r.body.name
  r = await apiSend(fin, 'POST', `/assessments/${state.period}/${TEMPLATE}/run`)
  assert.equal(r.status, 200, JSON.stringify(r.body))
  r = await apiSend(fin, 'POST', `/assessments/${state.period}/${TEMPLATE}/publish`)
  assert.equal(r.status, 200, JSON.stringify(r.body))
  assert.equal(r.body.status, 'published')
  assert.ok(new Date(r.body.appeal_until) > new Date(), 'the appeal window is open')
  const mine = (await results(fin, state.period)).find((x) => x.object_id === state.objectId)
  assert.ok(mine, `the clerk's unit ${state.objectName} is ranked`)
  state.before = mine
})

test('clerk: files an appeal on one indicator with a reason and an evidence file; it is pending', async () => {
  assert.ok(state.before, 'the setup ran')
  const page = await newPage()
  try {
    await login(page, CLERK)
    await openMine(page, state.name)
    // The score and rank shown are the published ones.
    assert.equal((await page.locator('[data-test=unit-score-link]').innerText()).trim(), two(state.before.rounded))
    assert.equal((await page.locator('[data-test=unit-rank]').innerText()).trim(), `组内第 ${state.before.rank} 名 / ${state.before.group_size}`)

    await page.locator('.el-tabs__item', { hasText: '复核申请' }).click()
    await page.locator('[data-test=appeal-new]').click()
    const dialog = page.locator('[data-test=appeal-dialog]')
    await dialog.waitFor()
    // An empty reason is refused with a field error, nothing filed.
    await chooseOption(page, dialog.locator('[data-test=appeal-indicator]'), `${INDICATOR_NAME} (${INDICATOR})`)
    await dialog.locator('[data-test=appeal-submit]').click()
    await dialog.locator('[data-test=field-reason] .el-form-item__error').waitFor()
    const clerk = await apiSession(CLERK)
    const base = `/assessments/${state.period}/${TEMPLATE}`
    assert.equal((await apiGet(clerk, `${base}/appeals`)).items.length, 0, 'the refused appeal wrote nothing')

    const reason = '本年度群众满意度问卷已完成（回收 412 份，满意度 90%），系统未录入'
    await dialog.locator('[data-test=appeal-reason]').fill(reason)
    const requested = dialog.locator('[data-test=appeal-requested] input')
    await requested.fill(String(APPEAL_VALUE))
    await requested.blur()
    await dialog.locator('[data-test=appeal-submit]').click()
    await dialog.waitFor({ state: 'hidden' })

    const rows = page.locator('[data-test=unit-appeals] .el-table__body tr')
    await rows.first().waitFor()
    assert.equal(await rows.count(), 1)
    const row = rows.first()
    assert.match(await row.innerText(), new RegExp(INDICATOR_NAME))
    assert.equal((await row.locator('[data-test=appeal-status]').innerText()).trim(), '待裁定')

    // The evidence file (the page offers an upload while the appeal is open).
    const chooser = page.waitForEvent('filechooser')
    await row.locator('[data-test=appeal-upload]').click()
    await (await chooser).setFiles({ name: '满意度问卷汇总.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') })
    await row.getByText('1', { exact: true }).waitFor()
    await screenshot(page, 'cycle-1-appeal-filed')

    const appeals = (await apiGet(clerk, `${base}/appeals`)).items
    assert.equal(appeals.length, 1)
    const a = appeals[0]
    assert.deepEqual(
      [a.object_id, a.indicator, a.reason, a.requested_value, a.status, a.file_count],
      [state.objectId, INDICATOR, reason, APPEAL_VALUE, 'open', 1],
    )
    state.appealId = a.id
  } finally {
    await page.context().close()
  }
})

test('finance: upholds the appeal with a new value; the score and rank move by the computed amount', async () => {
  assert.ok(state.appealId, 'the clerk filed an appeal')
  const fin = await apiSession(FINANCE)
  const base = `/assessments/${state.period}/${TEMPLATE}`
  // Before: the leaf is missing (0 of its points); the total is the sum of the
  // scores over the applicable maximum, scaled to the template's points.
  const ex = await apiGet(fin, `${base}/explain?object=${state.objectId}`)
  const leaf = (function find(nodes) {
    for (const n of nodes) {
      if (n.indicator_code === INDICATOR) return n
      const got = find(n.children ?? [])
      if (got) return got
    }
    return null
  })(ex.nodes)
  assert.ok(leaf, 'the explain tree has the appealed leaf')
  assert.equal(leaf.score, 0)
  assert.equal(leaf.max, INDICATOR_POINTS)
  const applicableMax = ex.nodes.filter((n) => n.applicable !== false).reduce((s, n) => s + n.max, 0)
  assert.ok(applicableMax > 0 && applicableMax <= ex.total_points, `applicable maximum ${applicableMax}`)
  const expectedTotal = state.before.total + (INDICATOR_POINTS * ex.total_points) / applicableMax
  const expectedRounded = Math.round(expectedTotal * 100) / 100
  const others = (await results(fin, state.period)).filter((x) => x.group === state.before.group && x.object_id !== state.objectId)
  const expectedRank = 1 + others.filter((x) => x.rounded > expectedRounded).length
  assert.ok(expectedRank < state.before.rank, `the appeal lifts the unit (rank ${state.before.rank} → ${expectedRank})`)

  const page = await newPage()
  try {
    await login(page, FINANCE)
    await openReview(page, state.name, '复核申请')
    const row = page.locator('[data-test=review-appeals] .el-table__body tr', { hasText: state.objectCode }).first()
    await row.waitFor()
    assert.match(await row.innerText(), /满意度问卷汇总\.pdf/, 'the evidence file is listed')
    await row.locator('[data-test=appeal-decide]').click()
    const dialog = page.locator('[data-test=decide-dialog]')
    await dialog.waitFor()
    const value = dialog.locator('[data-test=decide-value] input')
    assert.equal(await value.inputValue(), String(APPEAL_VALUE), 'the requested value is proposed')
    await value.fill(String(APPEAL_VALUE))
    await value.blur()
    await dialog.locator('[data-test=decide-reason]').fill('问卷原始记录核实无误，予以支持')
    await dialog.locator('[data-test=decide-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    // The toast names both scores and ranks.
    await page.locator('.el-message', { hasText: `${two(state.before.rounded)} → ${two(expectedRounded)}` }).first().waitFor()
    await page.locator('[data-test=review-appeals] .el-table__body tr', { hasText: state.objectCode }).waitFor({ state: 'detached' })

    const decided = (await apiGet(fin, `${base}/appeals`)).items.find((x) => x.id === state.appealId)
    assert.deepEqual(
      [decided.status, decided.decided_value, decided.score_before, decided.score_after, decided.rank_before, decided.rank_after],
      ['accepted', APPEAL_VALUE, state.before.rounded, expectedRounded, state.before.rank, expectedRank],
    )
    const after = (await results(fin, state.period)).find((x) => x.object_id === state.objectId)
    assert.ok(Math.abs(after.total - expectedTotal) < 1e-9, `total ${after.total}, computed ${expectedTotal}`)
    assert.equal(after.rounded, expectedRounded)
    assert.equal(after.rank, expectedRank)

    // The dashboard's ranking shows the new score and rank of the unit.
    await page.goto(`/assess/assessments/${state.period}/${TEMPLATE}`)
    const rankRow = page.locator('[data-test=ranking-table] .el-table__body tr', { hasText: state.objectCode }).first()
    await rankRow.waitFor({ timeout: 30_000 })
    assert.equal((await rankRow.locator('[data-test=score-link]').innerText()).trim(), two(expectedRounded))
    assert.equal((await rankRow.locator('[data-test=rank]').innerText()).trim(), String(expectedRank))
    await screenshot(page, 'cycle-2-appeal-decided')
  } finally {
    await page.context().close()
  }

  // The clerk sees the decision and the new score and rank.
  await asUser(CLERK, async (clerkPage) => {
    await openMine(clerkPage, state.name)
    assert.equal((await clerkPage.locator('[data-test=unit-score-link]').innerText()).trim(), two(expectedRounded))
    assert.equal((await clerkPage.locator('[data-test=unit-rank]').innerText()).trim(), `组内第 ${expectedRank} 名 / ${state.before.group_size}`)
    await clerkPage.locator('.el-tabs__item', { hasText: '复核申请' }).click()
    const row = clerkPage.locator('[data-test=unit-appeals] .el-table__body tr').first()
    assert.equal((await row.locator('[data-test=appeal-status]').innerText()).trim(), '已支持')
    assert.match(await row.innerText(), new RegExp(`${two(state.before.rounded)} → ${two(expectedRounded)}；${state.before.rank} → ${expectedRank}`))
  })
})

test('finance: finalizes; the lowest unit has the actions the rules give, and rectification tasks are open', async () => {
  assert.ok(state.appealId, 'the appeal was decided')
  const fin = await apiSession(FINANCE)
  const page = await newPage()
  try {
    await login(page, FINANCE)
    await page.goto(`/assess/assessments/${state.period}/${TEMPLATE}`)
    await page.locator('[data-test=dashboard-finalize]').click()
    await page.locator('.el-message-box .el-button--primary').click()
    await page.locator('[data-test=dashboard-status]', { hasText: '已定档' }).waitFor({ timeout: 60_000 })
    assert.equal(await page.locator('[data-test=dashboard-finalize]').count(), 0, 'no second finalize')
    const a = await apiGet(fin, `/assessments/${state.period}/${TEMPLATE}`)
    assert.equal(a.status, 'final')

    // Rectification tasks: the unit is red and 差 — one task each, open.
    const tasks = await apiAll(fin, `/assess/tasks?period=${state.period}&template=${TEMPLATE}&object=${state.objectId}`)
    const sources = tasks.map((x) => x.source)
    assert.ok(sources.includes('colour') && sources.includes('grade'), `task sources ${sources.join(',')}`)
    assert.ok(tasks.every((x) => x.status === 'open'))
    state.taskId = tasks.find((x) => x.source === 'colour').id

    // The lowest total of the county and what the shipped rules give it:
    // below 85 → no_reward; 差 → budget_suspend; no final assessment of the
    // year before, so nothing "two years running".
    const all = await results(fin, state.period)
    const lowest = all.reduce((m, x) => (x.total < m.total ? x : m))
    assert.equal(lowest.grade, 'poor', `the lowest unit ${lowest.name} scores ${lowest.rounded}`)
    const actions = await apiAll(fin, `/assess/actions?period=${state.period}&template=${TEMPLATE}&object=${lowest.object_id}`)
    const codes = actions.map((x) => x.rule_code).sort()
    for (const c of ['budget_suspend', 'no_reward']) assert.ok(codes.includes(c), `${c} in ${codes.join(',')}`)
    for (const c of ['budget_priority', 'budget_normal', 'budget_cut', 'supervision_listing', 'investment_freeze']) {
      assert.ok(!codes.includes(c), `${c} not in ${codes.join(',')}`)
    }

    // The actions tab lists exactly those for that unit, open (by its code:
    // the demo county has village clinics of the same name).
    await openReview(page, state.name, '结果运用')
    const actionRows = page.locator('[data-test=review-actions] .el-table__body tr').filter({ has: page.locator('[data-test=object-code]', { hasText: new RegExp(`^${lowest.code}$`) }) })
    await actionRows.first().waitFor()
    const shown = []
    for (const text of await actionRows.allInnerTexts()) {
      const hit = actions.find((x) => text.includes(x.detail.name_zh) && text.includes(x.kind))
      assert.ok(hit, `an action row of the API: ${text}`)
      assert.match(text, /待落实/)
      shown.push(hit.rule_code)
    }
    assert.deepEqual(shown.sort(), codes)
    // The tab counts every open action of the assessment, not a first page.
    const open = await apiAll(fin, `/assess/actions?period=${state.period}&template=${TEMPLATE}&status=open`)
    assert.ok(open.length > 50, `more actions than one default page (${open.length})`)
    assert.equal((await page.locator('.el-tabs__item', { hasText: '结果运用' }).innerText()).trim(), `结果运用（${open.length}）`)
    await screenshot(page, 'cycle-3-actions')
  } finally {
    await page.context().close()
  }
})

test('clerk submits a rectification task with an evidence file; finance verifies it', async () => {
  assert.ok(state.taskId, 'finalize opened a task')
  const fin = await apiSession(FINANCE)
  const clerk = await apiSession(CLERK)
  const task = await apiGet(clerk, `/assess/tasks/${state.taskId}`)
  const page = await newPage()
  try {
    await login(page, CLERK)
    await openMine(page, state.name)
    await page.locator('.el-tabs__item', { hasText: '整改任务' }).click()
    const row = page.locator(`[data-test=task-${state.taskId}]`)
    await row.waitFor()
    assert.ok((await row.innerText()).includes(task.title), task.title)
    assert.equal((await row.locator('[data-test=task-status]').innerText()).trim(), '待整改')
    const chooser = page.waitForEvent('filechooser')
    await row.locator('[data-test=task-upload]').click()
    await (await chooser).setFiles({ name: '整改报告.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.7\n%%EOF\n') })
    await row.locator('[data-test=task-file]', { hasText: '整改报告.pdf' }).waitFor()
    const note = '已补录满意度问卷并完善资产台账'
    await row.locator('[data-test=task-note]').fill(note)
    await row.locator('[data-test=task-submit]').click()
    await row.locator('[data-test=task-status]', { hasText: '待核验' }).waitFor()
    const submitted = await apiGet(clerk, `/assess/tasks/${state.taskId}`)
    assert.deepEqual([submitted.status, submitted.evidence_note, submitted.files.map((f) => f.name)], ['submitted', note, ['整改报告.pdf']])
  } finally {
    await page.context().close()
  }

  const finPage = await newPage()
  try {
    await login(finPage, FINANCE)
    await openReview(finPage, state.name, '整改核验')
    const row = finPage.locator('[data-test=review-tasks] .el-table__body tr', { hasText: task.title }).filter({ hasText: state.objectCode }).first()
    await row.waitFor()
    assert.match(await row.innerText(), /整改报告\.pdf/)
    await row.locator('[data-test=task-verify]').click()
    const box = finPage.locator('.el-message-box')
    await box.locator('textarea').fill('材料齐全，准予销号')
    await box.locator('.el-button--primary').click()
    await finPage.locator('.el-message', { hasText: '已核验销号' }).first().waitFor()
    const verified = await apiGet(fin, `/assess/tasks/${state.taskId}`)
    assert.deepEqual([verified.status, verified.review_note], ['verified', '材料齐全，准予销号'])
  } finally {
    await finPage.context().close()
  }

  // The clerk's task list shows it verified, the evidence frozen.
  await asUser(CLERK, async (again) => {
    await openMine(again, state.name)
    await again.locator('.el-tabs__item', { hasText: '整改任务' }).click()
    const row = again.locator(`[data-test=task-${state.taskId}]`)
    await row.locator('[data-test=task-status]', { hasText: '已销号' }).waitFor()
    assert.equal(await row.locator('[data-test=task-upload]').count(), 0, 'no upload after verification')
    await screenshot(again, 'cycle-4-task-verified')
  })
})
