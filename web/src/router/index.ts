// Routes are lazy per module. meta.permission hides a page (and its menu
// entry) from users without that permission; meta.public marks pages that
// need no session.
import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import { useAuthStore } from '@/stores/auth'

declare module 'vue-router' {
  interface RouteMeta {
    public?: boolean
    permission?: string
    // i18n key of the page title
    title?: string
  }
}

const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('@/views/auth/LoginView.vue'), meta: { public: true, title: 'auth.login.title' } },
  { path: '/setup/password', name: 'force-password', component: () => import('@/views/auth/ForcedPasswordView.vue'), meta: { title: 'auth.forced.passwordTitle' } },
  { path: '/setup/totp', name: 'force-totp', component: () => import('@/views/auth/ForcedTotpView.vue'), meta: { title: 'auth.forced.totpTitle' } },
  // The QR label's URL (<base>/a/<number>): the card on a phone, without the side menu.
  { path: '/a/:number', name: 'asset-mobile', component: () => import('@/views/asset/AssetMobileView.vue'), meta: { permission: 'asset.read', title: 'asset.card.title' } },
  {
    path: '/',
    component: () => import('@/layouts/MainLayout.vue'),
    children: [
      { path: '', name: 'home', component: () => import('@/views/home/HomeView.vue'), meta: { title: 'layout.menu.home' } },
      { path: 'orgs', name: 'orgs', component: () => import('@/views/orgs/OrgsView.vue'), meta: { permission: 'org.read', title: 'layout.menu.orgs' } },
      { path: 'users', name: 'users', component: () => import('@/views/users/UsersView.vue'), meta: { permission: 'user.read', title: 'layout.menu.users' } },
      { path: 'assets/dashboard', name: 'asset-dashboard', component: () => import('@/views/asset/AssetDashboardView.vue'), meta: { permission: 'asset.read', title: 'layout.menu.assetDashboard' } },
      { path: 'assets', name: 'assets', component: () => import('@/views/asset/AssetListView.vue'), meta: { permission: 'asset.read', title: 'layout.menu.assets' } },
      { path: 'assets/new', name: 'asset-create', component: () => import('@/views/asset/AssetCreateView.vue'), meta: { permission: 'asset.write', title: 'asset.form.createTitle' } },
      { path: 'assets/import', name: 'asset-import', component: () => import('@/views/asset/AssetImportView.vue'), meta: { permission: 'asset.write', title: 'layout.menu.assetImport' } },
      { path: 'assets/:number', name: 'asset-card', component: () => import('@/views/asset/AssetCardView.vue'), meta: { permission: 'asset.read', title: 'asset.card.title' } },
      { path: 'assess/templates', name: 'assess-templates', component: () => import('@/views/assess/TemplateListView.vue'), meta: { permission: 'assess.read', title: 'layout.menu.assessTemplates' } },
      { path: 'assess/indicators', name: 'assess-indicators', component: () => import('@/views/assess/IndicatorLibraryView.vue'), meta: { permission: 'assess.admin', title: 'layout.menu.assessIndicators' } },
      { path: 'assess/templates/:code', name: 'assess-template', component: () => import('@/views/assess/TemplateView.vue'), meta: { permission: 'assess.read', title: 'assess.templates.viewTitle' } },
      { path: 'assess/templates/:code/design', name: 'assess-template-design', component: () => import('@/views/assess/TemplateDesignerView.vue'), meta: { permission: 'assess.admin', title: 'assess.designer.pageTitle' } },
      { path: 'assess/assessments', name: 'assess-assessments', component: () => import('@/views/assess/AssessmentListView.vue'), meta: { permission: 'assess.read', title: 'layout.menu.assessments' } },
      { path: 'assess/assessments/:period/:template', name: 'assess-dashboard', component: () => import('@/views/assess/DashboardView.vue'), meta: { permission: 'assess.read', title: 'assess.dashboard.title' } },
      { path: 'assess/assessments/:period/:template/bulletin', name: 'assess-bulletin', component: () => import('@/views/assess/BulletinView.vue'), meta: { permission: 'assess.read', title: 'assess.bulletin.title' } },
      { path: 'assess/assessments/:period/:template/whatif', name: 'assess-whatif', component: () => import('@/views/assess/WhatIfView.vue'), meta: { permission: 'assess.admin', title: 'assess.whatif.pageTitle' } },
      { path: 'assess/mine', name: 'assess-mine', component: () => import('@/views/assess/UnitView.vue'), meta: { permission: 'assess.submit', title: 'layout.menu.assessMine' } },
      { path: 'assess/review', name: 'assess-review', component: () => import('@/views/assess/ReviewView.vue'), meta: { permission: 'assess.review', title: 'layout.menu.assessReview' } },
      { path: 'assess/expert', name: 'assess-expert', component: () => import('@/views/assess/ExpertView.vue'), meta: { permission: 'assess.expert', title: 'layout.menu.assessExpert' } },
      { path: 'audit', name: 'audit', component: () => import('@/views/audit/AuditView.vue'), meta: { permission: 'audit.read', title: 'layout.menu.audit' } },
      { path: 'settings', name: 'settings', component: () => import('@/views/settings/SettingsView.vue'), meta: { title: 'layout.menu.settings' } },
      { path: 'forbidden', name: 'forbidden', component: () => import('@/views/error/ForbiddenView.vue'), meta: { title: 'common.forbidden.title' } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('@/views/error/NotFoundView.vue'), meta: { title: 'common.notFound.title' } },
    ],
  },
]

export const router = createRouter({
  history: createWebHistory(),
  routes,
})

router.beforeEach(async (to) => {
  const auth = useAuthStore()
  if (!auth.checked) await auth.refresh()

  if (to.meta.public) {
    if (to.name === 'login' && auth.isLoggedIn) return auth.forcedRoute ? { name: auth.forcedRoute } : { name: 'home' }
    return true
  }
  if (!auth.isLoggedIn) {
    return { name: 'login', query: to.fullPath !== '/' ? { redirect: to.fullPath } : {} }
  }
  const forced = auth.forcedRoute
  if (forced && to.name !== forced) return { name: forced }
  if (!forced && (to.name === 'force-password' || to.name === 'force-totp')) return { name: 'home' }
  if (to.meta.permission && !auth.can(to.meta.permission)) return { name: 'forbidden' }
  return true
})
