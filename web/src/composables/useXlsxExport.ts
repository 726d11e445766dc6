// Exports the rows a table currently shows as .xlsx through
// POST /api/v1/export/xlsx: the column labels are those of the current
// locale, the values what the table shows (numbers stay numbers), so the file
// matches the screen. The server limits: 100 columns, 200,000 rows.
import { ref } from 'vue'
import { API_BASE, ApiError, notifyError, type Problem } from '../api/request'
import { currentLocale } from '../locales'
import { useAuthStore } from '../stores/auth'

export type XlsxColumnType = 'text' | 'number' | 'integer' | 'date' | 'percent'

export interface XlsxColumn<T> {
  key: string
  label: string
  type?: XlsxColumnType
  // The shown value; default: row[key].
  value?: (row: T) => unknown
}

export interface XlsxTable<T> {
  fileName: string
  sheet?: string
  title?: string
  columns: XlsxColumn<T>[]
  rows: readonly T[]
}

type Cell = string | number | boolean | null

function cell(v: unknown): Cell {
  if (v === undefined || v === null) return null
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string' || typeof v === 'boolean') return v
  return String(v)
}

// Excel's sheet names: ≤ 31 characters, none of []:*?/\ and no quote at either end.
function sheetName(s: string): string {
  const clean = s.replace(/[[\]:*?/\\]/g, ' ').replace(/^'+|'+$/g, '').trim()
  return Array.from(clean).slice(0, 31).join('') || 'Sheet1'
}

function fileName(s: string): string {
  const clean = s.replace(/[/\\:*?"<>|]/g, '-').trim()
  return Array.from(clean || 'export').slice(0, 190).join('')
}

function today(): string {
  const d = new Date()
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}${p(d.getMonth() + 1)}${p(d.getDate())}`
}

export function useXlsxExport() {
  const exporting = ref(false)
  const auth = useAuthStore()

  async function exportXlsx<T>(table: XlsxTable<T>): Promise<void> {
    const columns = table.columns
    const body = {
      file_name: `${fileName(table.fileName)}-${today()}.xlsx`,
      sheet: sheetName(table.sheet ?? table.fileName),
      ...(table.title ? { title: Array.from(table.title).slice(0, 200).join('') } : {}),
      columns: columns.map((c) => ({ key: c.key, label: c.label, type: c.type ?? 'text' })),
      rows: table.rows.map((r) => {
        const o: Record<string, Cell> = {}
        for (const c of columns) o[c.key] = cell(c.value ? c.value(r) : (r as Record<string, unknown>)[c.key])
        return o
      }),
    }
    exporting.value = true
    try {
      const headers: Record<string, string> = {
        'Content-Type': 'application/json',
        Accept: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, application/problem+json',
        'Accept-Language': currentLocale(),
      }
      if (auth.csrfToken) headers['X-CSRF-Token'] = auth.csrfToken
      let res: Response
      try {
        res = await fetch(`${API_BASE}/export/xlsx`, {
          method: 'POST', headers, body: JSON.stringify(body), credentials: 'same-origin',
        })
      } catch {
        notifyError(new ApiError({ status: 0, code: 'network_error', title: 'Network error' }))
        return
      }
      if (!res.ok) {
        let problem: Problem = { status: res.status, code: `http_${res.status}`, title: `HTTP ${res.status}` }
        try {
          problem = { ...problem, ...((await res.json()) as Partial<Problem>) }
        } catch {
          // not JSON: the status line above
        }
        notifyError(new ApiError(problem))
        return
      }
      const blob = await res.blob()
      const url = URL.createObjectURL(blob)
      const a = document.createElement('a')
      a.href = url
      a.download = body.file_name
      a.rel = 'noopener'
      document.body.appendChild(a)
      a.click()
      a.remove()
      setTimeout(() => URL.revokeObjectURL(url), 10_000)
    } finally {
      exporting.value = false
    }
  }

  return { exporting, exportXlsx }
}
