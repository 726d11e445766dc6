// Audit trail (auditor only): who did what to which object, before and after.
import { http, type Page } from './request'

export interface AuditEntry {
  id: number
  at: string
  actor_user_id: number | null
  actor_name: string | null
  action: string
  object_type: string
  object_id: string | number | null
  org_id: number | null
  before: Record<string, unknown> | null
  after: Record<string, unknown> | null
  request_id: string | null
  source_addr: string | null
}

export interface AuditQuery {
  actor_id?: number | null
  action?: string
  object_type?: string
  object_id?: string
  from?: string
  to?: string
  limit?: number
  cursor?: string | null
}

export const listAudit = (q: AuditQuery = {}) => http.get<Page<AuditEntry>>('/audit', { ...q })
