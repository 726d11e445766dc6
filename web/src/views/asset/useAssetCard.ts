// Loads one card (at a date), its history and its category (for the card
// group), for the desktop and the mobile card pages.
import { ref, watch, type Ref } from 'vue'
import { ApiError } from '@/api/request'
import {
  fetchAsset, fetchAssetHistory, fetchCategory, type CardDetail, type CardEvent, type CardGroup,
} from '@/api/assets'

export function todayInShanghai(): string {
  return new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)
}

export function useAssetCard(number: Ref<string>) {
  const card = ref<CardDetail | null>(null)
  const events = ref<CardEvent[]>([])
  const group = ref<CardGroup | null>(null)
  const at = ref(todayInShanghai())
  const loading = ref(false)
  const historyLoading = ref(false)
  const notFound = ref(false)

  async function loadHistory() {
    historyLoading.value = true
    try {
      events.value = (await fetchAssetHistory(number.value)).items ?? []
    } finally {
      historyLoading.value = false
    }
  }

  async function loadGroup(code: string) {
    try {
      group.value = (await fetchCategory(code)).card_group
    } catch {
      group.value = null
    }
  }

  async function load() {
    if (!number.value) return
    loading.value = true
    notFound.value = false
    try {
      const c = await fetchAsset(number.value, at.value)
      const categoryChanged = c.category_code !== card.value?.category_code
      card.value = c
      if (categoryChanged) loadGroup(c.category_code)
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) {
        notFound.value = true
        card.value = null
        return
      }
      throw e
    } finally {
      loading.value = false
    }
    await loadHistory()
  }

  // After an action the server returns the fresh card (valued today): keep
  // the chosen date by reloading when it is another day.
  async function replace(c: CardDetail) {
    if (at.value === c.depreciation.at) {
      const categoryChanged = c.category_code !== card.value?.category_code
      card.value = c
      if (categoryChanged) loadGroup(c.category_code)
      await loadHistory()
    } else {
      await load()
    }
  }

  watch(at, async () => {
    if (!card.value) return
    card.value = await fetchAsset(number.value, at.value)
  })
  watch(number, () => {
    card.value = null
    events.value = []
    load()
  })

  return { card, events, group, at, loading, historyLoading, notFound, load, replace }
}
