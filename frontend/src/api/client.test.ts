import { afterEach, describe, expect, it, vi } from 'vitest';
import { api, ApiError, qs, session } from './client';
import { lang } from '../lib/i18n';

interface Call { url: string; init: RequestInit }

function fake(status: number, body: unknown, calls: Call[]): typeof fetch {
  return (async (url: string, init: RequestInit) => {
    calls.push({ url, init });
    return new Response(body == null ? null : JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
  }) as unknown as typeof fetch;
}
const header = (c: Call, k: string) => (c.init.headers as Record<string, string>)[k];

afterEach(() => { session.csrf = null; session.signedIn = false; session.onUnauthorized = () => {}; lang.value = 'zh-CN'; });

describe('api', () => {
  it('sends the CSRF token on mutating requests only', async () => {
    session.csrf = 'tok';
    const calls: Call[] = [];
    await api('POST', '/filings', { json: { a: 1 }, fetchImpl: fake(200, { id: 1 }, calls) });
    await api('GET', '/filings', { fetchImpl: fake(200, { items: [] }, calls) });
    expect(header(calls[0], 'X-CSRF-Token')).toBe('tok');
    expect(header(calls[0], 'Content-Type')).toBe('application/json');
    expect(header(calls[1], 'X-CSRF-Token')).toBeUndefined();
  });

  it('sends the chosen language', async () => {
    const calls: Call[] = [];
    await api('GET', '/me', { fetchImpl: fake(200, {}, calls) });
    lang.value = 'en';
    await api('GET', '/me', { fetchImpl: fake(200, {}, calls) });
    expect(header(calls[0], 'Accept-Language')).toBe('zh-CN');
    expect(header(calls[1], 'Accept-Language')).toBe('en');
  });

  it('a 401 while signed in ends the session once; the login call does not', async () => {
    session.signedIn = true;
    const ended = vi.fn();
    session.onUnauthorized = ended;
    const calls: Call[] = [];
    await expect(api('GET', '/filings', { fetchImpl: fake(401, { error: { code: 'unauthorized', message: '请先登录' } }, calls) })).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
    await expect(api('POST', '/auth/login', { json: {}, fetchImpl: fake(401, { error: { code: 'unauthorized', message: 'x' } }, calls) })).rejects.toBeInstanceOf(ApiError);
    expect(ended).toHaveBeenCalledTimes(1);
  });

  it('turns an error body into ApiError with its details', async () => {
    const calls: Call[] = [];
    const body = { error: { code: 'invalid', message: '名册有错误', details: [{ row: 3, column: '身份证号', message: '无效' }] } };
    const e = await api('POST', '/x', { fetchImpl: fake(422, body, calls) }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).status).toBe(422);
    expect((e as ApiError).code).toBe('invalid');
    expect((e as ApiError).details[0].row).toBe(3);
  });

  it('a network failure is status 0 with a message', async () => {
    const failing = (async () => { throw new TypeError('net'); }) as unknown as typeof fetch;
    const e = await api('GET', '/x', { fetchImpl: failing }).catch((x: unknown) => x);
    expect((e as ApiError).status).toBe(0);
    expect((e as ApiError).message).toContain('无法连接');
  });

  it('qs drops empty values', () => {
    expect(qs({ a: '', b: null, c: 0, d: 'x y' })).toBe('?c=0&d=x+y');
    expect(qs({})).toBe('');
  });
});
