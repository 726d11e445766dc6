// Personal API tokens (Authorization: Bearer) of the signed-in user.
import { http } from './request'

export interface ApiToken {
  id: number
  name: string
  prefix: string
  created_at: string
  last_used_at: string | null
  expires_at: string | null
}

export interface CreatedToken {
  id: number
  name: string
  prefix: string
  token: string
}

export const listTokens = () => http.get<{ items: ApiToken[] }>('/tokens')
export const createToken = (name: string, expires_days?: number | null) =>
  http.post<CreatedToken>('/tokens', expires_days ? { name, expires_days } : { name })
export const revokeToken = (id: number) => http.del(`/tokens/${id}`)
