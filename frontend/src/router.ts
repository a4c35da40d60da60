// Hash routes (#/queue, #/filing/12): a reload keeps the page and the server
// needs no route for them. meta.roles limits a page to some roles.
import { createRouter, createWebHashHistory, type RouteRecordRaw } from 'vue-router';
import { state } from './lib/session';
import { homeOf } from './lib/nav';

const officials = ['street_official', 'park_manager', 'admin'];
const tenant = ['enterprise', ...officials];
const managers = ['park_manager', 'admin'];
// The inspection group (督查组) reads the whole zone, personal data masked.
const readers = [...officials, 'inspector'];

const routes: RouteRecordRaw[] = [
  { path: '/', redirect: () => homeOf(state.user?.role) },
  { path: '/login', component: () => import('./views/LoginView.vue'), meta: { public: true } },
  { path: '/filings', component: () => import('./views/MyFilingsView.vue'), meta: { roles: ['enterprise'] } },
  { path: '/filing/new', component: () => import('./views/NewFilingView.vue'), meta: { roles: ['enterprise'] } },
  { path: '/filing/:id(\\d+)', component: () => import('./views/FilingView.vue'), meta: { roles: [...tenant, 'inspector'] }, props: true },
  { path: '/daily', component: () => import('./views/DailyReportView.vue'), meta: { roles: ['enterprise'] } },
  { path: '/daily/street', component: () => import('./views/DailyStreetView.vue'), meta: { roles: readers } },
  { path: '/daily/overview', component: () => import('./views/DailyOverviewView.vue'), meta: { roles: [...managers, 'inspector'] } },
  { path: '/queue', component: () => import('./views/QueueView.vue'), meta: { roles: readers } },
  { path: '/notice/:id(\\d+)', component: () => import('./views/NoticeView.vue'), meta: { roles: [...readers, 'enterprise', 'department'] }, props: true },
  { path: '/problems', component: () => import('./views/ProblemsView.vue'), meta: { roles: [...tenant, 'department', 'inspector'] } },
  { path: '/notifications', component: () => import('./views/NotificationsView.vue') },
  { path: '/dashboard', component: () => import('./views/DashboardView.vue'), meta: { roles: readers } },
  { path: '/dashboard/enterprises', component: () => import('./views/EnterprisesView.vue'), meta: { roles: readers } },
  { path: '/streets', component: () => import('./views/StreetsView.vue'), meta: { roles: readers } },
  { path: '/registry', component: () => import('./views/RegistryView.vue'), meta: { roles: managers } },
  { path: '/codes', component: () => import('./views/CodesView.vue'), meta: { roles: officials } },
  { path: '/audit', component: () => import('./views/AuditView.vue'), meta: { roles: managers } },
  { path: '/reports', component: () => import('./views/ReportsView.vue'), meta: { roles: ['department', ...managers] } },
  { path: '/reports/:id', component: () => import('./views/ReportView.vue'), meta: { roles: ['department', ...managers] }, props: true },
  { path: '/password', component: () => import('./views/PasswordView.vue') },
  { path: '/:rest(.*)*', component: () => import('./views/NotFoundView.vue') },
];

export const router = createRouter({ history: createWebHashHistory(), routes });

router.beforeEach((to) => {
  if (!state.user && !to.meta.public) return { path: '/login' };
  if (state.user && to.path === '/login') return { path: homeOf(state.user.role) };
  if (state.user && Array.isArray(to.meta.roles) && !to.meta.roles.includes(state.user.role || '')) {
    return { path: '/forbidden-' + encodeURIComponent(to.path.slice(1)), replace: true };
  }
  if (state.flash && state.flash.path && state.flash.path !== to.path) state.flash = null;
  else if (state.flash && !state.flash.path) state.flash = null;
  return true;
});

declare module 'vue-router' {
  interface RouteMeta { roles?: string[]; public?: boolean }
}
