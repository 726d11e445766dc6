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
