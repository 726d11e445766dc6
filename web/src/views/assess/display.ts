// Display helpers shared by the assessment pages: scores with two decimals,
// grades (优良中差) and colours (红黄蓝) as tags, names in the current locale,
// levels (一级/二级/三级), periods, and the weight checks of a template tree.
import { currentLocale, hasMessage, translate } from '@/locales'
import './assess.css'
import type { Colour, Grade, TemplateNode } from '@/api/assess'

type TagType = 'success' | 'info' | 'warning' | 'danger' | 'primary'

// Scores are kept at full precision and shown with two decimals.
export function score(v: number | null | undefined, digits = 2): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return v.toFixed(digits)
}

// An input value (metric, manual): integers as they are, others with two
// decimals (the exact value goes into a title attribute).
export function num(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '—'
  return Number.isInteger(v) ? String(v) : v.toFixed(2)
}

// "▲ 2.35" / "▼ 1.20" / "—"; up is good.
export function changeText(v: number | null | undefined): string {
  if (v === null || v === undefined) return '—'
  if (Math.abs(v) < 0.005) return '0.00'
  return `${v > 0 ? '▲' : '▼'} ${Math.abs(v).toFixed(2)}`
}
export const changeClass = (v: number | null | undefined) =>
  v === null || v === undefined || Math.abs(v) < 0.005 ? 'flat' : v > 0 ? 'up' : 'down'

// A share 0..1 as "87.5%".
export const percent = (share: number | null | undefined, digits = 1) =>
  share === null || share === undefined ? '—' : `${(share * 100).toFixed(digits)}%`

export function gradeName(g: Grade | string | null | undefined): string {
  if (!g) return '—'
  const key = `assess.grades.${g}`
  return hasMessage(key) ? translate(key) : String(g)
}
const GRADE_TAGS: Record<string, TagType> = { excellent: 'success', good: 'primary', fair: 'warning', poor: 'danger' }
export const gradeTag = (g: string | null | undefined): TagType => GRADE_TAGS[g ?? ''] ?? 'info'

export function colourName(c: Colour | string | null | undefined): string {
  if (!c) return '—'
  const key = `assess.colours.${c}`
  return hasMessage(key) ? translate(key) : String(c)
}
// The Jiangsu red / yellow / blue.
export const COLOUR_HEX: Record<Colour, string> = { red: '#d9363e', yellow: '#e6a23c', blue: '#2f6fd6' }

export function statusName(kind: string, s: string | null | undefined): string {
  if (!s) return '—'
  const key = `assess.status.${kind}.${s}`
  return hasMessage(key) ? translate(key) : s
}
const STATUS_TAGS: Record<string, TagType> = {
  draft: 'info', published: 'success', open: 'primary', review: 'warning', final: 'success',
  submitted: 'warning', accepted: 'success', rejected: 'danger', verified: 'success', missing: 'info',
  done: 'success', cancelled: 'info',
}
export const statusTag = (s: string | null | undefined): TagType => STATUS_TAGS[s ?? ''] ?? 'info'

export function levelName(level: number): string {
  const key = `assess.levels.l${level}`
  return hasMessage(key) ? translate(key) : String(level)
}

export function methodName(m: string | null | undefined): string {
  if (!m) return '—'
  const key = `assess.methods.${m}`
  return hasMessage(key) ? translate(key) : m
}

// Ranking groups come as "<object class>:<field>" ("unit:education") or a field.
export function groupName(group: string | null | undefined): string {
  if (!group) return '—'
  const g = group.includes(':') ? group.slice(group.lastIndexOf(':') + 1) : group
  const key = `orgs.field.${g}`
  if (hasMessage(key)) return translate(key)
  return g === 'all' || g === 'none' || g === '' ? translate('assess.groupAll') : g
}

// name_zh / name_en of anything bilingual, in the current locale.
export function localName(o: { name_zh?: string; name_en?: string } | null | undefined): string {
  if (!o) return '—'
  const zh = o.name_zh ?? ''
  const en = o.name_en ?? ''
  return currentLocale() === 'en' ? en || zh : zh || en
}

// ---- periods -------------------------------------------------------------------

export type PeriodKind = 'month' | 'quarter' | 'year'

export function periodKind(p: string): PeriodKind {
  if (/^\d{4}-\d{2}$/.test(p)) return 'month'
  if (/^\d{4}Q[1-4]$/.test(p)) return 'quarter'
  return 'year'
}

// "2026-11" → "2026年11月" / "Nov 2026"; "2026Q3" → "2026年第3季度" / "2026 Q3".
export function periodLabel(p: string | null | undefined): string {
  if (!p) return '—'
  const kind = periodKind(p)
  const year = p.slice(0, 4)
  if (kind === 'month') return translate('assess.periodFmt.month', { year, month: Number(p.slice(5, 7)) })
  if (kind === 'quarter') return translate('assess.periodFmt.quarter', { year, quarter: p.slice(5) })
  return translate('assess.periodFmt.year', { year })
}

// The period before p of the same kind (2026Q1 → 2025Q4).
export function previousPeriod(p: string): string {
  const kind = periodKind(p)
  const year = Number(p.slice(0, 4))
  if (kind === 'month') {
    const m = Number(p.slice(5, 7))
    return m === 1 ? `${year - 1}-12` : `${year}-${String(m - 1).padStart(2, '0')}`
  }
  if (kind === 'quarter') {
    const q = Number(p.slice(5))
    return q === 1 ? `${year - 1}Q4` : `${year}Q${q - 1}`
  }
  return String(year - 1)
}

// ---- template trees -------------------------------------------------------------

export const POINTS_TOLERANCE = 1e-6

export const sumPoints = (nodes: TemplateNode[] | undefined) => (nodes ?? []).reduce((s, n) => s + (Number(n.points) || 0), 0)

// The weight problem of an inner node (its children do not add up to it), or ''.
export function nodeSumProblem(n: TemplateNode): string {
  if (!n.children?.length) return ''
  const sum = sumPoints(n.children)
  if (Math.abs(sum - (Number(n.points) || 0)) <= POINTS_TOLERANCE) return ''
  return translate('assess.tree.sumMismatch', { sum: trimNum(sum), points: trimNum(Number(n.points) || 0) })
}

// The first levels' problem: roots must add up to the template's total.
export function rootSumProblem(nodes: TemplateNode[], total: number): string {
  const sum = sumPoints(nodes)
  if (Math.abs(sum - total) <= POINTS_TOLERANCE) return ''
  return translate('assess.tree.rootMismatch', { sum: trimNum(sum), total: trimNum(total) })
}

// 6 → "6", 2.5 → "2.5", 1/3 → "0.333333".
export const trimNum = (v: number) => String(Math.round(v * 1e6) / 1e6)

// Visits every node with its level (1..3) and parent.
export function walkTree(
  nodes: TemplateNode[],
  fn: (n: TemplateNode, level: number, parent: TemplateNode | null) => void,
  level = 1,
  parent: TemplateNode | null = null,
) {
  for (const n of nodes) {
    fn(n, level, parent)
    if (n.children?.length) walkTree(n.children, fn, level + 1, n)
  }
}

// Node codes → the node's name, for explain trees and weak points.
export function nodeNames(nodes: TemplateNode[]): Map<string, TemplateNode> {
  const map = new Map<string, TemplateNode>()
  walkTree(nodes, (n) => map.set(n.code, n))
  return map
}

// A download through the browser (GET, the session cookie goes along).
export function download(url: string) {
  const a = document.createElement('a')
  a.href = url
  a.download = ''
  a.rel = 'noopener'
  document.body.appendChild(a)
  a.click()
  a.remove()
}

// "比率 ≥ 95" / "Ratio ≥ 95", "线性 60 → 100", "阶梯 3 档", "每次扣 1 分" …
export function methodSummary(m: { method?: string; direction?: string; target?: number; floor?: number; steps?: unknown[]; per_occurrence?: number } | null | undefined): string {
  if (!m?.method) return '—'
  const name = methodName(m.method)
  switch (m.method) {
    case 'ratio':
      return `${name} ${m.direction ?? '>='} ${m.target ?? ''}`.trim()
    case 'linear':
      return `${name} ${m.floor ?? 0} → ${m.target ?? ''}`
    case 'steps':
      return translate('assess.methodFmt.steps', { name, n: m.steps?.length ?? 0 })
    case 'deduction':
      return translate('assess.methodFmt.deduction', { name, per: m.per_occurrence ?? 0 })
    default:
      return name
  }
}
