// Server liveness and build facts (no login needed).
import { http } from './request'

export interface Health {
  status: string
  version: string
  database: 'sqlite' | 'postgresql' | string
}

export const fetchHealth = () => http.get<Health>('/health')
