// Display helpers. Times come from the API as UTC (RFC 3339) and are shown in
// Asia/Shanghai whatever the browser's own time zone is.
const TZ = 'Asia/Shanghai'

const dateTimeFmt = new Intl.DateTimeFormat('sv-SE', {
  timeZone: TZ,
  year: 'numeric', month: '2-digit', day: '2-digit',
  hour: '2-digit', minute: '2-digit', second: '2-digit',
  hour12: false,
})

// "2026-11-22 14:35:00" in Shanghai time, or "—" when empty.
export function formatDateTime(value: string | null | undefined): string {
  if (!value) return '—'
  const d = new Date(value)
  if (Number.isNaN(d.getTime())) return value
  return dateTimeFmt.format(d)
}

// "2026-11-22 14:35:00" typed in Shanghai time → RFC 3339 UTC.
export function shanghaiToUtc(value: string): string {
  return new Date(value.replace(' ', 'T') + '+08:00').toISOString()
}

export function display(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—'
  if (typeof value === 'object') return JSON.stringify(value)
  return String(value)
}
