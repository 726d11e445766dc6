// Puts server-side validation errors (problem.errors[]) on the form fields
// they belong to. A form binds `errors.<field>` to <el-form-item :error>,
// calls clear() before submitting and handle(e) in its catch block. Errors
// for fields the form does not show are toasted once, together.
import { reactive } from 'vue'
import { ApiError, notifyError } from '@/api/request'

export function useServerErrors<F extends string>(fields: readonly F[], aliases: Partial<Record<string, F>> = {}) {
  const errors = reactive(Object.fromEntries(fields.map((f) => [f, '']))) as Record<F, string>

  function clear() {
    for (const f of fields) errors[f] = ''
  }

  // Maps "roles[0].scope_org_id" or "address.city" to a field the form shows.
  function place(field: string): F | null {
    const candidates = [field, field.split(/[.[]/)[0]]
    for (const c of candidates) {
      if ((fields as readonly string[]).includes(c)) return c as F
      const alias = aliases[c]
      if (alias) return alias
    }
    return null
  }

  // Returns true when every error found a field on the form.
  function handle(e: unknown): boolean {
    clear()
    if (!(e instanceof ApiError)) {
      if (!(e instanceof Error)) return false
      throw e
    }
    if (!e.isFieldValidation) return false // already toasted by request()
    const leftovers: string[] = []
    for (const fe of e.fieldErrors) {
      const f = place(fe.field)
      if (f) errors[f] = errors[f] ? `${errors[f]}; ${fe.message}` : fe.message
      else leftovers.push(`${fe.field}: ${fe.message}`)
    }
    if (leftovers.length) notifyError(e, leftovers.join('; '))
    else e.notified = true
    return leftovers.length === 0
  }

  return { errors, clear, handle }
}
