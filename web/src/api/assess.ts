// Assessment (考核): the indicator library, three-level templates, assessments
// of a period, their results, explain trees, bulletins and what-if runs, the
// inputs people make (manual values with evidence, self-checks, expert
// scores, appeals) and the rectification tasks (整改). Shapes follow
// docs/openapi.yaml and docs/assessment-design.md; scores are full-precision
// numbers, shown with two decimals.
import { API_BASE, http, type Query } from './request'

// ---- indicators and templates ----------------------------------------------------

export const METHODS = ['ratio', 'linear', 'steps', 'deduction', 'tiers', 'yesno', 'veto'] as const
export type MethodName = (typeof METHODS)[number]
export type Direction = '>=' | '<='
export const INDICATOR_TYPES = [
  'quantity', 'quality', 'timeliness', 'cost', 'economic', 'social', 'ecological', 'sustainability', 'satisfaction', 'management',
] as const
export const SOURCES = ['metric', 'manual', 'survey', 'expert'] as const
export type Source = (typeof SOURCES)[number]

export interface MethodSpec {
  method: MethodName
  direction?: Direction
  target?: number
  floor?: number
  steps?: [number, number][]
  per_occurrence?: number
  tiers?: { achieved: number; partly: number }
}

export interface Indicator {
  code: string
  name_zh: string
  name_en: string
  unit: string
  direction: Direction
  type: string
  source: Source
  // source = metric: the metric key (asset.registration_rate)
  metric?: string | null
  method: MethodSpec
  description?: string
  version?: number
}

export interface TemplateNode {
  code: string
  name_zh: string
  name_en: string
  points: number
  children?: TemplateNode[]
  indicator?: string
  method?: MethodSpec
}

export type TemplateStatus = 'draft' | 'published'

// The template document (docs/assessment-templates.md) plus what the server adds.
export interface TemplateDoc {
  code: string
  name_zh: string
  name_en: string
  object_class: string
  total_points: number
  group_by: 'field' | 'none'
  grades: { excellent: number; good: number; fair: number }
  colours: { red_below: number; yellow_below: number }
  indicators?: Indicator[]
  nodes: TemplateNode[]
  id?: number
  version?: number
  status?: TemplateStatus
  frozen?: boolean
  created_at?: string
  published_at?: string | null
}

// One row of the library (GET /assess/templates).
export interface TemplateSummary {
  id: number
  code: string
  version: number
  name_zh: string
  name_en: string
  object_class: string
  status: TemplateStatus
  frozen: boolean
  created_at?: string
  published_at?: string | null
  // The newest version of the code, when the server says so.
  latest_version?: number
  published_version?: number | null
}

// Only the parameters the method takes (the server refuses any other).
export function cleanMethod(m: MethodSpec): MethodSpec {
  const out: MethodSpec = { method: m.method }
  if (m.direction) out.direction = m.direction
  if (m.method === 'ratio' || m.method === 'linear') out.target = Number(m.target) || 0
  if (m.method === 'linear') out.floor = Number(m.floor) || 0
  if (m.method === 'steps') out.steps = (m.steps ?? []).map(([a, b]) => [Number(a), Number(b)] as [number, number])
  if (m.method === 'deduction') out.per_occurrence = Number(m.per_occurrence) || 0
  if (m.method === 'tiers' && m.tiers) out.tiers = { achieved: Number(m.tiers.achieved), partly: Number(m.tiers.partly) }
  return out
}

// The document as the API takes it (POST/PUT of a template, a what-if draft):
// no server-side fields, leaves without children, inner nodes without an
// indicator, methods with their own parameters only.
// `library`: the entries the leaves may use; those used go along as the
// document's "indicators" (the file format's own library entries).
export function docBody(doc: TemplateDoc, library: Indicator[] = []): TemplateDoc {
  const clean = (nodes: TemplateNode[]): TemplateNode[] =>
    nodes.map((n) => {
      const out: TemplateNode = { code: n.code.trim(), name_zh: n.name_zh.trim(), name_en: n.name_en.trim(), points: Number(n.points) || 0 }
      if (n.children?.length) out.children = clean(n.children)
      else {
        if (n.indicator) out.indicator = n.indicator
        if (n.method) out.method = cleanMethod(n.method)
      }
      return out
    })
  return {
    code: doc.code.trim(),
    name_zh: doc.name_zh.trim(),
    name_en: doc.name_en.trim(),
    object_class: doc.object_class,
    total_points: Number(doc.total_points) || 0,
    group_by: doc.group_by,
    grades: { ...doc.grades },
    colours: { ...doc.colours },
    nodes: clean(doc.nodes),
    ...(library.length ? { indicators: usedIndicators(doc.nodes, library) } : {}),
  }
}

// The library entries the leaves of `nodes` use, with the file format's keys only.
function usedIndicators(nodes: TemplateNode[], library: Indicator[]): Indicator[] {
  const used = new Set<string>()
  const walk = (list: TemplateNode[]) => {
    for (const n of list) {
      if (n.children?.length) walk(n.children)
      else if (n.indicator) used.add(n.indicator)
    }
  }
  walk(nodes)
  const out: Indicator[] = []
  for (const i of library) {
    if (!used.has(i.code) || out.some((x) => x.code === i.code)) continue
    out.push({
      code: i.code,
      name_zh: i.name_zh,
      name_en: i.name_en,
      unit: i.unit,
      direction: i.direction,
      type: i.type,
      source: i.source,
      ...(i.metric ? { metric: i.metric } : {}),
      method: cleanMethod(i.method),
      ...(i.description ? { description: i.description } : {}),
    })
  }
  return out
}

export const listIndicators = (q: Query = {}) => http.get<{ items: Indicator[] }>('/assess/indicators', q)
export const putIndicator = (code: string, i: Indicator) => http.put<Indicator>(`/assess/indicators/${encodeURIComponent(code)}`, i)
export const listTemplates = (q: Query = {}) => http.get<{ items: TemplateSummary[] }>('/assess/templates', q)
// silent: the caller copes without it (an expert may not read templates).
export const fetchTemplate = (code: string, version?: number | null, silent = false) =>
  http.get<TemplateDoc>(`/assess/templates/${encodeURIComponent(code)}`, { version }, { silent })
export const listTemplateVersions = (code: string) =>
  http.get<{ items: TemplateSummary[] }>(`/assess/templates/${encodeURIComponent(code)}/versions`)
export const createTemplate = (doc: TemplateDoc, publish = false) =>
  http.post<TemplateDoc>('/assess/templates', doc, { query: { publish: publish ? 'true' : undefined } })
export const saveDraft = (code: string, doc: TemplateDoc) =>
  http.put<TemplateDoc>(`/assess/templates/${encodeURIComponent(code)}/draft`, doc)
// Publishes the newest version of the code (it must be a draft).
export const publishTemplate = (code: string) => http.post<TemplateDoc>(`/assess/templates/${encodeURIComponent(code)}/publish`)

// ---- metrics -----------------------------------------------------------------------

export interface MetricDef {
  key: string
  name_zh: string
  name_en: string
  unit: string
  description_zh?: string
  description_en?: string
  object_class?: string
}

export interface MetricRecord {
  kind: string
  id: number
  label: string
  note?: string
  note_zh?: string
  counted?: boolean
}

export const listMetrics = () => http.get<{ items: MetricDef[] }>('/metrics')
export const listMetricRecords = (
  key: string,
  q: { period: string; object: number; cursor?: string | null; limit?: number },
  silent = false,
) => http.get<{ items: MetricRecord[]; next_cursor: string | number | null }>(`/metrics/${encodeURIComponent(key)}/records`, q, { silent })

// ---- assessments and results --------------------------------------------------------

export type AssessmentStatus = 'open' | 'review' | 'published' | 'final'
export const ASSESSMENT_STATUSES: AssessmentStatus[] = ['open', 'review', 'published', 'final']
export type Grade = 'excellent' | 'good' | 'fair' | 'poor'
export type Colour = 'red' | 'yellow' | 'blue'

export interface Assessment {
  id: number
  period: string
  period_kind: 'month' | 'quarter' | 'year'
  template_id?: number
  template_code: string
  template_version?: number
  template_name_zh?: string
  template_name_en?: string
  scope_org_id: number
  scope_org_name?: string
  scope_name?: string
  name: string
  status: AssessmentStatus
  self_check_due?: string | null
  appeal_until?: string | null
  computed_at?: string | null
  published_at?: string | null
  finalized_at?: string | null
  object_count?: number
  version?: number
}

export interface CreateAssessment {
  period: string
  template_code: string
  template_version?: number
  scope_org_id: number
  name?: string
  self_check_due?: string | null
}

export interface NodeScore {
  code: string
  score: number
  max: number
  applicable?: boolean
  value?: number | null
  source?: string
  ref?: string
  tier?: string
  veto?: boolean
}

export interface ResultRow {
  object_id: number
  object_code: string
  object_name: string
  group: string
  total: number
  rounded: number
  grade: Grade
  colour: Colour
  vetoed?: boolean
  rank: number
  group_size: number
  previous_total: number | null
  change: number | null
  // The caller may open this row's node detail and explain.
  detail?: boolean
  nodes?: NodeScore[]
}

// The server's ranking row under either naming (object_code / code, group / group_key).
export function normRow(r: Record<string, unknown>): ResultRow {
  const x = r as unknown as ResultRow & { code?: string; name?: string; group_key?: string }
  return {
    ...x,
    object_code: x.object_code ?? x.code ?? '',
    object_name: x.object_name ?? x.name ?? '',
    group: x.group ?? x.group_key ?? '',
    previous_total: x.previous_total ?? null,
    change: x.change ?? null,
  }
}

export interface Results {
  assessment?: Assessment
  items: ResultRow[]
}

const base = (period: string, template: string) => `/assessments/${encodeURIComponent(period)}/${encodeURIComponent(template)}`

export const listAssessments = (q: Query = {}) => http.get<{ items: Assessment[]; next_cursor?: string | null }>('/assessments', q)
export const createAssessment = (body: CreateAssessment) => http.post<Assessment>('/assessments', body)
export const fetchAssessment = (period: string, template: string) => http.get<Assessment>(base(period, template))
export const runAssessment = (period: string, template: string) => http.post<Assessment>(`${base(period, template)}/run`, {})
export const publishAssessment = (period: string, template: string) => http.post<Assessment>(`${base(period, template)}/publish`, {})
export const finalizeAssessment = (period: string, template: string) => http.post<Assessment>(`${base(period, template)}/finalize`, {})
export const fetchResults = async (period: string, template: string, q: Query = {}, silent = false): Promise<Results> => {
  const res = await http.get<Results & { rows?: ResultRow[] }>(`${base(period, template)}/results`, q, { silent })
  const items = (res.items ?? res.rows ?? []) as unknown as Record<string, unknown>[]
  return { ...res, items: items.map(normRow) }
}
export const resultsXlsxUrl = (period: string, template: string) => `${API_BASE}${base(period, template)}/results.xlsx`

// The explain tree of one object (or one node / indicator of it): the
// contribution of every node down to metric values and their records, manual
// inputs with reviewer and evidence, and each expert's share.
export interface ExplainManual {
  input_id: number
  role: 'self' | 'supervisor'
  value: number | null
  not_applicable?: boolean
  remark?: string
  status?: string
  submitted_by?: number | null
  submitted_at?: string | null
  reviewed_by?: number | null
  reviewer?: string
  reviewed_at?: string | null
  evidence?: { id: number; file_name: string }[]
  // the one that counted
  used?: boolean
}
export interface ExplainExpert {
  expert_user_id: number
  name: string
  share: number
  comment?: string
  // left out by the trimmed mean
  dropped?: boolean
}
export interface ExplainNode {
  code: string
  name_zh: string
  name_en: string
  level: number
  points: number
  max: number
  score: number
  share: number | null
  applicable: boolean
  // leaves only:
  indicator_code?: string
  method?: MethodSpec | null
  value?: number | null
  source?: 'metric' | 'manual' | 'expert' | 'override' | 'missing'
  ref?: string
  tier?: string
  veto?: boolean
  flags?: string[]
  metric?: {
    key: string
    numerator: number | null
    denominator: number | null
    records_url?: string
    records: MetricRecord[]
    records_next_cursor: number | null
  }
  inputs?: ExplainManual[]
  experts?: { aggregation: string; scores: ExplainExpert[] }
  appeal_id?: number | null
  // inner nodes only:
  children?: ExplainNode[]
}

export interface Explain {
  assessment: Assessment
  result: ResultRow
  total_points: number
  nodes: ExplainNode[]
  note_zh?: string
  note_en?: string
}

export const fetchExplain = async (period: string, template: string, object: number, indicator?: string): Promise<Explain> => {
  const e = await http.get<Explain>(`${base(period, template)}/explain`, { object, indicator })
  return { ...e, result: normRow(e.result as unknown as Record<string, unknown>) }
}

export interface BulletinRow {
  object_id: number
  code: string
  name: string
  group: string
  total: number
  rounded: number
  grade: Grade
  grade_zh?: string
  colour: Colour
  vetoed?: boolean
  rank: number
  group_size: number
  previous_total: number | null
  change: number | null
}
export interface BulletinLeaf {
  node: string
  indicator_code: string
  name_zh: string
  name_en: string
}
// The published snapshot (通报): ranking, colour and grade counts, the largest
// gains and the weak points (lowest mean shares; each object's weakest leaf).
export interface Bulletin {
  assessment: {
    period: string
    template_code: string
    template_version?: number
    template_name_zh?: string
    template_name_en?: string
    name?: string
    scope_org_id?: number
    scope_name?: string
  }
  published_at?: string
  appeal_until?: string
  objects?: number
  ranking: BulletinRow[]
  colours: Partial<Record<Colour, number>>
  grades: Partial<Record<Grade, number>>
  highlights: { object_id: number; code: string; name: string; rounded: number; previous_total: number | null; change: number }[]
  weak_points: {
    indicators: (BulletinLeaf & { mean_share: number; objects: number })[]
    objects: (BulletinLeaf & { object_id: number; code: string; name: string; share: number })[]
  }
}
export const fetchBulletin = (period: string, template: string) => http.get<Bulletin>(`${base(period, template)}/bulletin`)

// One object scored by the published template (current) and by the draft.
export interface WhatIfScore {
  total: number
  rounded: number
  grade: Grade
  colour: Colour
  rank: number
  group_size: number
}
export interface WhatIfRow {
  object_id: number
  code: string
  name: string
  group: string
  // null when the assessment was not run
  current: (WhatIfScore & Partial<ResultRow>) | null
  draft: WhatIfScore
  total_change: number | null
  // current rank − draft rank: up is positive
  rank_change: number | null
}
export interface WhatIf {
  assessment?: Assessment
  draft_code?: string
  draft_version?: number
  items: WhatIfRow[]
}
// The draft: a stored version of the template code, or a document.
export const runWhatIf = (period: string, template: string, draft: { version: number } | { template: TemplateDoc }) =>
  http.post<WhatIf>(`${base(period, template)}/whatif`, draft)

// ---- inputs from people ----------------------------------------------------------

export interface EvidenceFile {
  id: number
  owner_kind?: 'input' | 'appeal' | 'task'
  owner_id?: number
  object_id?: number
  file_name: string
  content_type?: string
  size_bytes?: number
  sha256?: string
  uploaded_at?: string
}

export type InputStatus = 'submitted' | 'accepted' | 'rejected'

// One manual value (人工填报) of one role.
export interface ManualInput {
  id: number
  object_id: number
  object_code?: string
  object_name?: string
  indicator: string
  role: 'self' | 'supervisor'
  value: number | null
  not_applicable: boolean
  remark?: string | null
  status: InputStatus
  submitted_by?: number | null
  submitted_at?: string | null
  reviewed_by?: number | null
  reviewed_at?: string | null
  review_reason?: string | null
  version: number
  file_count?: number
}

// GET …/inputs: one object × indicator with both roles side by side.
export interface InputPair {
  object_id: number
  object_code?: string
  object_name?: string
  indicator: string
  self: ManualInput | null
  supervisor: ManualInput | null
  gap?: number | null
  gap_flag?: boolean
}

export interface InputWrite {
  object_id: number
  indicator: string
  role: 'self' | 'supervisor'
  value: number | null
  not_applicable?: boolean
  remark?: string
  // the version read, when changing an existing input
  version?: number
}

export const listInputs = (period: string, template: string, q: Query = {}) =>
  http.get<{ items: InputPair[] }>(`${base(period, template)}/inputs`, q)
export const putInput = (period: string, template: string, body: InputWrite) =>
  http.put<ManualInput>(`${base(period, template)}/inputs`, body)
export const reviewInput = (period: string, template: string, id: number, version: number, accept: boolean, reason?: string) =>
  http.post<ManualInput>(`${base(period, template)}/inputs/${id}/review`, {
    decision: accept ? 'accept' : 'reject',
    version,
    ...(reason ? { reason } : {}),
  })
export const listInputFiles = (period: string, template: string, id: number) =>
  http.get<{ items: EvidenceFile[] }>(`${base(period, template)}/inputs/${id}/files`)
// Evidence goes up as the raw file body; X-Filename carries the name.
const uploadOpts = (file: File) => ({
  upload: file,
  headers: { 'X-Filename': encodeURIComponent(file.name) },
})
export const uploadInputFile = (period: string, template: string, id: number, file: File) =>
  http.post<EvidenceFile>(`${base(period, template)}/inputs/${id}/files`, undefined, uploadOpts(file))
export const uploadAppealFile = (period: string, template: string, id: number, file: File) =>
  http.post<EvidenceFile>(`${base(period, template)}/appeals/${id}/files`, undefined, uploadOpts(file))
export const listAppealFiles = (period: string, template: string, id: number) =>
  http.get<{ items: EvidenceFile[] }>(`${base(period, template)}/appeals/${id}/files`)
export const fileUrl = (period: string, template: string, id: number) => `${API_BASE}${base(period, template)}/files/${id}`

// 月度自查 of one object.
export interface Submission {
  object_id: number
  object_code?: string
  object_name?: string
  status: 'missing' | 'draft' | 'submitted'
  remarks?: string | null
  submitted_at?: string | null
  late?: boolean
  due?: string | null
  draft_items?: DraftItem[]
  draft_saved_at?: string | null
}
// A manual value kept in the self-check draft (not yet an input); version is
// the stored self input's version the unit saw.
export interface DraftItem {
  indicator: string
  value?: number | null
  not_applicable?: boolean
  remark?: string | null
  version?: number | null
}
export const listSubmissions = (period: string, template: string) =>
  http.get<{ items: Submission[] }>(`${base(period, template)}/submissions`)
// The remarks are always sent: an empty text clears the draft's.
export const submitSelfCheck = (period: string, template: string, object_id: number, remarks: string) =>
  http.post<Submission>(`${base(period, template)}/submissions`, { object_id, remarks })
export const saveSelfCheckDraft = (period: string, template: string, body: { object_id: number; remarks: string; items: DraftItem[] }) =>
  http.put<Submission>(`${base(period, template)}/submissions/draft`, body)

export interface ExpertScore {
  expert_user_id: number
  object_id: number
  indicator: string
  share: number
  comment?: string | null
  scored_at?: string
}
// One assigned object of the signed-in expert with its qualitative indicators.
export interface ExpertTask {
  expert_user_id: number
  expert_name?: string
  object_id: number
  object_code?: string
  object_name: string
  indicators: string[]
  indicator_details?: ExpertIndicator[]
  scores: ExpertScore[]
}
// A qualitative indicator as the expert scores it (from the frozen template).
export interface ExpertIndicator {
  code: string
  name_zh: string
  name_en: string
  node_code: string
  node_name_zh: string
  node_name_en: string
  points: number
  description?: string
  tiers: { achieved: number; partly: number }
}
export interface ProgressRow {
  id: number
  label: string
  scored: number
  expected: number
  progress: number
}
export interface ExpertProgress {
  indicator_count: number
  by_expert: ProgressRow[]
  by_object: ProgressRow[]
}
export const listExpertAssignments = (period: string, template: string) =>
  http.get<{ items: ExpertTask[] }>(`${base(period, template)}/expert/assignments`)
export const putExpertScore = (
  period: string,
  template: string,
  body: { object_id: number; indicator: string; share: number; comment?: string },
) => http.put<ExpertScore>(`${base(period, template)}/expert/scores`, body)
export const fetchExpertProgress = (period: string, template: string, silent = false) =>
  http.get<ExpertProgress>(`${base(period, template)}/experts/progress`, undefined, { silent })

// 复核: an object contests one indicator's score.
export interface Appeal {
  id: number
  object_id: number
  object_code?: string
  object_name?: string
  indicator: string
  reason: string
  requested_value?: number | null
  status: 'open' | 'accepted' | 'rejected'
  filed_by?: number | null
  filed_at?: string
  decided_by?: number | null
  decided_at?: string | null
  decision_reason?: string | null
  decided_value?: number | null
  decided_not_applicable?: boolean
  score_before?: number | null
  score_after?: number | null
  rank_before?: number | null
  rank_after?: number | null
  file_count?: number
}
export const listAppeals = (period: string, template: string, q: Query = {}) =>
  http.get<{ items: Appeal[] }>(`${base(period, template)}/appeals`, q)
export const fileAppeal = (
  period: string,
  template: string,
  body: { object_id: number; indicator: string; reason: string; requested_value?: number | null },
) => http.post<Appeal>(`${base(period, template)}/appeals`, body)
export const decideAppeal = (
  period: string,
  template: string,
  id: number,
  body: { decision: 'accept' | 'reject'; reason?: string; value?: number | null; not_applicable?: boolean },
) => http.post<Appeal>(`${base(period, template)}/appeals/${id}/decide`, body)

// ---- consequences and rectification ---------------------------------------------------

export interface Action {
  id: number
  assessment_id?: number
  period?: string
  template_code?: string
  object_id: number
  object_code?: string
  object_name?: string
  rule_code: string
  kind: string
  detail?: Record<string, unknown>
  owner_org_id?: number
  owner_org_name?: string
  status: 'open' | 'done' | 'cancelled'
  note?: string | null
}

// 整改 rectification task.
export interface Task {
  id: number
  assessment_id?: number
  period?: string
  template_code?: string
  object_id: number
  object_code?: string
  object_name?: string
  source: 'colour' | 'grade' | 'indicator'
  indicator_code?: string | null
  title: string
  due_on: string
  overdue?: boolean
  status: 'open' | 'submitted' | 'verified' | 'rejected'
  evidence_note?: string | null
  submitted_by_name?: string | null
  submitted_at?: string | null
  reviewed_by_name?: string | null
  reviewed_at?: string | null
  review_note?: string | null
  version?: number
  files?: TaskFile[]
}

// An evidence file of a task (its bytes at taskFileUrl).
export interface TaskFile {
  id: number
  name: string
  size: number
  content_type: string
  sha256?: string
  uploaded_at: string
}

export const listActions = (q: Query = {}) => http.get<{ items: Action[] }>('/assess/actions', q)
// Every page of a cursor-paged list (200 a page, the server's largest): the
// console's tabs show all actions / tasks, not the first 50.
async function allPages<T>(path: string, q: Query): Promise<{ items: T[] }> {
  const items: T[] = []
  let cursor: string | null | undefined = null
  do {
    const page: { items: T[]; next_cursor?: string | null } = await http.get(path, { ...q, limit: 200, ...(cursor ? { cursor } : {}) })
    items.push(...(page.items ?? []))
    cursor = page.next_cursor
  } while (cursor)
  return { items }
}
export const listAllActions = (q: Query = {}) => allPages<Action>('/assess/actions', q)
export const listAllTasks = (q: Query = {}) => allPages<Task>('/assess/tasks', q)
export const setActionStatus = (id: number, status: 'done' | 'cancelled', note?: string) =>
  http.post<Action>(`/assess/actions/${id}/status`, { status, ...(note ? { note } : {}) })
export const listTasks = (q: Query = {}) => http.get<{ items: Task[]; next_cursor?: string | null }>('/assess/tasks', q)
export const submitTask = (id: number, evidence_note: string, version?: number) =>
  http.post<Task>(`/assess/tasks/${id}/submit`, { evidence_note, ...(version ? { version } : {}) })
export const verifyTask = (id: number, note: string, version?: number) =>
  http.post<Task>(`/assess/tasks/${id}/verify`, { ...(note ? { note } : {}), ...(version ? { version } : {}) })
export const rejectTask = (id: number, reason: string, version?: number) =>
  http.post<Task>(`/assess/tasks/${id}/reject`, { ...(reason ? { reason } : {}), ...(version ? { version } : {}) })
// Task evidence goes up in the format of input evidence (raw body, X-Filename).
export const uploadTaskFile = (id: number, file: File) => http.post<TaskFile>(`/assess/tasks/${id}/files`, undefined, uploadOpts(file))
export const listTaskFiles = (id: number) => http.get<{ items: TaskFile[] }>(`/assess/tasks/${id}/files`)
export const taskFileUrl = (taskId: number, fileId: number) => `${API_BASE}/assess/tasks/${taskId}/files/${fileId}`
