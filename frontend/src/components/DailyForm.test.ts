import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import { ApiError } from '../api/client';
import type { DailyField } from '../lib/dailyForm';
import DailyForm from './DailyForm.vue';

const fields: DailyField[] = [
  { key: 'staff_onsite', label: { zh: '在岗人数', en: 'Staff on site' }, type: 'integer', unit: { zh: '人', en: 'persons' }, required: true },
  { key: 'fever', label: { zh: '发热人数', en: 'With fever' }, type: 'integer', required: true },
  { key: 'fever_handling', label: { zh: '发热人员处置情况', en: 'Handling' }, type: 'choice', required_if: { field: 'fever', op: '>', value: 0 },
    choices: [{ value: 'fever_clinic', label: { zh: '已送发热门诊', en: 'Sent to a fever clinic' } }] },
  { key: 'disinfected', label: { zh: '今日已完成消杀', en: 'Disinfected' }, type: 'yesno', required: true },
  { key: 'remarks', label: { zh: '备注', en: 'Remarks' }, type: 'text', max_length: 500 },
];

describe('DailyForm', () => {
  it('renders one labelled input per field, with units, and marks a condition as required when it holds', async () => {
    const w = mount(DailyForm, { props: { fields, modelValue: { staff_onsite: '', fever: '0', fever_handling: '', disinfected: '', remarks: '' } }, attachTo: document.body });
    expect(w.find('label[for="d-staff_onsite"]').text()).toBe('在岗人数（人） *');
    expect(w.find('#d-staff_onsite').attributes('type')).toBe('number');
    expect(w.find('#d-fever_handling').element.tagName).toBe('SELECT');
    expect(w.findAll('input[name="disinfected"]').length).toBe(2);
    expect(w.find('#d-remarks').element.tagName).toBe('TEXTAREA');
    expect(w.find('label[for="d-fever_handling"]').text()).toBe('发热人员处置情况');
    await w.setProps({ modelValue: { staff_onsite: '', fever: '2', fever_handling: '', disinfected: '', remarks: '' } });
    expect(w.find('label[for="d-fever_handling"]').text()).toBe('发热人员处置情况 *');
    expect(w.find('#d-fever_handling').attributes('aria-required')).toBe('true');
    w.unmount();
  });

  it('shows the server\'s 422 details under their inputs and links them from the summary', async () => {
    const err = new ApiError(422, { error: { code: 'invalid', message: '日报有字段不正确', details: [
      { field: 'values.fever_handling', message: '发热人数 > 0 时须填写发热人员处置情况' }, { field: 'date', message: '只能补报最近 30 天的日报' }] } });
    const w = mount(DailyForm, { props: { fields, error: err, modelValue: { staff_onsite: '1', fever: '2', fever_handling: '', disinfected: 'yes', remarks: '' } } });
    expect(w.find('#d-fever_handling').attributes('aria-invalid')).toBe('true');
    expect(w.find('#d-fever_handling-err').text()).toContain('须填写发热人员处置情况');
    expect(w.find('#d-fever_handling').attributes('aria-describedby')).toContain('d-fever_handling-err');
    const items = w.findAll('[role=alert] li').map((x) => x.text());
    expect(items[0]).toContain('发热人员处置情况');
    expect(items[1]).toContain('只能补报最近 30 天');
    expect(w.find('#d-staff_onsite').attributes('aria-invalid')).toBeUndefined();
  });

  it('writes what the user types into the model', async () => {
    const w = mount(DailyForm, { props: { fields, modelValue: { staff_onsite: '', fever: '', fever_handling: '', disinfected: '', remarks: '' }, 'onUpdate:modelValue': (v: Record<string, string>) => w.setProps({ modelValue: v }) } });
    await w.find('#d-staff_onsite').setValue('42');
    await w.find('input[name="disinfected"][value="no"]').setValue(true);
    // Vue's v-model stores a number input's value as a number; the form's readers take either.
    expect(w.props('modelValue')).toMatchObject({ staff_onsite: 42, disinfected: 'no' });
  });
});
