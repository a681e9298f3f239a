import { describe, expect, it } from 'vitest';
import { dueWeeklySlot, weeklySlot } from '../../src/server/domain/report-schedule.js';

describe('the weekly report slot', () => {
  it('is Monday 07:00 on the local wall clock, named by its ISO week', () => {
    // Wednesday 11 March 2026 in Madrid (UTC+1): the week began on Monday 9 March, 07:00 local = 06:00 UTC.
    expect(weeklySlot(new Date('2026-03-11T12:00:00Z'), 'Europe/Madrid')).toEqual({
      week: '2026-W11',
      monday: '2026-03-09',
      dueAt: new Date('2026-03-09T06:00:00Z'),
    });
    // Sunday 23:30 local is still the week that began six days before.
    expect(weeklySlot(new Date('2026-03-15T22:30:00Z'), 'Europe/Madrid').monday).toBe('2026-03-09');
  });

  it('follows the local calendar, not UTC: in Auckland Monday 07:00 is Sunday 18:00 UTC', () => {
    const slot = weeklySlot(new Date('2026-03-08T18:00:00Z'), 'Pacific/Auckland');
    expect(slot).toEqual({ week: '2026-W11', monday: '2026-03-09', dueAt: new Date('2026-03-08T18:00:00Z') });
    expect(dueWeeklySlot(new Date('2026-03-08T17:59:59Z'), 'Pacific/Auckland')).toBeNull();
    expect(dueWeeklySlot(new Date('2026-03-08T18:00:00Z'), 'Pacific/Auckland')?.week).toBe('2026-W11');
  });

  it('keeps 07:00 across daylight-saving changes', () => {
    // Summer time in Madrid from 29 March 2026: Monday 30 March 07:00 is 05:00 UTC.
    expect(weeklySlot(new Date('2026-03-30T12:00:00Z'), 'Europe/Madrid').dueAt).toEqual(new Date('2026-03-30T05:00:00Z'));
  });

  it('numbers weeks as ISO 8601 does around the new year', () => {
    expect(weeklySlot(new Date('2025-12-31T12:00:00Z'), 'UTC').week).toBe('2026-W01'); // Monday 29 Dec 2025
    expect(weeklySlot(new Date('2026-12-30T12:00:00Z'), 'UTC').week).toBe('2026-W53'); // 2026 has 53 weeks
    expect(weeklySlot(new Date('2027-01-06T12:00:00Z'), 'UTC').week).toBe('2027-W01');
  });

  it('is due from 07:00 for a day, then waits for the next week', () => {
    expect(dueWeeklySlot(new Date('2026-03-09T06:59:59Z'), 'UTC')).toBeNull();
    expect(dueWeeklySlot(new Date('2026-03-09T07:00:00Z'), 'UTC')?.week).toBe('2026-W11');
    expect(dueWeeklySlot(new Date('2026-03-10T06:59:59Z'), 'UTC')?.week).toBe('2026-W11');
    expect(dueWeeklySlot(new Date('2026-03-10T07:00:00Z'), 'UTC')).toBeNull();
  });
});
