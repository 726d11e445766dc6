// Evidence files on rectification tasks over HTTP (docs/assessment-consequences.md,
// "Evidence files"): the unit uploads in the input-evidence format while the
// task is open or rejected, both sides list and download the same bytes,
// another unit is 404, the checks of type and size apply, and with
// assess.task_verify_requires_file a task without files cannot be verified.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { Directory, createRoleUser, expectProblem, finalizeAssessment, startServer } from './lib.mjs'

const PERIOD = '2025'
const TEMPLATE = 'unit_asset_mgmt'
const PDF = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from([0, 1, 2, 0xff]), Buffer.from('\n整改验收单\n%%EOF\n')])
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('IHDR....')])

let srv
const c = {}
let tasks = []
let skipWhy = ''

function skipped(t) {
  if (skipWhy) t.skip(skipWhy)
  return skipWhy !== ''
}

const createUser = (role, orgId) => createRoleUser(srv, c.security, role, orgId)

const upload = (client, taskId, body, type, name = '整改验收单.pdf') =>
  client.request('POST', `/api/v1/assess/tasks/${taskId}/files`, {
    body, headers: { 'content-type': type, 'x-filename': encodeURIComponent(name) },
  })

before(async () => {
  srv = await startServer({
    extraEnv: { MINSHENG_ASSESS_EVIDENCE_MAX_BYTES: '2048', MINSHENG_ASSESS_TASK_VERIFY_REQUIRES_FILE: 'true' },
  })
  for (const u of ['finance', 'expert', 'security', 'admin', 'oversight']) c[u] = await srv.login(u)
  const dir = new Directory(c.admin, c.security)
  const county = await dir.org('SF')
  skipWhy = await finalizeAssessment(c.finance, { period: PERIOD, template: TEMPLATE, scopeOrgId: county.id })
  if (skipWhy) return
  tasks = (await c.finance.json(`/api/v1/assess/tasks?period=${PERIOD}&template=${TEMPLATE}&limit=200`)).items
  const unit = tasks[0]?.object_id
  assert.ok(unit, 'finalize opened rectification tasks')
  assert.ok(tasks.length >= 2, 'at least two tasks')
  const other = tasks.find((t) => t.object_id !== unit)?.object_id ?? (await dir.org('SF-WJJ')).id
  c.unitClerk = await createUser('unit_clerk', unit)
  c.otherClerk = await createUser('unit_clerk', other)
  c.unit = unit
})

after(async () => {
  await srv?.stop()
})

describe('rectification task evidence files', () => {
  test('upload, list, download the same bytes; bad files and wrong callers are refused', async (t) => {
    if (skipped(t)) return
    const task = tasks.find((x) => x.object_id === c.unit)
    assert.deepEqual(task.files, [])
    const path = `/api/v1/assess/tasks/${task.id}`

    let r = await upload(c.unitClerk, task.id, PDF, 'application/pdf')
    assert.equal(r.status, 201, r.describe())
    const file = r.json
    assert.equal(file.name, '整改验收单.pdf')
    assert.equal(file.size, PDF.length)
    assert.equal(file.content_type, 'application/pdf')
    assert.equal(file.sha256, createHash('sha256').update(PDF).digest('hex'))
    assert.ok(file.id > 0 && file.uploaded_at)

    // The checks and limits of input evidence (2048 bytes here).
    expectProblem(assert, await upload(c.unitClerk, task.id, Buffer.from('整改说明'), 'text/plain'), 400, 'assess.file_type')
    expectProblem(assert, await upload(c.unitClerk, task.id, PDF, 'image/png'), 400, 'assess.file_content_mismatch')
    expectProblem(assert, await upload(c.unitClerk, task.id,
      Buffer.concat([Buffer.from('%PDF-'), Buffer.alloc(2044, 0x20)]), 'application/pdf'), 413, 'assess.file_too_large')
    // Another unit: 404; a role without assess.submit: 403; an unknown task: 404.
    expectProblem(assert, await upload(c.otherClerk, task.id, PDF, 'application/pdf'), 404, 'not_found')
    expectProblem(assert, await upload(c.finance, task.id, PDF, 'application/pdf'), 403, 'forbidden')
    expectProblem(assert, await upload(c.unitClerk, 99999999, PDF, 'application/pdf'), 404, 'not_found')
    r = await upload(c.unitClerk, task.id, PNG, 'image/png', '现场照片.png')
    assert.equal(r.status, 201, r.describe())

    // Both sides list them; the task carries them.
    for (const who of [c.unitClerk, c.finance]) {
      const list = await who.json(`${path}/files`)
      assert.deepEqual(list.items.map((f) => f.name), ['整改验收单.pdf', '现场照片.png'])
      const got = await who.json(path)
      assert.deepEqual(got.files.map((f) => f.id), list.items.map((f) => f.id))
      assert.deepEqual(got.files[0], file)
    }
    const listed = (await c.finance.json(`/api/v1/assess/tasks?object=${c.unit}&limit=200`)).items
    for (const x of listed) assert.equal(x.files.length, x.id === task.id ? 2 : 0)
    expectProblem(assert, await c.otherClerk.get(`${path}/files`), 404, 'not_found')
    expectProblem(assert, await c.oversight.get(`${path}/files`), 403, 'forbidden')

    // Download: the same bytes, for the unit and the finance bureau.
    for (const who of [c.unitClerk, c.finance]) {
      const res = await fetch(`${srv.url}${path}/files/${file.id}`, { headers: { cookie: who.cookie } })
      assert.equal(res.status, 200)
      assert.equal(res.headers.get('content-type'), 'application/pdf')
      assert.equal(res.headers.get('x-content-sha256'), file.sha256)
      assert.match(res.headers.get('content-disposition'), /filename\*=UTF-8''%E6%95%B4%E6%94%B9/)
      assert.deepEqual(Buffer.from(await res.arrayBuffer()), PDF)
    }
    expectProblem(assert, await c.otherClerk.get(`${path}/files/${file.id}`), 404, 'not_found')
    const another = tasks.find((x) => x.id !== task.id && x.object_id === c.unit) ?? tasks.find((x) => x.id !== task.id)
    expectProblem(assert, await c.finance.get(`/api/v1/assess/tasks/${another.id}/files/${file.id}`), 404, 'not_found')
    expectProblem(assert, await c.finance.get(`${path}/files/99999999`), 404, 'not_found')

    // Submitted: frozen; verified: closed.
    r = await c.unitClerk.post(`${path}/submit`, { evidence_note: '已整改，附验收单和照片' })
    assert.equal(r.status, 200, r.describe())
    assert.equal(r.json.files.length, 2)
    expectProblem(assert, await upload(c.unitClerk, task.id, PDF, 'application/pdf'), 409, 'assess.task.state')
    r = await c.finance.post(`${path}/verify`, { note: '材料齐全' })
    assert.equal(r.status, 200, r.describe())
    assert.equal(r.json.status, 'verified')
    expectProblem(assert, await upload(c.unitClerk, task.id, PDF, 'application/pdf'), 409, 'assess.task.state')
    // The upload was audited.
    const audit = await (await srv.login('auditor')).json(
      `/api/v1/audit?action=assess.file.add&object_type=assess_file&object_id=${file.id}`)
    assert.equal(audit.items.length, 1, 'one assess.file.add row for the upload')
  })

  test('with assess.task_verify_requires_file a task without files is not verified', async (t) => {
    if (skipped(t)) return
    const task = tasks.find((x) => x.object_id !== c.unit) ?? tasks[1]
    const unitOf = await createUser('unit_clerk', task.object_id)
    const path = `/api/v1/assess/tasks/${task.id}`
    let r = await unitOf.post(`${path}/submit`, { evidence_note: '已整改' })
    assert.equal(r.status, 200, r.describe())
    expectProblem(assert, await c.finance.post(`${path}/verify`, {}), 400, 'validation_failed', { files: 'required' })
    assert.equal((await c.finance.json(path)).status, 'submitted')
    r = await c.finance.post(`${path}/reject`, { reason: '请上传验收单' })
    assert.equal(r.status, 200, r.describe())
    assert.equal((await upload(unitOf, task.id, PDF, 'application/pdf')).status, 201)
    r = await unitOf.post(`${path}/submit`, { evidence_note: '已上传验收单' })
    assert.equal(r.status, 200, r.describe())
    r = await c.finance.post(`${path}/verify`, {})
    assert.equal(r.status, 200, r.describe())
    assert.equal(r.json.status, 'verified')
  })
})
