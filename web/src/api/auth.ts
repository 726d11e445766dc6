// Sign-in, the current user (/me), password and TOTP of the signed-in user.
import { http } from './request'

export type Permission =
  | 'org.read' | 'org.write' | 'user.read' | 'user.write' | 'audit.read'
  | 'asset.read' | 'asset.write' | 'assess.read' | 'assess.admin' | 'assess.submit' | 'assess.review' | 'assess.expert'

export type RoleScope = 'unit' | 'subtree' | 'all'

export interface RoleAssignment {
  role: string
  scope_org_id: number | null
  scope_org_name: string | null
  scope: RoleScope
}

export interface OrgRef {
  id: number
  code: string
  name: string
  level?: string
}

export interface Me {
  id: number
  username: string
  display_name: string
  org: OrgRef
  roles: RoleAssignment[]
  permissions: string[]
  totp_enabled: boolean
  totp_enrolment_required: boolean
  must_change_password: boolean
  csrf_token: string
}

export interface LoginRequest {
  username: string
  password: string
  totp?: string
}

export interface LoginResponse {
  csrf_token: string
  user: Me
}

export interface TotpSetup {
  secret: string
  otpauth_uri: string
}

// Login errors (invalid credentials, TOTP step, locked) are shown by the form.
export const login = (body: LoginRequest) => http.post<LoginResponse>('/auth/login', body, { silent: true })
export const logout = () => http.post('/auth/logout', undefined, { silent: true })
export const fetchMe = (silent = false) => http.get<Me>('/me', undefined, { silent })
export const changePassword = (current_password: string, new_password: string) =>
  http.post('/me/password', { current_password, new_password })
export const setupTotp = () => http.post<TotpSetup>('/me/totp/setup')
export const confirmTotp = (code: string) => http.post('/me/totp/confirm', { code })
export const disableTotp = (code: string) => http.post('/me/totp/disable', { code })
