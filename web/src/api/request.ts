// The console's only HTTP client. Every call to /api/v1 goes through request():
// it sends the session cookie, the current locale (Accept-Language) and, on
// writes, the CSRF token; it turns application/problem+json answers into
// ApiError and shows exactly one error toast per failed request. Field-level
// validation errors are not toasted: they go back to the form (see
// composables/useServerErrors.ts), and whatever the form cannot place is
// toasted there, once.
import { ElMessage } from 'element-plus'

export const API_BASE = '/api/v1'

export interface FieldError {
  field: string
  code: string
  message: string
}

export interface Problem {
  type?: string
  title?: string
  status: number
  code: string
  detail?: string
  request_id?: string
  errors?: FieldError[]
}

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  readonly problem: Problem
  // True once the user has been told about this error (toast or inline).
  notified: boolean

  constructor(problem: Problem, notified = false) {
    super(problem.detail || problem.title || problem.code)
    this.name = 'ApiError'
    this.status = problem.status
    this.code = problem.code
    this.problem = problem
    this.notified = notified
  }

  get fieldErrors(): FieldError[] {
    return this.problem.errors ?? []
  }

  // A validation error the form should show on its fields.
  get isFieldValidation(): boolean {
    return this.code === 'validation_failed' && this.fieldErrors.length > 0
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  query?: Query
  body?: unknown
  // The caller shows the error itself (e.g. the login form): no toast, no redirect.
  silent?: boolean
  // Raw bytes instead of a JSON body (file uploads); the Blob's type is the
  // Content-Type. Extra headers go with it (e.g. X-Filename).
  upload?: Blob
  headers?: Record<string, string>
  // 'text' resolves to the body as a string (CSV reports) instead of JSON.
  responseType?: 'json' | 'text'
}

// Hooks installed once by main.ts, so this module stays free of the router,
// the stores and i18n (no import cycles).
interface RequestHooks {
  locale: () => string
  csrfToken: () => string | null
  // Session missing or expired.
  onUnauthenticated: () => void
  // The server wants a forced step first (password change, TOTP enrolment).
  onForcedStep: (code: string) => void
  // Local message for a stable error code, or null to use the server's.
  messageFor: (code: string) => string | null
  networkError: () => string
}

let hooks: RequestHooks = {
  locale: () => 'zh-CN',
  csrfToken: () => null,
  onUnauthenticated: () => {},
  onForcedStep: () => {},
  messageFor: () => null,
  networkError: () => 'Network error',
}

export function configureRequest(h: Partial<RequestHooks>): void {
  hooks = { ...hooks, ...h }
}

// Tells the user about an error once; a second call does nothing.
export function notifyError(err: ApiError, text?: string): void {
  if (err.notified) return
  err.notified = true
  const message = text ?? hooks.messageFor(err.code) ?? err.problem.title ?? err.message
  ElMessage({ type: 'error', message, grouping: true, showClose: true, duration: 5000 })
}

function buildUrl(path: string, query?: Query): string {
  let url = API_BASE + path
  if (query) {
    const params = new URLSearchParams()
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue
      params.append(k, String(v))
    }
    const qs = params.toString()
    if (qs) url += (url.includes('?') ? '&' : '?') + qs
  }
  return url
}

async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get('content-type') ?? ''
  if (type.includes('json')) {
    try {
      const body = (await res.json()) as Partial<Problem>
      return { ...body, status: body.status ?? res.status, code: body.code ?? `http_${res.status}` }
    } catch {
      // fall through: a broken body is reported like any non-JSON answer
    }
  }
  return { status: res.status, code: `http_${res.status}`, title: `HTTP ${res.status} ${res.statusText}` }
}

const FORCED_STEP_CODES = new Set(['auth.totp_enrolment_required', 'auth.password_change_required'])
const SESSION_CODES = new Set(['unauthenticated', 'session_expired'])

export async function request<T = void>(path: string, opts: RequestOptions = {}): Promise<T> {
  const method = opts.method ?? 'GET'
  const headers: Record<string, string> = {
    Accept: 'application/json, application/problem+json',
    'Accept-Language': hooks.locale(),
  }
  let body: string | Blob | undefined
  if (opts.upload !== undefined) {
    headers['Content-Type'] = opts.upload.type || 'application/octet-stream'
    body = opts.upload
  } else if (opts.body !== undefined) {
    headers['Content-Type'] = 'application/json'
    body = JSON.stringify(opts.body)
  }
  Object.assign(headers, opts.headers)
  if (method !== 'GET') {
    const csrf = hooks.csrfToken()
    if (csrf) headers['X-CSRF-Token'] = csrf
  }

  let res: Response
  try {
    res = await fetch(buildUrl(path, opts.query), { method, headers, body, credentials: 'same-origin' })
  } catch {
    const err = new ApiError({ status: 0, code: 'network_error', title: hooks.networkError() })
    if (!opts.silent) notifyError(err)
    throw err
  }

  if (res.ok) {
    if (res.status === 204) return undefined as T
    const text = await res.text()
    if (opts.responseType === 'text') return text as T
    return (text ? JSON.parse(text) : undefined) as T
  }

  const err = new ApiError(await readProblem(res))
  if (opts.silent) throw err

  if (res.status === 401 && SESSION_CODES.has(err.code)) {
    notifyError(err)
    hooks.onUnauthenticated()
  } else if (res.status === 403 && FORCED_STEP_CODES.has(err.code)) {
    notifyError(err)
    hooks.onForcedStep(err.code)
  } else if (!err.isFieldValidation) {
    notifyError(err)
  }
  throw err
}

export const http = {
  get: <T>(path: string, query?: Query, opts: RequestOptions = {}) => request<T>(path, { ...opts, query }),
  post: <T = void>(path: string, body?: unknown, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, method: 'POST', body }),
  put: <T = void>(path: string, body?: unknown, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, method: 'PUT', body }),
  patch: <T = void>(path: string, body?: unknown, opts: RequestOptions = {}) =>
    request<T>(path, { ...opts, method: 'PATCH', body }),
  del: <T = void>(path: string, opts: RequestOptions = {}) => request<T>(path, { ...opts, method: 'DELETE' }),
}

// Cursor-paginated list answer.
export interface Page<T> {
  items: T[]
  next_cursor: string | null
}
