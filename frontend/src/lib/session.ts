// Who is signed in, the street names, and the page's flash message. The
// CSRF token lives in memory only; GET /me restores it from the cookie.
import { reactive } from 'vue';
import { api, ApiError, session } from '../api/client';
import type { Enterprise, SessionInfo, User, Zone } from '../api/types';
import { t } from './i18n';

export interface StreetInfo { code: string; name: string; zone: string; zoneName: string }

export interface Flash { kind: 'success' | 'warning' | 'error' | 'info'; text: string; path?: string; id?: string }

export const state = reactive({
  user: null as User | null,
  streets: [] as StreetInfo[],
  ready: false,
  flash: null as Flash | null,
  unread: 0,
});

export function setSession(s: SessionInfo | null): void {
  state.user = s ? s.user : null;
  session.csrf = s ? s.csrf_token : null;
  session.signedIn = !!s;
  if (!s) entCache.clear();
}

export async function loadStreets(): Promise<StreetInfo[]> {
  if (state.streets.length) return state.streets;
  try {
    const d = await api<{ zones?: Zone[] }>('GET', '/streets');
    const out: StreetInfo[] = [];
    for (const z of d.zones || []) for (const s of z.streets || []) out.push({ code: s.code || '', name: s.name || '', zone: z.code || '', zoneName: z.name || '' });
    state.streets = out;
  } catch { state.streets = []; }
  return state.streets;
}

export function streetName(code: string | null | undefined): string {
  const s = state.streets.find((x) => x.code === code);
  return s ? s.name : code || '—';
}

const entCache = new Map<number, Promise<Enterprise | null>>();
export function enterprise(id: number | null | undefined): Promise<Enterprise | null> {
  if (id == null) return Promise.resolve(null);
  if (!entCache.has(id)) entCache.set(id, api<Enterprise>('GET', `/enterprises/${encodeURIComponent(id)}`).catch(() => null));
  return entCache.get(id)!;
}

/** flash shows a message on the page at path (default: the current one). */
export function flash(kind: Flash['kind'], text: string, path?: string, id?: string): void {
  state.flash = { kind, text, path, id };
}

export async function refreshUnread(): Promise<void> {
  if (!state.user) return;
  try {
    const d = await api<{ items?: { read?: boolean }[]; total?: number }>('GET', '/notifications', { query: { page_size: 100 } });
    state.unread = (d.items || []).filter((n) => !n.read).length;
  } catch { /* the badge is a hint; the page shows errors */ }
}

export async function restore(): Promise<void> {
  try {
    const me = await api<SessionInfo>('GET', '/me');
    setSession(me);
    await loadStreets();
  } catch (e) {
    if (!(e instanceof ApiError) || (e.status !== 401 && e.status !== 403)) {
      flash('error', e instanceof Error ? e.message : String(e));
    }
    setSession(null);
  }
  state.ready = true;
}

export function roleIs(...roles: string[]): boolean {
  return !!state.user && roles.includes(state.user.role || '');
}

export const sessionEndedText = () => t('登录已过期，请重新登录', 'Your session ended; please sign in again');
