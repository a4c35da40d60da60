import { describe, expect, it } from 'vitest';
import { addressee, letterDate } from './letter';

describe('letter', () => {
  const street = (c: string) => ({ guixi: '桂溪街道' } as Record<string, string>)[c] || c;
  it('is addressed to the enterprise, the street or the department', () => {
    expect(addressee({ enterprise_name: '桂溪甲公司', street: 'guixi', target_kind: 'enterprise' }, street)).toBe('桂溪甲公司');
    expect(addressee({ street: 'guixi', target_kind: 'street' }, street)).toBe('桂溪街道');
    expect(addressee({ target_kind: 'department', problems: [{ department: 'jingji' } as never] }, street)).toBe('jingji');
  });
  it('dates the letter in Shanghai', () => {
    expect(letterDate('2020-02-20T17:30:00Z')).toBe('2020年02月21日');
    expect(letterDate(null)).toBe('');
  });
});
