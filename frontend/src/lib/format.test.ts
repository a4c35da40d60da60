import { describe, expect, it } from 'vitest';
import { fmtRate, fmtSize, today, waitingDays } from './format';

describe('fmtRate', () => {
  it.each([
    [85.5912, undefined, '85.59%'],
    [0, 10, '0.00%'],
    [0, 0, '—'], // 0/0: nothing to rate, never 0.00%
    [null, 5, '—'],
    [undefined, undefined, '—'],
    [100, 3, '100.00%'],
    [12.5, null, '—'],
  ])('fmtRate(%s, %s) = %s', (rate, den, want) => {
    expect(fmtRate(rate as number | null | undefined, den as number | null | undefined)).toBe(want);
  });
});

describe('fmtSize', () => {
  it.each([[0, '0 B'], [1023, '1023 B'], [2048, '2.0 KB'], [3 * 1048576, '3.0 MB'], [null, '—']])('%s → %s', (n, want) => {
    expect(fmtSize(n as number | null)).toBe(want);
  });
});

describe('dates', () => {
  it('today is the Beijing date', () => {
    // 2020-02-27T17:00Z is already the 28th in Beijing
    expect(today(0, Date.parse('2020-02-27T17:00:00Z'))).toBe('2020-02-28');
    expect(today(3, Date.parse('2020-02-27T15:00:00Z'))).toBe('2020-03-01');
  });
  it('waitingDays counts whole days', () => {
    const now = Date.parse('2020-02-28T12:00:00Z');
    expect(waitingDays('2020-02-25T13:00:00Z', now)).toBe(2);
    expect(waitingDays(null, now)).toBeNull();
    expect(waitingDays('2020-03-01T00:00:00Z', now)).toBe(0);
  });
});
