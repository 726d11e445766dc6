// The workflow buttons of an assessment (run, publish, finalize): confirm the
// irreversible ones, call the API, toast, then let the page reload. `busy`
// names the action in flight ("2026Q3/unit_asset_mgmt:run").
import { ref } from 'vue'
import { ElMessage, ElMessageBox } from 'element-plus'
import { finalizeAssessment, publishAssessment, runAssessment } from '@/api/assess'
import { translate } from '@/locales'

export type AssessmentAction = 'run' | 'publish' | 'finalize'

export function useAssessmentActions(after: () => Promise<unknown>) {
  const busy = ref('')

  async function act(period: string, template: string, what: AssessmentAction, name: string) {
    if (what !== 'run') {
      await ElMessageBox.confirm(translate(`assess.assessments.${what}Confirm`, { name }), translate('common.confirmTitle'), { type: 'warning' })
    }
    busy.value = `${period}/${template}:${what}`
    try {
      if (what === 'run') await runAssessment(period, template)
      if (what === 'publish') await publishAssessment(period, template)
      if (what === 'finalize') await finalizeAssessment(period, template)
      ElMessage.success(translate(`assess.assessments.${what}Done`))
      await after()
    } finally {
      busy.value = ''
    }
  }

  const isBusy = (period: string, template: string, what: AssessmentAction) => busy.value === `${period}/${template}:${what}`

  return { busy, act, isBusy }
}
