import { describe, expect, it } from 'vitest';
import { addDays, dayChart, lastDays, missedDays, rateOf, reportingRate, timelinessRate } from './dailyChart';

describe('daily chart', () => {
  it('computes rates only when someone was expected, and prefers the API figure', () => {
    expect(rateOf(2, 3)).toBe(66.67);
    expect(rateOf(0, 0)).toBeNull();
    expect(reportingRate({ expected: 4, reported: 3 })).toBe(75);
    expect(reportingRate({ expected: 4, reported: 3, reporting_rate: 74.99 })).toBe(74.99);
    expect(timelinessRate({ expected: 4, on_time: 1 })).toBe(25);
  });

  it('draws the days oldest first with on time, late and missing stacked', () => {
    const o = dayChart([
      { date: '2020-02-28', expected: 10, reported: 9, on_time: 8, late: 1, missing: 1 },
      { date: '2020-02-27', expected: 0, reported: 0, on_time: 0, late: 0, missing: 0 },
    ]);
    expect((o.xAxis as { data: string[] }).data).toEqual(['02-27', '02-28']);
    const s = o.series as { name: string; data: unknown[]; stack?: string }[];
    expect(s.map((x) => x.data)).toEqual([[0, 8], [0, 1], [0, 1], ['-', 90], ['-', 80]]);
    expect(s.filter((x) => x.stack).length).toBe(3);
  });

  it('counts days across month ends', () => {
    expect(lastDays('2020-03-02', 3)).toEqual(['2020-02-29', '2020-03-01', '2020-03-02']);
    expect(addDays('2020-03-01', -1)).toBe('2020-02-29');
  });
});

describe('missed days', () => {
  it('lists the days without a report from the first day one was due', () => {
    expect(missedDays(['2020-02-26'], '2020-02-24', '2020-02-27', '2020-02-25')).toEqual(['2020-02-25', '2020-02-27']);
    expect(missedDays([], '2020-02-24', '2020-02-25', null)).toEqual([]);
    expect(missedDays([], '2020-02-24', '2020-02-25', '2020-03-01')).toEqual([]);
  });
});
