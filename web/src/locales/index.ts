// vue-i18n set-up. Messages live in one JSON file per module under
// locales/<locale>/<module>.json and are addressed as `<module>.<key>`.
// zh-CN is the default; the choice is kept in localStorage.
import { computed } from 'vue'
import { createI18n } from 'vue-i18n'
import elZhCn from 'element-plus/es/locale/lang/zh-cn'
import elEn from 'element-plus/es/locale/lang/en'

export type AppLocale = 'zh-CN' | 'en'
export const LOCALES: AppLocale[] = ['zh-CN', 'en']
const STORAGE_KEY = 'minsheng.locale'

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of any shape
type Messages = Record<string, any>

function collect(files: Record<string, { default: Messages }>): Messages {
  const out: Messages = {}
  for (const [path, mod] of Object.entries(files)) {
    const name = path.split('/').pop()!.replace(/\.json$/, '')
    out[name] = mod.default
  }
  return out
}

const messages = {
  'zh-CN': collect(import.meta.glob('./zh-CN/*.json', { eager: true })),
  en: collect(import.meta.glob('./en/*.json', { eager: true })),
}

function initialLocale(): AppLocale {
  const saved = localStorage.getItem(STORAGE_KEY)
  return saved === 'en' || saved === 'zh-CN' ? saved : 'zh-CN'
}

export const i18n = createI18n({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages,
  missingWarn: import.meta.env.DEV,
  fallbackWarn: false,
})

export function currentLocale(): AppLocale {
  return i18n.global.locale.value as AppLocale
}

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale
  localStorage.setItem(STORAGE_KEY, locale)
  document.documentElement.lang = locale
}

export const elementLocale = computed(() => (i18n.global.locale.value === 'en' ? elEn : elZhCn))

document.documentElement.lang = initialLocale()

// Plain translation helpers for code outside components (stores, utils, hooks).
// Typed loosely on purpose: the message schema is JSON, checked by check-locales.
const g = i18n.global as unknown as {
  t: (key: string, params?: Record<string, unknown>) => string
  te: (key: string) => boolean
}
export const translate = (key: string, params?: Record<string, unknown>): string => (params ? g.t(key, params) : g.t(key))
export const hasMessage = (key: string): boolean => g.te(key)
