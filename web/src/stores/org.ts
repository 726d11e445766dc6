// The org tree the user may see (GET /orgs/tree) and the org picked in the
// top-bar switcher. Module pages filter by currentOrgId.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { fetchOrgTree, type OrgNode } from '@/api/orgs'

const STORAGE_KEY = 'minsheng.org'

export const useOrgStore = defineStore('org', () => {
  const tree = ref<OrgNode[]>([])
  const loaded = ref(false)
  const loading = ref(false)
  const currentOrgId = ref<number | null>(null)

  const byId = computed(() => {
    const map = new Map<number, OrgNode>()
    const walk = (nodes: OrgNode[]) => {
      for (const n of nodes) {
        map.set(n.id, n)
        walk(n.children ?? [])
      }
    }
    walk(tree.value)
    return map
  })

  const currentOrg = computed(() => (currentOrgId.value != null ? byId.value.get(currentOrgId.value) ?? null : null))

  async function load(preferredId?: number | null) {
    loading.value = true
    try {
      const res = await fetchOrgTree()
      tree.value = res.items ?? []
      loaded.value = true
      const saved = Number(localStorage.getItem(STORAGE_KEY))
      const candidates = [currentOrgId.value, saved || null, preferredId ?? null, tree.value[0]?.id ?? null]
      currentOrgId.value = candidates.find((id) => id != null && byId.value.has(id)) ?? null
    } finally {
      loading.value = false
    }
  }

  function select(id: number | null) {
    currentOrgId.value = id
    if (id == null) localStorage.removeItem(STORAGE_KEY)
    else localStorage.setItem(STORAGE_KEY, String(id))
  }

  function reset() {
    tree.value = []
    loaded.value = false
    currentOrgId.value = null
    localStorage.removeItem(STORAGE_KEY)
  }

  return { tree, loaded, loading, currentOrgId, currentOrg, byId, load, select, reset }
})
