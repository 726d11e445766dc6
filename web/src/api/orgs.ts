// Organisation tree: region → department → unit.
import { http, type Page } from './request'

export type OrgLevel = 'region' | 'department' | 'unit'
export type RegionLevel = 'province' | 'city' | 'county'
export type OrgKind = 'admin' | 'institution' | 'soe' | 'other'

export const ORG_LEVELS: OrgLevel[] = ['region', 'department', 'unit']
export const REGION_LEVELS: RegionLevel[] = ['province', 'city', 'county']
export const ORG_KINDS: OrgKind[] = ['admin', 'institution', 'soe', 'other']
export const ORG_FIELDS = [
  'finance', 'education', 'health', 'civil_affairs', 'water', 'housing',
  'transport', 'culture_sport', 'agriculture', 'general', 'offices_admin',
] as const

export interface Org {
  id: number
  parent_id: number | null
  code: string
  name: string
  level: OrgLevel
  region_level: RegionLevel | null
  org_kind: OrgKind
  field: string | null
  path: string
  depth: number
  active: boolean
  version: number
  created_at: string
  updated_at: string
}

export interface OrgNode extends Org {
  children: OrgNode[]
}

export interface CreateOrg {
  parent_id: number
  code: string
  name: string
  level: OrgLevel
  region_level?: RegionLevel | null
  org_kind: OrgKind
  field?: string | null
}

export interface UpdateOrg {
  version: number
  name?: string
  org_kind?: OrgKind
  field?: string | null
  active?: boolean
}

export interface OrgMove {
  from_parent_id: number | null
  from_parent_name: string | null
  to_parent_id: number | null
  to_parent_name: string | null
  reason: string | null
  moved_by_name: string
  moved_at: string
}

export interface OrgQuery {
  parent_id?: number | null
  q?: string
  level?: OrgLevel | ''
  limit?: number
  cursor?: string | null
}

export const listOrgs = (q: OrgQuery = {}) => http.get<Page<Org>>('/orgs', { ...q })
export const fetchOrgTree = () => http.get<{ items: OrgNode[] }>('/orgs/tree')
export const fetchOrg = (id: number) => http.get<Org>(`/orgs/${id}`)
export const createOrg = (body: CreateOrg) => http.post<Org>('/orgs', body)
export const updateOrg = (id: number, body: UpdateOrg) => http.patch<Org>(`/orgs/${id}`, body)
export const moveOrg = (id: number, parent_id: number, reason?: string) =>
  http.post<Org>(`/orgs/${id}/move`, reason ? { parent_id, reason } : { parent_id })
export const fetchOrgHistory = (id: number) => http.get<{ items: OrgMove[] }>(`/orgs/${id}/history`)
