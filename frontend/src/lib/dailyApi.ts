// Reads of the daily reporting figures shared by the street's and the park's
// pages.
import { api, ApiError } from '../api/client';
import type { DailyDay } from '../api/types';
import { lastDays } from './dailyChart';

export interface DaysQuery { from: string; to: string; street?: string; sector?: string }

/**
 * loadDays returns one DailyDay per day from..to (oldest first): the trend
 * endpoint in one request, or, on a server without it (404), one
 * /dashboard/daily request per day.
 */
export async function loadDays(q: DaysQuery, call: typeof api = api): Promise<DailyDay[]> {
  try {
    const d = await call<{ days?: DailyDay[]; points?: DailyDay[] }>('GET', '/dashboard/daily/trend', { query: { ...q } });
    return d.days || d.points || [];
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  const dates = lastDays(q.to, Math.min(31, Math.max(1, dayCount(q.from, q.to))));
  return Promise.all(dates.map((date) => call<DailyDay>('GET', '/dashboard/daily', { query: { date, street: q.street, sector: q.sector } }).then((d) => ({ ...d, date: d.date || date }))));
}

function dayCount(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86400000) + 1;
}

/** DayRow is one street's or sector's figures of a day. */
export type DayRow = DailyDay & { key: string };

/**
 * loadBreakdown returns a day's figures per street or per sector: the
 * breakdown endpoint in one request, or, on a server without it (404), one
 * /dashboard/daily request per key.
 */
export async function loadBreakdown(by: 'street' | 'sector', date: string, keys: string[], call: typeof api = api): Promise<DayRow[]> {
  try {
    const d = await call<{ rows?: (DailyDay & { key?: string; street?: string; sector?: string })[] }>('GET', `/dashboard/daily/${by === 'street' ? 'streets' : 'sectors'}`, { query: { date } });
    return (d.rows || []).map((r) => ({ ...r, key: r.key || (by === 'street' ? r.street : r.sector) || '' }));
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 404) throw e;
  }
  return Promise.all(keys.map((key) => call<DailyDay>('GET', '/dashboard/daily', { query: { date, [by]: key } }).then((d) => ({ ...d, key }))));
}
