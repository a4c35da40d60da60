import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import type { RosterSummary as Summary, TableLayout } from '../api/types';
import { lang } from '../lib/i18n';
import RosterSummary from './RosterSummary.vue';

afterEach(() => { lang.value = 'zh-CN'; });

// An upload answer as POST /filings/{id}/attachments?kind=roster gives it for
// a government template: a title row, an extra 序号 column, a 合计 row, and
// no temperature or travel column.
const summary: Summary = { rows: 12, fever: 0, health_code_red: 1, health_code_yellow: 0, hubei_14d: 0, in_quarantine: 0, unknown: ['temperature', 'travel_14d'] };
const columns: TableLayout = {
  sheet: '员工台账', header_row: 2,
  used: [{ column: '姓 名', letter: 'B', field: 'name' }, { column: '*身份证号码', letter: 'C', field: 'id_number' }, { column: '健康码颜色', letter: 'D', field: 'health_code' }],
  ignored: [{ column: '序号', letter: 'A' }, { column: '今日体温', letter: 'E' }],
  skipped: [{ row: 15, code: 'sheet.skipped_total', note: '合计行，未作为数据读取' }],
};

describe('RosterSummary', () => {
  it('shows which column went to which field, and warns about ignored and missing columns', () => {
    const w = mount(RosterSummary, { props: { summary, columns } });
    expect(w.findAll('.tile').map((x) => x.text())[0]).toBe('12人数');
    expect(w.find('.tile.alert').text()).toBe('1红码');
    const rows = w.findAll('.columns tbody tr').map((r) => r.findAll('td').map((c) => c.text()));
    expect(rows).toEqual([['姓 名 (B)', '姓名'], ['*身份证号码 (C)', '身份证号'], ['健康码颜色 (D)', '健康码']]);
    expect(w.find('.columns summary').text()).toContain('工作表 员工台账，表头在第 2 行');
    const ignored = w.find('.msg.warn.ignored');
    expect(ignored.attributes('role')).toBe('status');
    expect(ignored.text()).toContain('以下列未被读取');
    expect(ignored.text()).toContain('序号 (A)、今日体温 (E)');
    expect(w.find('.msg.warn.unknown').text()).toContain('相应人数未知（不是 0）');
    expect(w.find('.msg.warn.unknown').text()).toContain('体温、近14日旅居史');
    expect(w.find('.skipped').text()).toContain('第 15 行 合计行');
  });

  it('in English names the fields in English', () => {
    lang.value = 'en';
    const w = mount(RosterSummary, { props: { summary, columns } });
    expect(w.findAll('.columns tbody tr')[1].findAll('td')[1].text()).toBe('ID number');
    expect(w.find('.msg.warn.ignored').text()).toContain('These columns were ignored');
    expect(w.find('.msg.warn.unknown').text()).toContain('Temperature, Travel (14 days)');
    expect(w.find('.skipped').text()).toContain('row 15 a totals row');
  });

  it('a roster read whole warns of nothing; a stored one without columns shows only its counts', () => {
    const clean: Summary = { ...summary, unknown: [] };
    const w = mount(RosterSummary, { props: { summary: clean, columns: { ...columns, ignored: [], skipped: [] } } });
    expect(w.find('.msg.warn').exists()).toBe(false);
    expect(w.find('.skipped').exists()).toBe(false);
    const stored = mount(RosterSummary, { props: { summary: clean } });
    expect(stored.find('.columns').exists()).toBe(false);
    expect(stored.findAll('.tile')).toHaveLength(6);
  });
});
