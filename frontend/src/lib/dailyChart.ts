// The daily reporting chart: per day, the expected reporters split into on
// time / late / missing (stacked bars, counts) and the reporting and
// timeliness rates (lines, %), as DHIS2 shows a data set's reporting rate.
import type { ChartOption } from '../components/EChart.vue';
import { t } from './i18n';

/** DayFigures is one day of a data set's reporting (GET /dashboard/daily and its trend). */
export interface DayFigures {
  date?: string;
  expected?: number;
  reported?: number;
  on_time?: number;
  late?: number;
  missing?: number;
  reporting_rate?: number | null;
  timeliness_rate?: number | null;
}

/** rateOf is reported ÷ expected in % (two decimals), or null when nobody was expected. */
export function rateOf(n: number | undefined, d: number | undefined): number | null {
  if (!d) return null;
  return Math.round(((n || 0) / d) * 10000) / 100;
}

/** reportingRate is the day's reporting rate, from the API or computed. */
export function reportingRate(p: DayFigures): number | null {
  return p.reporting_rate ?? rateOf(p.reported, p.expected);
}

/** timelinessRate is on time ÷ expected (DHIS2's "reporting rate on time"), from the API or computed. */
export function timelinessRate(p: DayFigures): number | null {
  return p.timeliness_rate ?? rateOf(p.on_time, p.expected);
}

/** sortDays orders days oldest first and drops entries without a date. */
export function sortDays<T extends DayFigures>(points: T[]): T[] {
  return points.filter((p) => !!p.date).sort((a, b) => String(a.date).localeCompare(String(b.date)));
}

/** dayChart is the ECharts option of the per-day reporting chart. */
export function dayChart(points: DayFigures[]): ChartOption {
  const p = sortDays(points);
  const pct = (v: number | null) => (v == null ? '-' : v) as number;
  return {
    legend: { top: 0 },
    grid: { left: 8, right: 8, bottom: 8, top: 56, containLabel: true },
    xAxis: { type: 'category', data: p.map((x) => String(x.date).slice(5)) },
    yAxis: [
      { type: 'value', name: t('家数', 'Enterprises'), minInterval: 1 },
      { type: 'value', max: 100, min: 0, axisLabel: { formatter: '{value}%' }, splitLine: { show: false } },
    ],
    series: [
      { type: 'bar', stack: 'n', name: t('按时', 'On time'), data: p.map((x) => x.on_time || 0), color: '#067647' },
      { type: 'bar', stack: 'n', name: t('迟报', 'Late'), data: p.map((x) => x.late || 0), color: '#dc6803' },
      { type: 'bar', stack: 'n', name: t('未报', 'Missing'), data: p.map((x) => x.missing || 0), color: '#b42318' },
      { type: 'line', yAxisIndex: 1, name: t('报送率', 'Reporting %'), data: p.map((x) => pct(reportingRate(x))), color: '#0b5cad' },
      { type: 'line', yAxisIndex: 1, name: t('及时率', 'On-time %'), data: p.map((x) => pct(timelinessRate(x))), color: '#6d28d9', lineStyle: { type: 'dashed' } },
    ],
  };
}

/** lastDays lists the n days ending at end (YYYY-MM-DD), oldest first. */
export function lastDays(end: string, n: number): string[] {
  const [y, m, d] = end.split('-').map(Number);
  const out: string[] = [];
  for (let i = n - 1; i >= 0; i--) {
    const x = new Date(Date.UTC(y, m - 1, d - i));
    out.push(x.toISOString().slice(0, 10));
  }
  return out;
}

/** addDays moves a YYYY-MM-DD date by whole days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/**
 * missedDays lists the days from..to (oldest first) with no report, from the
 * first day a report was due (firstDue; null: none is due yet).
 */
export function missedDays(reported: (string | undefined)[], from: string, to: string, firstDue: string | null): string[] {
  if (!firstDue || firstDue > to) return [];
  const start = firstDue > from ? firstDue : from;
  const have = new Set(reported);
  const out: string[] = [];
  for (let d = start; d <= to; d = addDays(d, 1)) if (!have.has(d)) out.push(d);
  return out;
}
