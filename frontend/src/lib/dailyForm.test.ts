import { afterEach, describe, expect, it } from 'vitest';
import { setLang } from './i18n';
import { boundsText, check, copyInto, modelOf, requiredNow, sameModel, show, valuesOf, type DailyField } from './dailyForm';

// The shape of configs/daily.yaml's fields, cut down to one of each kind.
const fields: DailyField[] = [
  { key: 'staff_onsite', label: { zh: '在岗人数', en: 'Staff on site' }, type: 'integer', required: true },
  { key: 'fever', label: { zh: '发热人数', en: 'With fever' }, type: 'integer', required: true, carry_over: false },
  { key: 'fever_handling', label: { zh: '发热人员处置情况', en: 'Handling' }, type: 'choice', required_if: { field: 'fever', op: '>', value: 0 }, carry_over: false,
    choices: [{ value: 'fever_clinic', label: { zh: '已送发热门诊', en: 'Sent to a fever clinic' } }] },
  { key: 'disinfectant_liters', label: { zh: '消毒液库存', en: 'Disinfectant' }, type: 'decimal', required: true, min: 0, max: 100 },
  { key: 'disinfected', label: { zh: '今日已完成消杀', en: 'Disinfected' }, type: 'yesno', required: true, carry_over: false },
  { key: 'remarks', label: { zh: '备注', en: 'Remarks' }, type: 'text', max_length: 5, carry_over: false },
];

afterEach(() => setLang('zh-CN'));

describe('daily form', () => {
  it('turns the inputs into the API values and back', () => {
    const m = modelOf(fields, {});
    Object.assign(m, { staff_onsite: '40', fever: '0', disinfectant_liters: '2.5', disinfected: 'no', remarks: '无' });
    const v = valuesOf(fields, m);
    expect(v).toEqual({ staff_onsite: 40, fever: 0, disinfectant_liters: 2.5, disinfected: false, remarks: '无' });
    expect(sameModel(modelOf(fields, v), m)).toBe(true);
  });

  it('asks for the handling only when someone has a fever', () => {
    const m: Record<string, string> = { ...modelOf(fields, {}), staff_onsite: '40', fever: '0', disinfectant_liters: '1', disinfected: 'yes' };
    expect(check(fields, m)).toEqual({});
    m.fever = '2';
    expect(requiredNow(fields[2], m)).toBe(true);
    expect(check(fields, m).fever_handling).toEqual(['发热人数>0时必填']);
    m.fever_handling = 'fever_clinic';
    expect(check(fields, m)).toEqual({});
  });

  it('checks required fields, bounds, whole numbers, choices and length', () => {
    const m = { ...modelOf(fields, {}), staff_onsite: '1.5', fever: '-1', disinfectant_liters: '101', fever_handling: 'nope', remarks: '一二三四五六' };
    const e = check(fields, m);
    expect(e.staff_onsite).toEqual(['请填写整数']);
    expect(e.fever).toEqual(['不能小于 0']);
    expect(e.disinfectant_liters).toEqual(['不能大于 100']);
    expect(e.disinfected).toEqual(['必填']);
    expect(e.fever_handling).toEqual(['请从选项中选择']);
    expect(e.remarks).toEqual(['不超过 5 字']);
    setLang('en');
    expect(check(fields, m).disinfected).toEqual(['Required']);
    expect(boundsText(fields[3])).toBe('0–100');
  });

  it('copies yesterday into blank fields only, and never the day-specific ones', () => {
    const yesterday = { staff_onsite: 38, fever: 1, fever_handling: 'fever_clinic', disinfectant_liters: 3, disinfected: true, remarks: '张三发热' };
    const m = { ...modelOf(fields, {}), disinfectant_liters: '7' };
    const { model, filled } = copyInto(fields, m, yesterday);
    expect(filled).toBe(1);
    expect(model).toMatchObject({ staff_onsite: '38', fever: '', fever_handling: '', disinfectant_liters: '7', disinfected: '', remarks: '' });
  });

  it('shows stored values by their labels', () => {
    expect(show(fields[4], true)).toBe('是');
    expect(show(fields[2], 'fever_clinic')).toBe('已送发热门诊');
    expect(show(fields[0], null)).toBe('—');
  });
});

describe('daily form model from number inputs', () => {
  it('reads numbers that v-model stored as numbers', () => {
    const m = { ...modelOf(fields, {}), staff_onsite: 40 as unknown as string, fever: 0 as unknown as string, disinfectant_liters: '1', disinfected: 'yes' };
    expect(check(fields, m)).toEqual({});
    expect(valuesOf(fields, m)).toMatchObject({ staff_onsite: 40, fever: 0 });
    expect(sameModel(m, { ...m, staff_onsite: '40' })).toBe(true);
  });
});
