// The assessment chosen in an AssessmentPicker ("2026Q3/unit_asset_mgmt"),
// split into its period and template code.
import { computed, ref } from 'vue'

export function usePickedAssessment() {
  const picked = ref('')
  const period = computed(() => picked.value.split('/')[0] ?? '')
  const template = computed(() => picked.value.split('/').slice(1).join('/'))
  return { picked, period, template }
}
