// Role definitions (GET /roles), fetched once per page load.
import { ref } from 'vue'
import { listRoles, type RoleDef } from '@/api/users'

const roles = ref<RoleDef[]>([])
let pending: Promise<void> | null = null

export function useRoles() {
  if (!pending) {
    pending = listRoles()
      .then((r) => {
        roles.value = r.items ?? []
      })
      .catch(() => {
        pending = null
      })
  }
  const find = (role: string) => roles.value.find((r) => r.role === role)
  return { roles, find }
}
