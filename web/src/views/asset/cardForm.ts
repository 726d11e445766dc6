// The card form's model (what the inputs hold: text for money and
// coordinates) and its conversion to the API's CardInput (fen, numbers,
// nulls). The server validates; these only shape the request.
import {
  EXT_FIELDS, yuanToFen,
  type Card, type CardExt, type CardGroup, type CardInput, type DepreciationMethod, type ExtKey,
} from '@/api/assets'

export interface CardFormModel {
  name: string
  category_code: string
  subject_code: string
  acquisition_method: string
  funding_source: string
  acquired_on: string
  booked_on: string
  original_value: string // 元, as typed
  quantity: number
  unit_of_measure: string
  usage_direction: string
  department_id: number | null
  custodian_id: number | null
  manager_id: number | null
  location_id: number | null
  latitude: string
  longitude: string
  model: string
  spec: string
  brand: string
  serial_no: string
  depreciation_method: DepreciationMethod
  life_months: number | null
  certificate_no: string
  project_ref: string
  value_status: 'settled' | 'provisional'
  ext: Record<ExtKey, string>
}

// Every field a server error may name, so useServerErrors places it.
export const CARD_FIELDS = [
  'org_id', 'name', 'category_code', 'subject_code', 'acquisition_method', 'funding_source', 'acquired_on', 'booked_on',
  'original_value', 'quantity', 'unit_of_measure', 'usage_direction', 'department_id', 'custodian_id', 'manager_id',
  'location_id', 'latitude', 'longitude', 'model', 'spec', 'brand', 'serial_no', 'depreciation_method', 'life_months',
  'certificate_no', 'project_ref', 'value_status', 'state', 'version', 'ext',
  'ext.area_m2', 'ext.structure', 'ext.certificate', 'ext.plate', 'ext.vin', 'ext.engine_no', 'ext.displacement_l',
  'ext.land_class',
] as const
export type CardField = (typeof CARD_FIELDS)[number]

const EXT_KEYS: ExtKey[] = ['area_m2', 'structure', 'certificate', 'plate', 'vin', 'engine_no', 'displacement_l', 'land_class']
const NUMERIC_EXT = new Set<ExtKey>(['area_m2', 'displacement_l'])

const emptyExt = (): Record<ExtKey, string> =>
  Object.fromEntries(EXT_KEYS.map((k) => [k, ''])) as Record<ExtKey, string>

export function emptyCardForm(): CardFormModel {
  return {
    name: '', category_code: '', subject_code: '', acquisition_method: '购置', funding_source: '财政拨款',
    acquired_on: '', booked_on: '', original_value: '', quantity: 1, unit_of_measure: '',
    usage_direction: '', department_id: null, custodian_id: null, manager_id: null, location_id: null,
    latitude: '', longitude: '', model: '', spec: '', brand: '', serial_no: '',
    depreciation_method: 'straight_line', life_months: null, certificate_no: '', project_ref: '',
    value_status: 'settled', ext: emptyExt(),
  }
}

const fenToYuanText = (fen: number) => (fen / 100).toFixed(2)
const numText = (n: number | null | undefined) => (n === null || n === undefined ? '' : String(n))

export function cardFormFrom(c: Card): CardFormModel {
  const ext = emptyExt()
  for (const k of EXT_KEYS) ext[k] = numText(c.ext?.[k] as number | undefined) || ((c.ext?.[k] as string | undefined) ?? '')
  return {
    name: c.name, category_code: c.category_code, subject_code: c.subject_code,
    acquisition_method: c.acquisition_method, funding_source: c.funding_source,
    acquired_on: c.acquired_on, booked_on: c.booked_on, original_value: fenToYuanText(c.original_value),
    quantity: c.quantity, unit_of_measure: c.unit_of_measure, usage_direction: c.usage_direction ?? '',
    department_id: c.department_id, custodian_id: c.custodian_id, manager_id: c.manager_id, location_id: c.location_id,
    latitude: numText(c.latitude), longitude: numText(c.longitude),
    model: c.model ?? '', spec: c.spec ?? '', brand: c.brand ?? '', serial_no: c.serial_no ?? '',
    depreciation_method: c.depreciation_method, life_months: c.life_months,
    certificate_no: c.certificate_no ?? '', project_ref: c.project_ref ?? '', value_status: c.value_status, ext,
  }
}

const text = (s: string) => s.trim()
const orNull = (s: string) => (s.trim() ? s.trim() : null)
// A number typed in a text input; NaN passes through so the server names the field.
const num = (s: string): number | null => (s.trim() ? Number(s.trim()) : null)

function extOf(f: CardFormModel, group: CardGroup | null): CardExt | null {
  const allowed = group ? EXT_FIELDS[group] : []
  const out: Record<string, string | number> = {}
  for (const k of allowed) {
    const v = f.ext[k].trim()
    if (!v) continue
    out[k] = NUMERIC_EXT.has(k) ? Number(v) : v
  }
  return Object.keys(out).length ? (out as CardExt) : null
}

// The whole card as an input (POST /assets). Empty optional fields are left out.
export function cardInputFrom(f: CardFormModel, group: CardGroup | null): CardInput {
  const fen = yuanToFen(f.original_value)
  const input: CardInput = {
    name: text(f.name),
    category_code: text(f.category_code),
    subject_code: text(f.subject_code),
    acquisition_method: f.acquisition_method,
    funding_source: f.funding_source,
    acquired_on: f.acquired_on,
    booked_on: f.booked_on || undefined,
    original_value: fen === null ? undefined : fen,
    quantity: f.quantity,
    unit_of_measure: text(f.unit_of_measure),
    depreciation_method: f.depreciation_method,
    life_months: f.life_months ?? undefined,
    value_status: f.value_status,
  }
  const optional = { usage_direction: f.usage_direction, model: f.model, spec: f.spec, brand: f.brand,
    serial_no: f.serial_no, certificate_no: f.certificate_no, project_ref: f.project_ref }
  for (const [k, v] of Object.entries(optional)) if (v.trim()) (input as Record<string, unknown>)[k] = v.trim()
  for (const k of ['department_id', 'custodian_id', 'manager_id'] as const) if (f[k] != null) input[k] = f[k]
  if (f.location_id != null) input.location_id = f.location_id
  const lat = num(f.latitude)
  const lon = num(f.longitude)
  if (lat !== null) input.latitude = lat
  if (lon !== null) input.longitude = lon
  const ext = extOf(f, group)
  if (ext) input.ext = ext
  return input
}

// The fields of a PATCH: what differs from the card (nulls clear a field).
// Custodian, department, manager and location change only by 交接 / relocation.
export function cardPatchFrom(f: CardFormModel, c: Card, group: CardGroup | null): CardInput {
  const patch: Record<string, unknown> = {}
  const set = (k: string, v: unknown, old: unknown) => {
    if (JSON.stringify(v ?? null) !== JSON.stringify(old ?? null)) patch[k] = v
  }
  set('name', text(f.name), c.name)
  set('category_code', text(f.category_code), c.category_code)
  set('subject_code', text(f.subject_code), c.subject_code)
  set('acquisition_method', f.acquisition_method, c.acquisition_method)
  set('funding_source', f.funding_source, c.funding_source)
  set('acquired_on', f.acquired_on, c.acquired_on)
  set('booked_on', f.booked_on, c.booked_on)
  const fen = yuanToFen(f.original_value)
  set('original_value', fen, c.original_value)
  set('quantity', f.quantity, c.quantity)
  set('unit_of_measure', text(f.unit_of_measure), c.unit_of_measure)
  set('usage_direction', orNull(f.usage_direction), c.usage_direction)
  for (const k of ['model', 'spec', 'brand', 'serial_no', 'certificate_no', 'project_ref'] as const) set(k, orNull(f[k]), c[k])
  set('latitude', num(f.latitude), c.latitude)
  set('longitude', num(f.longitude), c.longitude)
  set('depreciation_method', f.depreciation_method, c.depreciation_method)
  set('life_months', f.life_months, c.life_months)
  set('value_status', f.value_status, c.value_status)
  const ext = extOf(f, group)
  const oldExt = c.ext && Object.keys(c.ext).length ? c.ext : null
  set('ext', ext, oldExt)
  return patch as CardInput
}
