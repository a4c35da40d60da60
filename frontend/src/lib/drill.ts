// Links from a dashboard figure to the list of enterprises behind it
// (GET /dashboard/enterprises).
import type { RouteLocationRaw } from 'vue-router';
import { POPULATION_SECTOR } from './labels';

export interface DrillQuery { as_of?: string; population?: string; street?: string; state?: string }

export function drill(q: DrillQuery): RouteLocationRaw {
  const query: Record<string, string> = {};
  if (q.as_of) query.as_of = q.as_of;
  if (q.population) { query.sector = POPULATION_SECTOR[q.population] || q.population; query.population = q.population; }
  if (q.street) query.street = q.street;
  if (q.state) query.state = q.state;
  return { path: '/dashboard/enterprises', query };
}

/** notFiled is how many of a row's enterprises have not filed. */
export function notFiled(r: { total?: number; submitted?: number }): number {
  return Math.max(0, (r.total || 0) - (r.submitted || 0));
}
