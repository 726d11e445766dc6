// Display names of roles and permissions, through i18n.
import { hasMessage, translate } from '@/locales'
import type { RoleAssignment } from '@/api/auth'

export function roleName(role: string): string {
  const key = `common.roles.${role}`
  return hasMessage(key) ? translate(key) : role
}

export function permissionName(p: string): string {
  const key = `common.permissions.${p.replace('.', '_')}`
  return hasMessage(key) ? translate(key) : p
}

// "单位资产管理员（示范县第一中学）" / "Unit asset clerk (No. 1 Middle School)"
export function assignmentLabel(r: RoleAssignment): string {
  const where = r.scope === 'all' ? translate('common.scope.all') : r.scope_org_name ?? ''
  return where ? translate('common.roleAt', { role: roleName(r.role), org: where }) : roleName(r.role)
}
