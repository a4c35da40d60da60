import { describe, expect, it } from 'vitest';
import { readAll, upTo } from './notifications';

describe('readAll', () => {
  it('marks up to the newest notification on screen in one request', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const f = (async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(JSON.stringify({ marked: 3 }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }) as unknown as typeof fetch;
    const n = await readAll([{ id: 7 }, { id: 12 }, { id: 9 }], f);
    expect(n).toBe(3);
    expect(calls).toHaveLength(1);
    expect(calls[0].url).toContain('/notifications/read-all');
    expect(calls[0].init.method).toBe('POST');
    expect(JSON.parse(String(calls[0].init.body))).toEqual({ up_to: 12 });
  });

  it('sends no bound when nothing is on screen', () => {
    expect(upTo([])).toBe(0);
    expect(upTo([{}, { id: 2 }])).toBe(2);
  });
});
