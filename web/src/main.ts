import { createApp } from 'vue'
import { createPinia } from 'pinia'
import ElementPlus from 'element-plus'
import 'element-plus/dist/index.css'
import './styles/main.css'

import App from './App.vue'
import { router } from './router'
import { i18n, currentLocale, hasMessage, translate } from './locales'
import { ApiError, configureRequest, notifyError } from './api/request'
import { useAuthStore } from './stores/auth'
import { useOrgStore } from './stores/org'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
app.use(i18n)
app.use(ElementPlus)

configureRequest({
  locale: currentLocale,
  csrfToken: () => useAuthStore(pinia).csrfToken,
  onUnauthenticated: () => {
    useAuthStore(pinia).clear()
    useOrgStore(pinia).reset()
    const here = router.currentRoute.value
    if (here.name !== 'login') router.push({ name: 'login', query: { redirect: here.fullPath } })
  },
  onForcedStep: async (code) => {
    // The server's view of the user changed (e.g. an admin reset their TOTP).
    await useAuthStore(pinia).refresh()
    router.push({ name: code === 'auth.password_change_required' ? 'force-password' : 'force-totp' })
  },
  messageFor: (code) => (hasMessage(`errors.codes.${code}`) ? translate(`errors.codes.${code}`) : null),
  networkError: () => translate('errors.network'),
})

// An API error nobody handled still reaches the user, once.
const reportUnhandled = (e: unknown) => {
  if (e instanceof ApiError) {
    notifyError(e)
    return true
  }
  return false
}
app.config.errorHandler = (e) => {
  if (!reportUnhandled(e)) console.error(e)
}
window.addEventListener('unhandledrejection', (ev) => {
  if (reportUnhandled(ev.reason)) ev.preventDefault()
})

app.use(router)
app.mount('#app')
