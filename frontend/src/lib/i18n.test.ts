import { afterEach, describe, expect, it } from 'vitest';
import { lang, localMsg, splitBilingual, t } from './i18n';

afterEach(() => { lang.value = 'zh-CN'; });

describe('splitBilingual', () => {
  it.each([
    ['未找到 / not found', { zh: '未找到', en: 'not found' }],
    // English that starts with a digit (the old UI did not split these)
    ['名册有 3 行错误 / 3 rows are wrong', { zh: '名册有 3 行错误', en: '3 rows are wrong' }],
    ['请求体过大（上限 10 MB）/ request body too large (limit 10 MB)', { zh: '请求体过大（上限 10 MB）', en: 'request body too large (limit 10 MB)' }],
    // a Chinese text holding " / " itself
    ['请上传 CSV / XLSX 文件 / upload a CSV or XLSX file', { zh: '请上传 CSV / XLSX 文件', en: 'upload a CSV or XLSX file' }],
    ['internal error / 服务器内部错误', { zh: '服务器内部错误', en: 'internal error' }],
    ['"x" 不是日期 / "x" is not a date', { zh: '"x" 不是日期', en: '"x" is not a date' }],
  ])('%s', (s, want) => { expect(splitBilingual(s)).toEqual(want); });

  it.each(['未找到', 'not found', '第 3 行：身份证号无效', 'A / B', ''])('leaves %j whole', (s) => {
    expect(splitBilingual(s)).toBeNull();
  });
});

describe('localMsg', () => {
  it('picks the language of an old bilingual message', () => {
    expect(localMsg('未找到 / not found', 'zh-CN')).toBe('未找到');
    expect(localMsg('未找到 / not found', 'en')).toBe('not found');
  });
  it('shows a catalog message (one language) as it is', () => {
    expect(localMsg('计划复工日期不能早于今天', 'en')).toBe('计划复工日期不能早于今天');
    expect(localMsg('planned date is in the past', 'zh-CN')).toBe('planned date is in the past');
    expect(localMsg(null)).toBe('');
  });
  it('t follows the chosen language', () => {
    expect(t('通知', 'Notifications')).toBe('通知');
    lang.value = 'en';
    expect(t('通知', 'Notifications')).toBe('Notifications');
  });
});
