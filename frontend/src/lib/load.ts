// useLoad runs an async loader and keeps its state for <LoadState>: loading,
// the data, an error, or "not built yet" (a 404 from an endpoint that may not
// exist on this server).
import { ref, shallowRef, type Ref } from 'vue';
import { ApiError } from '../api/client';

export interface Loaded<T> {
  data: Ref<T | null>;
  error: Ref<unknown>;
  loading: Ref<boolean>;
  notFound: Ref<boolean>;
  reload: () => Promise<void>;
}

export function useLoad<T>(fn: () => Promise<T>, { immediate = true } = {}): Loaded<T> {
  const data = shallowRef<T | null>(null) as Ref<T | null>;
  const error = shallowRef<unknown>(null);
  const loading = ref(false);
  const notFound = ref(false);
  let seq = 0;
  async function reload(): Promise<void> {
    const my = ++seq;
    loading.value = true;
    try {
      const d = await fn();
      if (my !== seq) return;
      data.value = d;
      error.value = null;
      notFound.value = false;
    } catch (e) {
      if (my !== seq) return;
      if (e instanceof ApiError && e.status === 404) notFound.value = true;
      else error.value = e;
      if (!(e instanceof ApiError)) console.error(e);
    } finally {
      if (my === seq) loading.value = false;
    }
  }
  if (immediate) void reload();
  return { data, error, loading, notFound, reload };
}

/** isStatus tells whether e is an ApiError with one of the statuses. */
export function isStatus(e: unknown, ...statuses: number[]): e is ApiError {
  return e instanceof ApiError && statuses.includes(e.status);
}
