// 「全部已读」: one request (POST /notifications/read-all) that marks the
// caller's unread notifications up to the newest one on screen, so a
// notification that arrives while the page is open stays unread.
import { api } from '../api/client';

/** upTo is the newest notification id among items (0 when there is none: the server then marks all). */
export function upTo(items: { id?: number }[]): number {
  let max = 0;
  for (const n of items) if ((n.id || 0) > max) max = n.id || 0;
  return max;
}

/** readAll marks the caller's notifications up to the newest of items read and returns how many it marked. */
export async function readAll(items: { id?: number }[], fetchImpl?: typeof fetch): Promise<number> {
  const n = upTo(items);
  const res = await api<{ marked: number }>('POST', '/notifications/read-all', { json: n > 0 ? { up_to: n } : {}, fetchImpl });
  return res?.marked || 0;
}
