// Reads of the daily reporting figures shared by the street's and the park's
// pages.
import { api } from '../api/client';
import type { DailyTrend } from '../api/types';
import type { DayFigures } from './dailyChart';

export interface DaysQuery { from: string; to: string; street?: string; sector?: string }

/** loadDays returns one DayFigures per day from..to, oldest first (GET /dashboard/daily/trend). */
export async function loadDays(q: DaysQuery, call: typeof api = api): Promise<DayFigures[]> {
  const d = await call<DailyTrend>('GET', '/dashboard/daily/trend', { query: { ...q } });
  return [...(d.points || [])].sort((a, b) => String(a.date).localeCompare(String(b.date)));
}
