// Importing a unit's asset ledger (导入台账) and following the job
// (/tmp/asset-io-contract.md): upload the raw file → 202 {job_id} → poll
// GET /jobs/{id} → per-row error report as XLSX / CSV.
import { API_BASE, http } from './request'

export type ImportFormat = 'xlsx' | 'csv'
export type JobState = 'queued' | 'running' | 'succeeded' | 'failed'

export interface ImportResult {
  imported: number
  rows: number
  error_count: number
  dry_run: boolean
  added: { departments: string[]; staff: string[]; locations: string[] }
}

export interface Job {
  id: string
  kind: string
  state: JobState
  total: number
  done: number
  message: string
  result: ImportResult | null
  report: { xlsx: string; csv: string } | null
}

// One line of the error report (行号, 列, 值, 错误代码, 错误说明, Error).
export interface ReportRow {
  row: number
  column: string
  value: string
  code: string
  message_zh: string
  message_en: string
}

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

export const templateUrl = (format: ImportFormat) => `${API_BASE}/imports/assets/template?format=${format}`

// The file's Content-Type as the contract wants it, from its name.
export function importContentType(fileName: string): string | null {
  const lower = fileName.toLowerCase()
  if (lower.endsWith('.xlsx')) return XLSX_TYPE
  if (lower.endsWith('.csv')) return 'text/csv'
  return null
}

export function startImport(orgId: number, file: File, dryRun: boolean) {
  const type = importContentType(file.name) ?? 'application/octet-stream'
  return http.post<{ job_id: string }>('/imports/assets', undefined, {
    query: { org_id: orgId, dry_run: dryRun },
    upload: new Blob([file], { type }),
    headers: { 'X-Filename': encodeURIComponent(file.name) },
  })
}

export const fetchJob = (id: string) => http.get<Job>(`/jobs/${encodeURIComponent(id)}`)

// The report paths of the job are API paths ("/api/v1/jobs/…"); request()
// wants them relative to /api/v1.
const apiRelative = (p: string) => (p.startsWith(API_BASE) ? p.slice(API_BASE.length) : p)

export async function fetchReportRows(job: Job): Promise<ReportRow[]> {
  if (!job.report) return []
  const text = await http.get<string>(apiRelative(job.report.csv), undefined, { responseType: 'text' })
  return parseReportCsv(text)
}

// RFC 4180 CSV → rows of cells (quoted fields, doubled quotes, CRLF or LF,
// a leading UTF-8 BOM dropped).
export function parseCsv(text: string): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let cell = ''
  let quoted = false
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0
  for (; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          cell += '"'
          i++
        } else quoted = false
      } else cell += c
    } else if (c === '"') quoted = true
    else if (c === ',') {
      row.push(cell)
      cell = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(cell)
      rows.push(row)
      row = []
      cell = ''
    } else cell += c
  }
  if (cell !== '' || row.length) {
    row.push(cell)
    rows.push(row)
  }
  return rows
}

// The report's columns are found by header (zh or en), not by position.
function parseReportCsv(text: string): ReportRow[] {
  const [header, ...lines] = parseCsv(text)
  if (!header) return []
  const norm = header.map((h) => h.trim().toLowerCase())
  const col = (...names: string[]) => norm.findIndex((h) => names.includes(h))
  const iRow = col('行号', 'row')
  const iCol = col('列', 'column')
  const iVal = col('值', 'value')
  const iCode = col('错误代码', 'code')
  const iZh = col('错误说明', 'message')
  const iEn = col('error', 'message_en')
  const at = (cells: string[], i: number) => (i >= 0 ? cells[i] ?? '' : '')
  return lines
    .filter((cells) => cells.some((c) => c.trim() !== ''))
    .map((cells) => ({
      row: Number(at(cells, iRow)) || 0,
      column: at(cells, iCol),
      value: at(cells, iVal),
      code: at(cells, iCode),
      message_zh: at(cells, iZh),
      message_en: at(cells, iEn),
    }))
}
