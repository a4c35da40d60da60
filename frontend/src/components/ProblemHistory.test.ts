import { afterEach, describe, expect, it, vi } from 'vitest';
import { flushPromises, mount } from '@vue/test-utils';
import ProblemHistory from './ProblemHistory.vue';

afterEach(() => { vi.unstubAllGlobals(); });

// The list of problems carries no answers: the verifier reads them, with
// their files and the verdicts, from GET /problems/{id}.
describe('ProblemHistory', () => {
  it('shows the evidence, each answer with its files and the verdict on it', async () => {
    const calls: string[] = [];
    vi.stubGlobal('fetch', vi.fn(async (u: string) => {
      calls.push(String(u));
      return new Response(JSON.stringify({
        id: 7, title: '测温登记缺失', status: 'answered',
        files: [{ id: 1, problem_id: 7, answer_id: null, filename: '现场.png' }, { id: 2, problem_id: 7, answer_id: 11, filename: '登记表.png' }],
        answers: [
          { id: 11, text: '已补登测温记录', created_at: '2020-02-21T02:00:00Z', verdict: 'returned', verified_at: '2020-02-22T02:00:00Z', verify_comment: '缺少2月19日记录',
            files: [{ id: 2, problem_id: 7, answer_id: 11, filename: '登记表.png' }] },
          { id: 12, text: '已补齐全部记录', created_at: '2020-02-23T02:00:00Z', verdict: '', files: [] },
        ],
      }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }));
    const w = mount(ProblemHistory, { props: { problemId: 7, open: true } });
    await flushPromises();
    expect(calls.some((c) => c.endsWith('/api/v1/problems/7'))).toBe(true);
    const text = w.text();
    expect(text).toMatch(/现场证据：\s*现场\.png/);
    expect(text).toContain('已补登测温记录');
    expect(text).toContain('核验：退回重新整改');
    expect(text).toContain('缺少2月19日记录');
    expect(text).toContain('已补齐全部记录');
    expect(w.findAll('a').map((a) => a.attributes('href'))).toEqual(['/api/v1/problem-files/1/content', '/api/v1/problem-files/2/content']);
  });
  it('reads nothing until opened', async () => {
    const f = vi.fn();
    vi.stubGlobal('fetch', f);
    mount(ProblemHistory, { props: { problemId: 7 }, global: { stubs: { 'el-button': true } } });
    await flushPromises();
    expect(f).not.toHaveBeenCalled();
  });
});

describe('ProblemHistory evidence', () => {
  it('an inspector adds a photo to a finding: one multipart POST /problems/{id}/files, then the list reloads', async () => {
    const { state } = await import('../lib/session');
    state.user = { id: 1, username: 'inspector-7', role: 'inspector' } as typeof state.user;
    const calls: { u: string; m: string; body: unknown }[] = [];
    vi.stubGlobal('fetch', vi.fn(async (u: string, init?: RequestInit) => {
      calls.push({ u: String(u), m: init?.method || 'GET', body: init?.body });
      return new Response(JSON.stringify({ id: 7, files: [], answers: [] }), { status: 200, headers: { 'Content-Type': 'application/json' } });
    }));
    const w = mount(ProblemHistory, { props: { problemId: 7 }, global: { stubs: { 'el-button': { template: '<button type="button"><slot /></button>' } } } });
    await w.find('button').trigger('click'); // open
    await flushPromises();
    const input = w.find('input[type=file]');
    Object.defineProperty(input.element, 'files', { value: [new File([new Uint8Array([137, 80, 78, 71])], '现场.png', { type: 'image/png' })] });
    await w.find('form.evidence-add').trigger('submit');
    await flushPromises();
    const post = calls.find((c) => c.m === 'POST');
    expect(post?.u).toMatch(/\/api\/v1\/problems\/7\/files$/);
    expect(post?.body instanceof FormData && (post.body as FormData).getAll('file').length).toBe(1);
    expect(calls.filter((c) => c.m === 'GET').length).toBe(2);
    state.user = null;
  });
});
