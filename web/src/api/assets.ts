// The asset register (资产卡片): cards, their history and life-cycle actions,
// the unit's directories (科室 / staff / locations), categories and the
// dashboard rollups. Money travels as integer fen; *_yuan strings are the
// server's own formatting for display.
import { API_BASE, http, type Query } from './request'

export const ASSET_STATES = [
  'in_use', 'leased', 'lent', 'idle', 'in_pool', 'under_repair', 'pending_disposal', 'disposed', 'under_construction',
] as const
export type AssetState = (typeof ASSET_STATES)[number]

export const ACQUISITION_METHODS = ['购置', '调剂/调拨', '建设', '租用', '捐赠', '置换', '其他'] as const
export const FUNDING_SOURCES = ['财政拨款', '非财政'] as const
export const BUILDING_STRUCTURES = ['钢结构', '钢筋混凝土', '砖混', '砖木', '简易', '其他'] as const
export const DEPRECIATION_METHODS = ['straight_line', 'units_of_work', 'none'] as const
export type DepreciationMethod = (typeof DEPRECIATION_METHODS)[number]
// registered: registration order (newest first is the server's default for free text).
export const SORT_KEYS = ['number', 'name', 'acquired_on', 'original_value', 'registered'] as const
export type SortKey = (typeof SORT_KEYS)[number]

export type CardGroup =
  | 'building' | 'vehicle' | 'land' | 'equipment' | 'furniture' | 'cultural' | 'books' | 'plants' | 'materials'

// Which typed extension fields a card group has (the service refuses others).
export const EXT_FIELDS: Record<CardGroup, ExtKey[]> = {
  building: ['area_m2', 'structure', 'certificate'],
  vehicle: ['plate', 'vin', 'engine_no', 'displacement_l'],
  land: ['area_m2', 'certificate', 'land_class'],
  equipment: [],
  furniture: [],
  cultural: [],
  books: [],
  plants: [],
  materials: [],
}

export interface CardExt {
  area_m2?: number
  structure?: string
  certificate?: string
  plate?: string
  vin?: string
  engine_no?: string
  displacement_l?: number
  land_class?: string
}
export type ExtKey = keyof CardExt

export interface Card {
  number: string
  name: string
  org_id: number
  org_code: string
  org_name: string
  category_code: string
  category_name: string
  subject_code: string
  acquisition_method: string
  funding_source: string
  acquired_on: string
  booked_on: string
  original_value: number
  original_value_yuan: string
  quantity: number
  unit_of_measure: string
  usage_direction: string | null
  department_id: number | null
  department_name: string | null
  custodian_id: number | null
  custodian_name: string | null
  manager_id: number | null
  manager_name: string | null
  location_id: number
  location_name: string
  latitude: number | null
  longitude: number | null
  model: string | null
  spec: string | null
  brand: string | null
  serial_no: string | null
  depreciation_method: DepreciationMethod
  life_months: number
  certificate_no: string | null
  project_ref: string | null
  ext: CardExt
  value_status: 'settled' | 'provisional'
  state: AssetState
  state_zh: string
  version: number
  created_at: string
  updated_at: string
}

export interface Depreciation {
  at: string
  method: DepreciationMethod
  months: number
  accumulated: number
  accumulated_yuan: string
  net: number
  net_yuan: string
  fully_depreciated: boolean
}

// GET /assets/{number}: the card with its QR payload and value at a date.
export interface CardDetail extends Card {
  qr_payload: string
  depreciation: Depreciation
}

export interface CardPage {
  items: Card[]
  next_cursor: string | null
  total: number
  total_capped: boolean
  sort: string  // the order of the items (registered: free text without a chosen sort)
  order: 'asc' | 'desc'
}

export interface CardEvent {
  event: string
  state_before: AssetState | null
  state_after: AssetState
  at: string
  actor_user_id: number | null
  actor_name: string
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  note: string | null
}

// The filters of GET /assets and GET /exports/assets (same names).
export interface AssetFilter {
  org?: number | null
  category?: string
  state?: AssetState | ''
  custodian_id?: number | null
  location?: string
  min_value_fen?: number | null
  max_value_fen?: number | null
  acquired_from?: string
  acquired_to?: string
  q?: string
  sort?: SortKey
  order?: 'asc' | 'desc'
}

export interface AssetQuery extends AssetFilter {
  limit?: number
  cursor?: string | null
}

// The writable fields of POST /assets and PATCH /assets/{number}.
export interface CardInput {
  name?: string
  category_code?: string
  subject_code?: string
  acquisition_method?: string
  funding_source?: string
  acquired_on?: string
  booked_on?: string
  original_value?: number
  quantity?: number
  unit_of_measure?: string
  usage_direction?: string | null
  department_id?: number | null
  custodian_id?: number | null
  manager_id?: number | null
  location_id?: number
  latitude?: number | null
  longitude?: number | null
  model?: string | null
  spec?: string | null
  brand?: string | null
  serial_no?: string | null
  depreciation_method?: DepreciationMethod
  life_months?: number
  certificate_no?: string | null
  project_ref?: string | null
  ext?: CardExt | null
  value_status?: 'settled' | 'provisional'
}

export interface Assignment {
  custodian_id?: number | null
  department_id?: number | null
  manager_id?: number | null
  note?: string
  version?: number
}

export interface Relocation {
  location_id: number
  note?: string
  version?: number
}

export interface StateChange {
  note?: string
  version?: number
}

const path = (number: string) => `/assets/${encodeURIComponent(number)}`

export const listAssets = (q: AssetQuery) => http.get<CardPage>('/assets', { ...q } as Query)
export const fetchAsset = (number: string, at?: string) => http.get<CardDetail>(path(number), { at })
export const fetchAssetByQr = (payload: string) => http.get<CardDetail>('/assets/by-qr', { payload })
export const createAsset = (org_id: number, input: CardInput) => http.post<CardDetail>('/assets', { org_id, ...input })
export const updateAsset = (number: string, version: number, set: CardInput) =>
  http.patch<CardDetail>(path(number), { version, ...set })
export const fetchAssetHistory = (number: string) => http.get<{ items: CardEvent[] }>(`${path(number)}/history`)
export const assignAsset = (number: string, a: Assignment) => http.post<CardDetail>(`${path(number)}/assign`, a)
export const relocateAsset = (number: string, r: Relocation) => http.post<CardDetail>(`${path(number)}/relocate`, r)
export const markIdle = (number: string, c: StateChange) => http.post<CardDetail>(`${path(number)}/idle`, c)
export const backInUse = (number: string, c: StateChange) => http.post<CardDetail>(`${path(number)}/back-in-use`, c)

// The export of a filtered list: a plain URL, so the browser streams the
// file to disk (GET needs no CSRF token; the session cookie goes along).
export function exportUrl(filter: AssetFilter, format: 'xlsx' | 'csv'): string {
  const params = new URLSearchParams({ format })
  for (const [k, v] of Object.entries(filter)) {
    if (v === undefined || v === null || v === '') continue
    params.append(k, String(v))
  }
  return `${API_BASE}/exports/assets?${params}`
}

// ---- dashboard rollups -------------------------------------------------------

export type StatsDimension = 'category' | 'state' | 'org'

export interface StatsRow {
  category_code?: string
  category_name?: string
  state?: AssetState
  state_zh?: string
  org_id?: number
  org_name?: string
  count: number
  value: number
  value_wan_yuan: string
}

export interface Stats {
  org_id: number | null
  group_by: StatsDimension[]
  rows: StatsRow[]
  total_count: number
  total_value: number
  total_value_wan_yuan: string
}

export const fetchStats = (org: number | null, group_by: StatsDimension[]) =>
  http.get<Stats>('/stats/assets', { org, group_by: group_by.join(',') })

// ---- categories --------------------------------------------------------------

export interface Category {
  code: string
  name: string
  parent_code: string | null
  level: number
  is_leaf: boolean
  card_group: CardGroup
  depreciation_class: string | null
  min_life_months: number
  max_life_months: number | null
  depreciable: boolean
  source: 'shipped' | 'official'
}

// Children of parent (none: the 门类), or categories matching q.
export const listCategories = (q: { parent?: string; q?: string; limit?: number } = {}) =>
  http.get<{ items: Category[] }>('/categories', { limit: 200, ...q })
export const fetchCategory = (code: string) => http.get<Category>(`/categories/${encodeURIComponent(code)}`)

// A depreciation class (政府会计准则第3号 表1). A building category whose class
// follows_structure takes instead the class whose `structures` name the card's
// ext.structure (钢结构 → building_steel …; docs/categories.md).
export interface DepreciationClass {
  code: string
  name: string
  min_years: number
  max_years: number | null
  depreciable: boolean
  min_life_months: number
  max_life_months: number | null
  follows_structure: boolean
  structures: string[]
}

// The table is national reference data: fetched once per page load.
let classesOnce: Promise<DepreciationClass[]> | null = null
export function depreciationClasses(): Promise<DepreciationClass[]> {
  // silent: without the table the form falls back to the category's own lives.
  classesOnce ??= http.get<{ items: DepreciationClass[] }>('/depreciation-classes', undefined, { silent: true }).then(
    (r) => r.items,
    (e) => {
      classesOnce = null
      throw e
    },
  )
  return classesOnce
}

// ---- the unit's directories --------------------------------------------------

export type DirectoryKind = 'departments' | 'staff' | 'locations'

export interface DirectoryEntry {
  id: number
  org_id: number
  name: string
  active: boolean
  department_id?: number | null
  department_name?: string | null
  phone?: string | null
}

export interface DirectoryInput {
  name: string
  department_id?: number | null
  phone?: string | null
}

export const listDirectory = (orgId: number, kind: DirectoryKind, q = '', limit = 50) =>
  http.get<{ items: DirectoryEntry[]; next_cursor: string | null }>(`/orgs/${orgId}/${kind}`, { q, limit })
export const createDirectoryEntry = (orgId: number, kind: DirectoryKind, input: DirectoryInput) =>
  http.post<DirectoryEntry>(`/orgs/${orgId}/${kind}`, input)

// ---- money ---------------------------------------------------------------------

// Fen (integer) → "12,345.60" 元.
export function formatYuan(fen: number | null | undefined): string {
  if (fen === null || fen === undefined) return '—'
  const sign = fen < 0 ? '-' : ''
  const abs = Math.abs(fen)
  const yuan = Math.floor(abs / 100)
  const cents = String(abs % 100).padStart(2, '0')
  return `${sign}${yuan.toLocaleString('en-US')}.${cents}`
}

// Fen → 万元 as a number with two decimals (charts).
export const fenToWan = (fen: number): number => Math.round(fen / 10_000) / 100

// "1234.5" 元 typed by a user → fen; null when empty, NaN when not a number.
export function yuanToFen(text: string | number | null | undefined): number | null {
  if (text === null || text === undefined) return null
  const s = String(text).trim().replace(/,/g, '')
  if (!s) return null
  if (!/^-?\d+(\.\d{1,2})?$/.test(s)) return Number.NaN
  const [int, frac = ''] = s.replace('-', '').split('.')
  const fen = Number(int) * 100 + Number(frac.padEnd(2, '0'))
  return s.startsWith('-') ? -fen : fen
}
