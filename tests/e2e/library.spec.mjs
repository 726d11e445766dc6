// Indicator library (指标库) in the console: the finance officer (assess.admin)
// opens the library from the menu, filters it by source, creates an indicator
// whose metric unit and method target the server refuses — the field errors
// show at the metric and at the method's target — fixes both, saves, and
// finds it in the list; editing it keeps the code. The unit clerk has no menu
// entry. Run only this file: E2E_ONLY=library node tests/e2e/run.mjs
import test from 'node:test'
import assert from 'node:assert/strict'
import { chooseOption, formItemError, login, newPage, screenshot } from './lib.mjs'

const FINANCE = 'finance'
const CLERK = 'clerk'
const CODE = `e2e.lib_rate_${Date.now() % 100000}`

const methodItemError = (page, test) =>
  page.locator('.el-form-item', { has: page.locator(`[data-test=${test}]`) }).locator('.el-form-item__error')

test('finance: create a library indicator, see the server field errors, fix them, find it in the list', async () => {
  const page = await newPage()
  try {
    await login(page, FINANCE)
    await page.locator('[data-test=menu-assess-indicators]').click()
    const table = page.locator('[data-test=indicator-table]')
    await table.waitFor()
    // The shipped library is there; filtering by source keeps only computed indicators.
    await table.locator('[data-test="indicator-uam.registration_rate"]').waitFor()
    await table.locator('[data-test="indicator-dept.staff_control"]').waitFor()
    await chooseOption(page, page.locator('[data-test=indicator-source-filter]'), '系统指标')
    await table.locator('[data-test="indicator-uam.registration_rate"]').waitFor()
    await table.locator('[data-test="indicator-dept.staff_control"]').waitFor({ state: 'detached' })

    await page.locator('[data-test=indicator-new]').click()
    const form = page.locator('[data-test=indicator-form]')
    await form.waitFor()
    await form.locator('[data-test=indicator-code]').fill(CODE)
    await form.locator('[data-test=indicator-name-zh]').fill('端到端登记率')
    await form.locator('[data-test=indicator-name-en]').fill('E2E registration rate')
    await chooseOption(page, form.locator('[data-test=indicator-type]'), '质量')
    await chooseOption(page, form.locator('[data-test=indicator-source]'), '系统指标')
    await chooseOption(page, form.locator('[data-test=indicator-metric]'), 'asset.registration_rate')
    // Wrong: a unit of days on a % metric, and a ratio target of 0.
    await form.locator('[data-test=indicator-unit]').fill('天')
    await form.locator('[data-test=method-target] input').fill('0')
    await page.locator('[data-test=indicator-save]').click()
    const metricError = formItemError(page, 'metric')
    await metricError.waitFor()
    assert.match(await metricError.innerText(), /asset\.registration_rate/)
    const targetError = methodItemError(page, 'method-target')
    await targetError.waitFor()
    assert.match(await targetError.innerText(), /目标值/)
    await screenshot(page, 'library-field-errors')

    // Fixed: unit %, target 95.
    await form.locator('[data-test=indicator-unit]').fill('%')
    await form.locator('[data-test=method-target] input').fill('95')
    await page.locator('[data-test=indicator-save]').click()
    await form.waitFor({ state: 'hidden' })
    const row = table.locator('tr', { has: page.locator(`[data-test="indicator-${CODE}"]`) })
    await row.waitFor()
    assert.match(await row.innerText(), /asset\.registration_rate/)
    assert.match(await row.innerText(), /95/)

    // Editing keeps the code and saves a new version of the entry.
    await page.locator(`[data-test="indicator-edit-${CODE}"]`).click()
    await form.waitFor()
    assert.equal(await form.locator('[data-test=indicator-code]').isDisabled(), true)
    await form.locator('[data-test=indicator-name-zh]').fill('端到端登记率（改）')
    await page.locator('[data-test=indicator-save]').click()
    await form.waitFor({ state: 'hidden' })
    await row.filter({ hasText: '端到端登记率（改）' }).waitFor()
  } finally {
    await page.close()
  }
})

test('clerk: no indicator library menu entry without assess.admin', async () => {
  const page = await newPage()
  try {
    await login(page, CLERK)
    await page.locator('[data-test=menu-assess-templates]').waitFor()
    assert.equal(await page.locator('[data-test=menu-assess-indicators]').count(), 0)
  } finally {
    await page.close()
  }
})
