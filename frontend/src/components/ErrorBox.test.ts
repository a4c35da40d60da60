import { afterEach, describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { ApiError } from '../api/client';
import { lang } from '../lib/i18n';
import ErrorBox from './ErrorBox.vue';
import RateCell from './RateCell.vue';

afterEach(() => { lang.value = 'zh-CN'; });

const rosterError = () => new ApiError(422, { error: { code: 'invalid', message: '名册有 2 处错误 / 2 problems in the roster', details: [
  { row: 3, column: '身份证号', message: '身份证号校验位错误 / ID number check digit is wrong' },
  { field: 'contact.phone', message: '手机号无效' },
] } });

describe('ErrorBox', () => {
  it('shows the message and every detail as 第 N 行 列 X in Chinese', () => {
    const w = mount(ErrorBox, { props: { error: rosterError() } });
    expect(w.attributes('role')).toBe('alert');
    expect(w.find('strong').text()).toBe('名册有 2 处错误');
    const items = w.findAll('li').map((x) => x.text());
    expect(items).toEqual(['第 3 行 列 身份证号：身份证号校验位错误', '联系电话：手机号无效']);
  });
  it('in English shows the English half of old bilingual messages', () => {
    lang.value = 'en';
    const w = mount(ErrorBox, { props: { error: rosterError() } });
    expect(w.find('strong').text()).toBe('2 problems in the roster');
    expect(w.findAll('li')[0].text()).toBe('Row 3, column 身份证号: ID number check digit is wrong');
  });
});

describe('RateCell', () => {
  it('0/0 is —, with no bar', () => {
    const w = mount(RateCell, { props: { rate: 0, total: 0 } });
    expect(w.text()).toBe('—');
    expect(w.find('.bar').exists()).toBe(false);
  });
  it('a rate has a bar as wide as the rate', () => {
    const w = mount(RateCell, { props: { rate: 85.5912, total: 354 } });
    expect(w.find('.rate').text()).toBe('85.59%');
    expect((w.find('.bar span').element as HTMLElement).style.width).toBe('85.5912%');
  });
});
