// The signed-in user (GET /me) and the CSRF token sent on every write.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import * as authApi from '@/api/auth'
import type { Me } from '@/api/auth'
import { ApiError, notifyError } from '@/api/request'

export const useAuthStore = defineStore('auth', () => {
  const me = ref<Me | null>(null)
  const csrfToken = ref<string | null>(null)
  // True once we asked the server whether a session exists.
  const checked = ref(false)

  const isLoggedIn = computed(() => me.value !== null)
  const permissions = computed(() => new Set(me.value?.permissions ?? []))

  function can(permission: string): boolean {
    return permissions.value.has(permission)
  }

  function setMe(user: Me, csrf?: string) {
    me.value = user
    csrfToken.value = csrf ?? user.csrf_token ?? csrfToken.value
    checked.value = true
  }

  // Loads /me; resolves to null when there is no valid session.
  async function refresh(): Promise<Me | null> {
    try {
      const user = await authApi.fetchMe(true)
      setMe(user)
      return user
    } catch (e) {
      // No session (401) is the normal case before login; anything else
      // (server down, 5xx) is reported, and the user lands on the login page.
      if (e instanceof ApiError && e.status !== 401) notifyError(e)
      clear()
      return null
    } finally {
      checked.value = true
    }
  }

  async function login(req: authApi.LoginRequest): Promise<Me> {
    const res = await authApi.login(req)
    setMe(res.user, res.csrf_token)
    return res.user
  }

  async function logout() {
    try {
      await authApi.logout()
    } catch {
      // The session is gone either way; forget it locally.
    }
    clear()
  }

  function clear() {
    me.value = null
    csrfToken.value = null
  }

  // Where the user must go before anything else, if anywhere.
  const forcedRoute = computed<string | null>(() => {
    if (!me.value) return null
    if (me.value.must_change_password) return 'force-password'
    if (me.value.totp_enrolment_required) return 'force-totp'
    return null
  })

  return { me, csrfToken, checked, isLoggedIn, permissions, can, setMe, refresh, login, logout, clear, forcedRoute }
})
