// Number, rate, date and size formatting shared by every page.
import { lang } from './i18n';

export const TZ = 'Asia/Shanghai';

/** fmtTime shows an ISO timestamp in Beijing time, or 「—」. */
export function fmtTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return d.toLocaleString(lang.value === 'en' ? 'en-GB' : 'zh-CN', {
    timeZone: TZ, hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit',
  });
}

/** today returns YYYY-MM-DD in Beijing, offset by whole days. */
export function today(offsetDays = 0, now: number = Date.now()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(new Date(now + offsetDays * 86400000));
}

export function fmtNum(n: number | null | undefined): string {
  return n == null ? '—' : Number(n).toLocaleString('zh-CN');
}

/**
 * fmtRate shows a percentage with two decimals. With a denominator given,
 * 0/0 is 「—」 (nothing to rate), never 0.00%.
 */
export function fmtRate(rate: number | null | undefined, denominator?: number | null): string {
  if (rate == null || Number.isNaN(Number(rate))) return '—';
  if (denominator !== undefined && (denominator == null || denominator === 0)) return '—';
  return `${Number(rate).toFixed(2)}%`;
}

export function fmtSize(n: number | null | undefined): string {
  if (n == null) return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1048576).toFixed(1)} MB`;
}

/** waitingDays is how many whole days ago iso was (for the review queue). */
export function waitingDays(iso: string | null | undefined, now: number = Date.now()): number | null {
  if (!iso) return null;
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return null;
  return Math.max(0, Math.floor((now - t) / 86400000));
}
