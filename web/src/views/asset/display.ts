// Display helpers shared by the asset pages: field labels, states, the
// Chinese vocabularies the API stores (取得方式, 经费来源, 建筑结构) shown in the
// current locale, and the values of a history event.
import { hasMessage, translate } from '@/locales'
import { formatYuan, type AssetState, type CardEvent } from '@/api/assets'
import { display } from '@/utils/format'

export function fieldLabel(field: string): string {
  const key = `asset.fields.${field.replace('.', '_')}`
  return hasMessage(key) ? translate(key) : field
}

export function stateName(state: string | null | undefined): string {
  if (!state) return '—'
  const key = `asset.states.${state}`
  return hasMessage(key) ? translate(key) : state
}

type TagType = 'success' | 'info' | 'warning' | 'danger' | 'primary'
const STATE_TAGS: Partial<Record<AssetState, TagType>> = {
  in_use: 'success',
  idle: 'warning',
  under_repair: 'warning',
  pending_disposal: 'danger',
  disposed: 'info',
  leased: 'primary',
  lent: 'primary',
  in_pool: 'info',
  under_construction: 'info',
}
export const stateTag = (state: string): TagType => STATE_TAGS[state as AssetState] ?? 'info'

// The API's Chinese vocabulary values → message keys.
const VOCAB: Record<string, string> = {
  购置: 'purchase',
  '调剂/调拨': 'transfer',
  建设: 'construction',
  租用: 'rent',
  捐赠: 'donation',
  置换: 'exchange',
  其他: 'other',
  财政拨款: 'fiscal',
  非财政: 'nonFiscal',
  钢结构: 'steel',
  钢筋混凝土: 'concrete',
  砖混: 'brickConcrete',
  砖木: 'brickWood',
  简易: 'simple',
}
export function vocab(value: string | null | undefined): string {
  if (!value) return '—'
  const key = VOCAB[value] ? `asset.vocab.${VOCAB[value]}` : ''
  return key && hasMessage(key) ? translate(key) : value
}

export function eventName(event: string): string {
  const key = `asset.events.${event}`
  return hasMessage(key) ? translate(key) : event
}

// "72 个月（6 年）"
export function lifeText(months: number | null | undefined): string {
  if (months === null || months === undefined) return '—'
  if (months === 0) return translate('asset.lifeNone')
  return months % 12 === 0
    ? translate('asset.lifeYears', { months, years: months / 12 })
    : translate('asset.lifeMonths', { months })
}

// Keys of an event's before/after worth showing (ids have a *_name twin;
// the state is shown from the event's own state_before → state_after).
const HIDDEN_KEYS = new Set([
  'state', 'department_id', 'custodian_id', 'manager_id', 'location_id', 'org_id', 'org_code', 'state_zh',
  'original_value_yuan', 'version', 'updated_at', 'created_at', 'number',
])

export interface ChangeLine {
  field: string
  label: string
  before: string
  after: string
}

function valueText(field: string, v: unknown): string {
  if (v === null || v === undefined || v === '') return '—'
  if (field === 'original_value' && typeof v === 'number') return `${formatYuan(v)} ${translate('asset.yuan')}`
  if (field === 'state') return stateName(String(v))
  if (field === 'acquisition_method' || field === 'funding_source') return vocab(String(v))
  if (field === 'life_months' && typeof v === 'number') return lifeText(v)
  if (field === 'value_status') return hasMessage(`asset.valueStatus.${v}`) ? translate(`asset.valueStatus.${v}`) : String(v)
  if (field === 'depreciation_method') return hasMessage(`asset.depreciationMethods.${v}`) ? translate(`asset.depreciationMethods.${v}`) : String(v)
  return display(v)
}

// The before → after lines of an event. A register event has only "after",
// which is the whole card: it is summarised by the caller, not listed.
export function changeLines(e: CardEvent): ChangeLine[] {
  if (e.event === 'register') return []
  const before = e.before ?? {}
  const after = e.after ?? {}
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => !HIDDEN_KEYS.has(k))
  const lines: ChangeLine[] = []
  for (const k of keys) {
    if (k === 'ext') {
      const b = (before.ext ?? {}) as Record<string, unknown>
      const a = (after.ext ?? {}) as Record<string, unknown>
      for (const ek of new Set([...Object.keys(b), ...Object.keys(a)])) {
        if (JSON.stringify(b[ek]) === JSON.stringify(a[ek])) continue
        lines.push({ field: `ext.${ek}`, label: fieldLabel(`ext.${ek}`), before: valueText(ek, b[ek]), after: valueText(ek, a[ek]) })
      }
      continue
    }
    lines.push({ field: k, label: fieldLabel(k), before: valueText(k, before[k]), after: valueText(k, after[k]) })
  }
  return lines
}
