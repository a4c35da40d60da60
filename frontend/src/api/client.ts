// The API client: JSON in and out, the CSRF token on every mutating request,
// Accept-Language from the user's choice, and one place that notices a 401
// (the session ended) and a network failure.
import { lang, t } from '../lib/i18n';
import type { ErrorDetail } from './types';

export const API = '/api/v1';

/** ApiError is any non-2xx answer (status 0: the server was unreachable). */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: ErrorDetail[];
  constructor(status: number, body: unknown) {
    const e = (body && typeof body === 'object' && 'error' in body ? (body as { error: Record<string, unknown> }).error : null) || {};
    super(typeof e.message === 'string' && e.message ? e.message : fallbackMessage(status));
    this.name = 'ApiError';
    this.status = status;
    this.code = typeof e.code === 'string' ? e.code : String(status);
    this.details = Array.isArray(e.details) ? (e.details as ErrorDetail[]) : [];
  }
}

export function fallbackMessage(status: number): string {
  switch (status) {
    case 0: return t('无法连接服务，请检查网络', 'Cannot reach the server');
    case 401: return t('请先登录', 'Please sign in');
    case 403: return t('没有权限', 'Not allowed');
    case 404: return t('未找到', 'Not found');
    case 409: return t('状态已变化，请刷新', 'The state changed; reload');
    case 413: return t('文件过大', 'File too large');
    case 415: return t('不支持的文件类型', 'Unsupported file type');
    case 429: return t('操作过于频繁，请稍后再试', 'Too many requests; try again later');
    case 503: return t('服务暂不可用', 'A backing service is down');
    default: return t(`服务器出错（${status}）`, `Server error (${status})`);
  }
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function qs(query?: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query || {})) if (v !== '' && v != null) q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** url builds an /api/v1 link (downloads). */
export function url(path: string, query?: Query): string {
  return API + path + qs(query);
}

interface Session {
  csrf: string | null;
  signedIn: boolean;
  onUnauthorized: () => void;
}

/** session is wired by the session store; the client only reads it. */
export const session: Session = { csrf: null, signedIn: false, onUnauthorized: () => {} };

export interface Options {
  json?: unknown;
  form?: FormData;
  query?: Query;
  raw?: boolean;
  fetchImpl?: typeof fetch;
}

/** api calls the API; it throws ApiError on any failure. */
export async function api<T = unknown>(method: string, path: string, opts: Options = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': lang.value === 'en' ? 'en' : 'zh-CN' };
  let body: BodyInit | undefined;
  if (opts.json !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.form) body = opts.form;
  if (method !== 'GET' && session.csrf) headers['X-CSRF-Token'] = session.csrf;
  const f = opts.fetchImpl || fetch;
  let res: Response;
  try {
    res = await f(url(path, opts.query), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, null);
  }
  if (opts.raw && res.ok) return res as unknown as T;
  if (res.status === 204) return null as T;
  let data: unknown = null;
  if ((res.headers.get('content-type') || '').includes('json')) data = await res.json().catch(() => null);
  if (!res.ok) {
    if (res.status === 401 && session.signedIn && path !== '/auth/login') session.onUnauthorized();
    throw new ApiError(res.status, data);
  }
  return data as T;
}

/** upload posts a multipart form with progress (fetch has no upload progress). */
export function upload<T>(path: string, form: FormData, query: Query | undefined, onProgress: (pct: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const x = new XMLHttpRequest();
    x.open('POST', url(path, query));
    x.setRequestHeader('Accept', 'application/json');
    x.setRequestHeader('Accept-Language', lang.value === 'en' ? 'en' : 'zh-CN');
    if (session.csrf) x.setRequestHeader('X-CSRF-Token', session.csrf);
    x.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100)); };
    x.onerror = () => reject(new ApiError(0, null));
    x.onload = () => {
      let data: unknown = null;
      try { data = x.responseText ? JSON.parse(x.responseText) : null; } catch { data = null; }
      if (x.status >= 200 && x.status < 300) { onProgress(100); resolve(data as T); return; }
      if (x.status === 401 && session.signedIn) session.onUnauthorized();
      reject(new ApiError(x.status, data));
    };
    x.send(form);
  });
}

/** saveBlob downloads a fetch Response as a file named by its Content-Disposition. */
export async function saveBlob(res: Response, fallbackName: string): Promise<{ name: string; blob: Blob }> {
  const cd = res.headers.get('content-disposition') || '';
  let name = fallbackName;
  const star = cd.match(/filename\*=UTF-8''([^;]+)/i);
  const plain = cd.match(/filename="?([^";]+)"?/i);
  if (star) name = decodeURIComponent(star[1]);
  else if (plain) name = plain[1];
  const blob = await res.blob();
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  setTimeout(() => { URL.revokeObjectURL(href); a.remove(); }, 1000);
  return { name, blob };
}
