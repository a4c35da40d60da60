// The review queue's query: the page's address (what the user searched,
// filtered and sorted by) turned into GET /review/queue's parameters, so
// search, filters, sorting and paging run on the server over the whole
// scope and only one page is loaded.

/** QUEUE_PAGE is the queue's page size. */
export const QUEUE_PAGE = 20;

// A sortable column of the queue table -> the server's sort key; `flip`
// when the column's ascending order is the key's descending one (fewest
// days waiting = submitted last).
const SORTS: Record<string, { key: string; flip?: boolean }> = {
  submitted_at: { key: 'submitted_at' },
  waiting: { key: 'submitted_at', flip: true },
  name: { key: 'name' },
  flags: { key: 'flags' },
  sector: { key: 'sector' },
  staff_total: { key: 'staff_total' },
};

/** sortable tells whether a queue column sorts on the server. */
export function sortable(column: string): boolean {
  return column in SORTS;
}

/** queueParams returns the API parameters for the queue page's address query. */
export function queueParams(route: Record<string, string>): Record<string, string | number> {
  const out: Record<string, string | number> = { page: Math.max(1, Number(route.page) || 1), page_size: QUEUE_PAGE };
  const q = (route.q || '').trim();
  if (q) out.q = q;
  for (const k of ['street', 'sector', 'severity']) if (route[k]) out[k] = route[k];
  if (route.min_age && /^\d+$/.test(route.min_age)) out.min_age_days = route.min_age;
  const s = SORTS[route.sort || ''];
  if (s) {
    out.sort = s.key;
    const desc = route.dir === 'desc';
    out.dir = desc !== !!s.flip ? 'desc' : 'asc';
  }
  return out;
}
