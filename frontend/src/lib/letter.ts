// A rectification notice or letter (整改意见函) as a document: whom it is
// addressed to and its date line, for the printable page (NoticeView.vue).
import type { Notice } from '../api/types';
import { TZ } from './format';

/** addressee is whom the letter is written to: the enterprise, the street, or the department. */
export function addressee(n: Notice, streetName: (code: string) => string): string {
  if (n.enterprise_name) return n.enterprise_name;
  if (n.target_kind === 'department') return n.problems?.[0]?.department || '';
  return streetName(n.street || '');
}

/** letterDate is the issue date as a Chinese letter writes it: 2020年02月21日 (Asia/Shanghai). */
export function letterDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const [y, m, day] = new Intl.DateTimeFormat('en-CA', { timeZone: TZ }).format(d).split('-');
  return `${y}年${m}月${day}日`;
}
