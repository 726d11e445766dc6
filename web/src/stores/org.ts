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

  // Ids to show expanded at first: the top two levels of the visible forest
  // (region and its departments); units stay folded until asked for.
  const initiallyExpanded = computed(() => tree.value.flatMap((r) => [r.id, ...(r.children ?? []).map((c) => c.id)]))

  const currentOrg = computed(() => (currentOrgId.value != null ? byId.value.get(currentOrgId.value) ?? null : null))

  async function load(preferredId?: number | null) {
    loading.value = true
    try {
      const res = await fetchOrgTree()
      tree.value = res.items ?? []
      loaded.value = true
      // Default to the top of what the user may see (the whole scope), not to
      // the user's own org: a county security officer sits in one department.
      const saved = Number(localStorage.getItem(STORAGE_KEY))
      const top = tree.value.length === 1 ? tree.value[0]!.id : null
      const candidates = [currentOrgId.value, saved || null, top, preferredId ?? null, tree.value[0]?.id ?? null]
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

  return { tree, loaded, loading, currentOrgId, currentOrg, byId, initiallyExpanded, load, select, reset }
})
