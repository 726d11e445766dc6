// Platform console: sign-in, TOTP, org tree and users, languages.
import test from 'node:test'
import assert from 'node:assert/strict'
import {
  chooseOption, chooseTreeNode, formItemError, freshTotp, invalidTotp, login, logout, newPage, screenshot, env,
} from './lib.mjs'

// Unique per run, so the scenarios do not depend on each other's leftovers.
const RUN = Date.now().toString(36).slice(-5)

async function closeContext(page) {
  await page.context().close()
}

test('(a) admin signs in and sees the console', async () => {
  const page = await newPage()
  try {
    await login(page, 'admin')
    await page.locator('[data-test=welcome]').waitFor()
    assert.match(await page.locator('[data-test=welcome]').innerText(), /好/)
    // Menu entries follow /me permissions: admin maintains orgs, does not read audit.
    await page.locator('[data-test=menu-orgs]').waitFor()
    assert.equal(await page.locator('[data-test=menu-home]').isVisible(), true)
    assert.equal(await page.locator('[data-test=menu-settings]').isVisible(), true)
    assert.equal(await page.locator('[data-test=menu-audit]').count(), 0)
    // Health card filled from GET /health.
    await page.locator('[data-test=health]', { hasText: '运行正常' }).waitFor()
    await screenshot(page, 'a-admin-home')
  } finally {
    await closeContext(page)
  }
})

test('(b) a user enrols TOTP, then signs in with the TOTP step', async () => {
  const user = 'edu'
  const page = await newPage()
  try {
    await login(page, user)
    await page.goto('/settings?tab=totp')
    await page.locator('[data-test=totp-status]', { hasText: '未启用' }).waitFor()
    // A wrong code is refused on the code field.
    await page.click('[data-test=totp-start]')
    await page.locator('[data-test=totp-qr]').waitFor()
    const secret = await page.locator('[data-test=totp-secret]').getAttribute('data-secret')
    assert.match(secret ?? '', /^[A-Z2-7]+=*$/, 'base32 secret shown')
    const qrSrc = await page.locator('[data-test=totp-qr]').getAttribute('src')
    assert.match(qrSrc ?? '', /^data:image\/png;base64,/, 'QR code rendered')
    await page.fill('[data-test=totp-code]', '000000')
    await page.click('[data-test=totp-confirm]')
    await formItemError(page, 'code').waitFor()
    // The right code enables it.
    await page.fill('[data-test=totp-code]', await freshTotp(secret))
    await page.click('[data-test=totp-confirm]')
    env.totpSecrets.set(user, secret)
    await page.locator('[data-test=totp-status]', { hasText: '已启用' }).waitFor()
    await screenshot(page, 'b1-totp-enabled')
    await logout(page)

    // Password alone now leads to the TOTP step; a wrong code is refused clearly.
    await page.fill('[data-test=login-username]', user)
    await page.fill('[data-test=login-password]', env.passwords.get(user) ?? 'Minsheng@2026')
    await page.click('[data-test=login-submit]')
    await page.locator('[data-test=login-totp]').waitFor()
    const wrong = invalidTotp(secret)
    await page.fill('[data-test=login-totp]', wrong)
    await page.click('[data-test=login-totp-submit]')
    await page.locator('[data-test=login-error]').waitFor()
    await page.fill('[data-test=login-totp]', await freshTotp(secret))
    await page.click('[data-test=login-totp-submit]')
    await page.locator('[data-test=welcome]').waitFor()
    await screenshot(page, 'b2-signed-in-with-totp')
  } finally {
    await closeContext(page)
  }
})

test('(c) admin creates a unit; security creates a clerk in it, with field errors first', async () => {
  const unitName = `示范县E2E测试学校${RUN}`
  const unitCode = `E2E${RUN}`.toUpperCase()
  const username = `e2e_clerk_${RUN}`

  const admin = await newPage()
  try {
    await login(admin, 'admin')
    await admin.click('[data-test=menu-orgs]')
    const tree = admin.locator('[data-test=org-tree]')
    await tree.locator('.el-tree-node__content', { hasText: '示范县教育局' }).first().click()
    await admin.locator('[data-test=org-details]', { hasText: '示范县教育局' }).waitFor()
    await admin.click('[data-test=org-create-child]')
    const dialog = admin.locator('.el-dialog:visible')
    await dialog.locator('[data-test=org-code]').fill(unitCode)
    await dialog.locator('[data-test=org-name]').fill(unitName)
    // Under a department the level defaults to 单位 (unit).
    assert.equal(await dialog.locator('[data-test=org-level] .is-active').innerText(), '单位')
    await dialog.locator('[data-test=org-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    await admin.locator('[data-test=org-details]', { hasText: unitName }).waitFor()
    await tree.locator('.el-tree-node__content', { hasText: unitName }).waitFor()
    await screenshot(admin, 'c1-admin-created-unit')
  } finally {
    await closeContext(admin)
  }

  const sec = await newPage()
  try {
    await login(sec, 'security')
    await sec.click('[data-test=menu-users]')
    await sec.locator('[data-test=users-table]').waitFor()
    await sec.click('[data-test=user-create]')
    const dialog = sec.locator('.el-dialog:visible')
    await dialog.locator('[data-test=user-username]').fill(username)
    await dialog.locator('[data-test=user-display-name]').fill('测试资产员')
    await chooseTreeNode(sec, dialog.locator('[data-test=field-org_id] .el-select'), unitName)
    await dialog.locator('[data-test=user-phone]').fill('13800000000')
    // Weak password: the server's policy error lands on the password field.
    await dialog.locator('[data-test=user-password]').fill('weakpass')
    await dialog.locator('[data-test=role-add]').click()
    await chooseOption(sec, dialog.locator('[data-test=role-editor] .el-select').first(), '单位资产管理员')
    await dialog.locator('[data-test=user-submit]').click()
    const pwError = formItemError(sec, 'password')
    await pwError.waitFor()
    assert.ok((await pwError.innerText()).length > 0)
    assert.equal(await formItemError(sec, 'username').count(), 0, 'no error on the user name')
    await screenshot(sec, 'c2-weak-password-on-field')

    // Duplicate user name: the error lands on the user name field.
    await dialog.locator('[data-test=user-username]').fill('clerk')
    await dialog.locator('[data-test=user-password]').fill('E2e-Strong#2026')
    await dialog.locator('[data-test=user-submit]').click()
    await formItemError(sec, 'username').waitFor()
    await formItemError(sec, 'password').waitFor({ state: 'detached' }) // the old error is gone
    await screenshot(sec, 'c3-duplicate-username-on-field')

    // Fixed: the user is created in the new unit with role unit_clerk.
    await dialog.locator('[data-test=user-username]').fill(username)
    await dialog.locator('[data-test=user-submit]').click()
    await dialog.waitFor({ state: 'hidden' })
    await sec.fill('[data-test=users-q]', username)
    await sec.click('[data-test=users-search]')
    const row = sec.locator('[data-test=users-table] .el-table__body tr', { hasText: username })
    await row.waitFor()
    const text = await row.innerText()
    assert.ok(text.includes(unitName), `row shows the unit: ${text}`)
    assert.ok(text.includes('单位资产管理员'), `row shows the role: ${text}`)
    await screenshot(sec, 'c4-user-created')
  } finally {
    await closeContext(sec)
  }

  // The new clerk must change the initial password first, then lands home.
  const clerk = await newPage()
  try {
    await login(clerk, username, { password: 'E2e-Strong#2026' })
    assert.ok(env.passwords.has(username), 'went through the forced password change')
    await clerk.locator('[data-test=role-tag]', { hasText: '单位资产管理员' }).waitFor()
    await screenshot(clerk, 'c5-new-clerk-home')
  } finally {
    await closeContext(clerk)
  }
})

test('(d) switching to English and back', async () => {
  const page = await newPage()
  try {
    await login(page, 'admin')
    const menu = page.locator('[data-test=main-menu]')
    await menu.getByText('组织机构').waitFor()

    await page.locator('[data-test=lang-switch]').click()
    await page.locator('[data-test=lang-en]:visible').click()
    await menu.getByText('Organisations').waitFor()
    await menu.getByText('My settings').waitFor()
    await page.locator('[data-test=welcome]', { hasText: /Good (morning|afternoon|evening)/ }).waitFor()
    assert.equal(await page.evaluate(() => localStorage.getItem('minsheng.locale')), 'en')
    // The choice survives a reload.
    await page.reload()
    await menu.getByText('Organisations').waitFor()
    await page.click('[data-test=menu-orgs]')
    await page.getByRole('button', { name: 'New child' }).waitFor()
    // Element Plus's own strings follow too: the empty text of a filtered-out tree.
    await page.getByPlaceholder('Filter by name or code').fill('no-such-org-zzz')
    await page.locator('[data-test=org-tree] .el-tree__empty-text', { hasText: 'No Data' }).waitFor()
    await screenshot(page, 'd1-english')

    await page.locator('[data-test=lang-switch]').click()
    await page.locator('[data-test=lang-zh-CN]:visible').click()
    await menu.getByText('组织机构').waitFor()
    await page.getByRole('button', { name: '新建下级' }).waitFor()
    await page.locator('[data-test=org-tree] .el-tree__empty-text', { hasText: '暂无数据' }).waitFor()
    assert.equal(await page.evaluate(() => localStorage.getItem('minsheng.locale')), 'zh-CN')
    await screenshot(page, 'd2-back-to-chinese')
  } finally {
    await closeContext(page)
  }
})
