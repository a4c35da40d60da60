import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { isStatus, useLoad } from './load';

describe('useLoad', () => {
  it('keeps the data of a successful load', async () => {
    const l = useLoad(async () => 42, { immediate: false });
    await l.reload();
    expect(l.data.value).toBe(42);
    expect(l.loading.value).toBe(false);
    expect(l.error.value).toBeNull();
  });
  it('a 404 means "not built yet", not an error', async () => {
    const l = useLoad(async () => { throw new ApiError(404, null); }, { immediate: false });
    await l.reload();
    expect(l.notFound.value).toBe(true);
    expect(l.error.value).toBeNull();
  });
  it('another failure is an error', async () => {
    const l = useLoad(async () => { throw new ApiError(503, null); }, { immediate: false });
    await l.reload();
    expect(isStatus(l.error.value, 503)).toBe(true);
    expect(l.notFound.value).toBe(false);
  });
  it('an older load finishing late does not overwrite a newer one', async () => {
    let n = 0;
    const resolvers: ((v: number) => void)[] = [];
    const l = useLoad(() => new Promise<number>((r) => { n++; resolvers.push(r); }), { immediate: false });
    const first = l.reload();
    const second = l.reload();
    resolvers[1](2);
    await second;
    resolvers[0](1);
    await first;
    expect(n).toBe(2);
    expect(l.data.value).toBe(2);
  });
});
