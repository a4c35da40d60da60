import { afterEach, describe, expect, it } from 'vitest';
import { drill, notFiled } from './drill';
import { lang } from './i18n';
import { label, POPULATION, RULE, ZONE } from './labels';

afterEach(() => { lang.value = 'zh-CN'; });

describe('drill', () => {
  it('maps a population to its sector and keeps the rest', () => {
    expect(drill({ as_of: '2020-02-28', population: 'construction_east', street: 'fangcaojie', state: 'not_filed' })).toEqual({
      path: '/dashboard/enterprises',
      query: { as_of: '2020-02-28', sector: 'construction', population: 'construction_east', street: 'fangcaojie', state: 'not_filed' },
    });
    expect(drill({})).toEqual({ path: '/dashboard/enterprises', query: {} });
  });
  it('not filed is total minus submitted, never negative', () => {
    expect(notFiled({ total: 354, submitted: 320 })).toBe(34);
    expect(notFiled({ total: 0, submitted: 0 })).toBe(0);
    expect(notFiled({ total: 1, submitted: 2 })).toBe(0);
  });
});

describe('labels', () => {
  it('names codes in the chosen language and falls back to the code', () => {
    expect(label(ZONE, 'south')).toBe('南区');
    expect(label(RULE, 'roster_fever')).toBe('有员工发热');
    expect(label(POPULATION, 'industrial_above_scale')).toBe('规上工业企业');
    lang.value = 'en';
    expect(label(ZONE, 'south')).toBe('South');
    expect(label(RULE, 'no_such_rule')).toBe('no_such_rule');
    expect(label(ZONE, '')).toBe('—');
  });
});
