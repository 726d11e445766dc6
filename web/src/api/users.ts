// Users, their roles, passwords, lock and TOTP (user.write: security_admin).
import { http, type Page } from './request'
import type { RoleAssignment, RoleScope } from './auth'

export interface RoleDef {
  role: string
  name_zh: string
  name_en: string
  scope: RoleScope
  separated: boolean
  permissions: string[]
}

export interface User {
  id: number
  username: string
  display_name: string
  org: { id: number; code: string; name: string }
  phone: string | null
  email: string | null
  active: boolean
  locked: boolean
  locked_until: string | null
  totp_enabled: boolean
  must_change_password: boolean
  roles: RoleAssignment[]
  version: number
  created_at: string
  updated_at: string
}

export interface RoleInput {
  role: string
  scope_org_id?: number | null
}

export interface CreateUser {
  username: string
  display_name: string
  org_id: number
  password: string
  phone?: string | null
  email?: string | null
  must_change_password?: boolean
  roles: RoleInput[]
}

export interface UpdateUser {
  version: number
  display_name?: string
  phone?: string | null
  email?: string | null
  active?: boolean
  org_id?: number
}

export interface UserQuery {
  org_id?: number | null
  q?: string
  role?: string
  limit?: number
  cursor?: string | null
}

export const listRoles = () => http.get<{ items: RoleDef[] }>('/roles')
export const listUsers = (q: UserQuery = {}) => http.get<Page<User>>('/users', { ...q })
export const fetchUser = (id: number) => http.get<User>(`/users/${id}`)
export const createUser = (body: CreateUser) => http.post<User>('/users', body)
export const updateUser = (id: number, body: UpdateUser) => http.patch<User>(`/users/${id}`, body)
export const setUserRoles = (id: number, roles: RoleInput[]) => http.put<User>(`/users/${id}/roles`, { roles })
export const resetUserPassword = (id: number, new_password: string, must_change_password: boolean) =>
  http.post(`/users/${id}/password`, { new_password, must_change_password })
export const unlockUser = (id: number) => http.post(`/users/${id}/unlock`)
export const resetUserTotp = (id: number) => http.post(`/users/${id}/totp/reset`)
