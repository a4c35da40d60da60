import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import DataTable, { type Column } from './DataTable.vue';

interface Row { name: string; n: number | null }
const rows: Row[] = [{ name: '乙', n: 2 }, { name: '甲', n: 10 }, { name: '丙', n: null }];
const typed: Column<Row>[] = [
  { key: 'name', zh: '名称', en: 'Name', rowHeader: true, sort: (r) => r.name },
  { key: 'n', zh: '数', en: 'N', num: true, sort: (r) => r.n },
];
// mount() sees the generic component with T = unknown
const columns = typed as unknown as Column<unknown>[];

const cellTexts = (w: ReturnType<typeof mount>) => w.findAll('tbody td').map((x) => x.text());

describe('DataTable', () => {
  it('labels each cell for the phone card view and sorts by a column', async () => {
    const w = mount(DataTable, { props: { columns, rows, label: '表' } });
    expect(w.find('table').attributes('aria-label')).toBe('表');
    expect(w.find('tbody td').attributes('data-label')).toBe('数');
    expect(cellTexts(w)).toEqual(['2', '10', '—']);
    const sortN = w.findAll('thead th')[1];
    await sortN.find('button').trigger('click');
    expect(sortN.attributes('aria-sort')).toBe('ascending');
    expect(cellTexts(w)).toEqual(['2', '10', '—']);
    await sortN.find('button').trigger('click');
    expect(sortN.attributes('aria-sort')).toBe('descending');
    expect(cellTexts(w)).toEqual(['10', '2', '—']); // blanks stay last
  });

  it('pages after sorting and shows the empty text', () => {
    const w = mount(DataTable, { props: { columns, rows, label: '表', sortKey: 'n', sortDir: 'desc', page: 1, pageSize: 1 } });
    expect(cellTexts(w)).toEqual(['10']);
    const e = mount(DataTable, { props: { columns, rows: [], label: '表', empty: '没有' } });
    expect(e.text()).toBe('没有');
  });

  it('with serverSort, asks for the order instead of sorting or paging itself', async () => {
    const w = mount(DataTable, { props: { columns, rows, label: '表', serverSort: true, sortKey: 'n', sortDir: 'desc', page: 2, pageSize: 1 } });
    expect(cellTexts(w)).toEqual(['2', '10', '—']); // as the server sent them
    expect(w.findAll('thead th')[1].attributes('aria-sort')).toBe('descending');
    await w.findAll('thead th')[1].find('button').trigger('click');
    await w.findAll('thead th')[0].find('button').trigger('click');
    expect(w.emitted('sort')).toEqual([['n', 'asc'], ['name', 'asc']]);
    expect(cellTexts(w)).toEqual(['2', '10', '—']);
  });
});
