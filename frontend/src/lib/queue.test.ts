import { describe, expect, it } from 'vitest';
import { QUEUE_PAGE, queueParams, sortable } from './queue';

describe('queueParams', () => {
  it('asks the server for one page, oldest first, by default', () => {
    expect(queueParams({})).toEqual({ page: 1, page_size: QUEUE_PAGE });
  });

  it('passes the search, filters and page on', () => {
    expect(queueParams({ q: ' 桂溪 ', street: 'guixi', sector: 'service', severity: 'block', min_age: '3', page: '2' }))
      .toEqual({ q: '桂溪', street: 'guixi', sector: 'service', severity: 'block', min_age_days: '3', page: 2, page_size: QUEUE_PAGE });
  });

  it('drops a malformed age and page instead of sending them', () => {
    expect(queueParams({ min_age: 'abc', page: 'x' })).toEqual({ page: 1, page_size: QUEUE_PAGE });
  });

  it('maps columns to server sorts; waiting longest is submitted earliest', () => {
    expect(queueParams({ sort: 'flags', dir: 'desc' })).toMatchObject({ sort: 'flags', dir: 'desc' });
    expect(queueParams({ sort: 'waiting', dir: 'desc' })).toMatchObject({ sort: 'submitted_at', dir: 'asc' });
    expect(queueParams({ sort: 'waiting' })).toMatchObject({ sort: 'submitted_at', dir: 'desc' });
    expect(queueParams({ sort: 'street' })).not.toHaveProperty('sort');
    expect(sortable('sector')).toBe(true);
    expect(sortable('street')).toBe(false);
  });
});
