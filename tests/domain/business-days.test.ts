import { describe, expect, it } from 'vitest';
import { addBusinessDays, instantAt, isOverdue, wallClockIn } from '../../src/server/domain/business-days.js';

const MADRID = 'Europe/Madrid';
const NEW_YORK = 'America/New_York';
const at = (iso: string) => new Date(iso);

// 2026 clock changes: Madrid goes CET (UTC+1) → CEST (UTC+2) on Sunday 29 March and back on Sunday 25 October;
// New York goes EST (UTC−5) → EDT (UTC−4) on Sunday 8 March and back on Sunday 1 November.

describe('due dates in business days', () => {
  it('a detractor on Friday morning in Madrid, due in 2 business days: Tuesday morning', () => {
    // Fri 27 Mar 09:00 CET = 08:00Z → Mon 30, Tue 31 → Tue 31 Mar 09:00 CEST = 07:00Z.
    expect(addBusinessDays(at('2026-03-27T08:00:00Z'), 2, MADRID)).toEqual(at('2026-03-31T07:00:00Z'));
  });

  it('keeps the wall-clock time across the spring clock change, not the UTC time', () => {
    // Thu 26 Mar 15:00 CET = 14:00Z → Fri 27, Mon 30 → Mon 30 Mar 15:00 CEST = 13:00Z.
    expect(addBusinessDays(at('2026-03-26T14:00:00Z'), 2, MADRID)).toEqual(at('2026-03-30T13:00:00Z'));
  });

  it('and across the autumn change', () => {
    // Madrid: Fri 23 Oct 18:00 CEST = 16:00Z → Mon 26 Oct 18:00 CET = 17:00Z.
    expect(addBusinessDays(at('2026-10-23T16:00:00Z'), 1, MADRID)).toEqual(at('2026-10-26T17:00:00Z'));
    // New York: Fri 30 Oct 09:00 EDT = 13:00Z → Mon 2 Nov 09:00 EST = 14:00Z.
    expect(addBusinessDays(at('2026-10-30T13:00:00Z'), 1, NEW_YORK)).toEqual(at('2026-11-02T14:00:00Z'));
  });

  it('an answer given at the weekend counts from Monday', () => {
    // Sat 28 Mar 11:00 CET = 10:00Z → counts from Mon 30 Mar 11:00; + 2 → Wed 1 Apr 11:00 CEST = 09:00Z.
    expect(addBusinessDays(at('2026-03-28T10:00:00Z'), 2, MADRID)).toEqual(at('2026-04-01T09:00:00Z'));
    // Sunday with 0 days: Monday at the same time. Sun 8 Mar 10:00 EDT (already summer time) = 14:00Z
    // → Mon 9 Mar 10:00 EDT = 14:00Z.
    expect(addBusinessDays(at('2026-03-08T14:00:00Z'), 0, NEW_YORK)).toEqual(at('2026-03-09T14:00:00Z'));
  });

  it('the weekday is the one in the team\'s time zone, not in UTC', () => {
    // 2026-03-06T23:30Z is Sat 7 Mar 00:30 in Madrid but still Fri 6 Mar 18:30 in New York.
    const instant = at('2026-03-06T23:30:00Z');
    // Madrid: weekend → from Mon 9 Mar 00:30; + 1 → Tue 10 Mar 00:30 CET = Mon 9 Mar 23:30Z.
    expect(addBusinessDays(instant, 1, MADRID)).toEqual(at('2026-03-09T23:30:00Z'));
    // New York: Fri + 1 → Mon 9 Mar 18:30, now EDT (the clocks changed on Sunday) = 22:30Z.
    expect(addBusinessDays(instant, 1, NEW_YORK)).toEqual(at('2026-03-09T22:30:00Z'));
  });

  it('skips every weekend on longer spans and across the new year', () => {
    // Mon 2 Mar 10:00 CET + 7: Tue 3 … Mon 9 is 5, Tue 10 is 6, Wed 11 is 7 → 09:00Z.
    expect(addBusinessDays(at('2026-03-02T09:00:00Z'), 7, MADRID)).toEqual(at('2026-03-11T09:00:00Z'));
    // Wed 31 Dec 2025 17:00 EST = 22:00Z + 2 → Fri 2 Jan 2026 17:00 EST (holidays are not known here).
    expect(addBusinessDays(at('2025-12-31T22:00:00Z'), 2, NEW_YORK)).toEqual(at('2026-01-02T22:00:00Z'));
  });

  it('0 days on a weekday is the same instant', () => {
    const start = at('2026-03-04T10:15:30.250Z');
    expect(addBusinessDays(start, 0, MADRID)).toEqual(start);
  });

  it('refuses negative or fractional days and unknown time zones', () => {
    expect(() => addBusinessDays(at('2026-03-02T09:00:00Z'), -1, MADRID)).toThrow(RangeError);
    expect(() => addBusinessDays(at('2026-03-02T09:00:00Z'), 1.5, MADRID)).toThrow(RangeError);
    expect(() => addBusinessDays(at('2026-03-02T09:00:00Z'), 1, 'Mars/Olympus')).toThrow(RangeError);
  });
});

describe('local times around clock changes', () => {
  it('reads the wall clock and the weekday in a zone', () => {
    expect(wallClockIn(at('2026-03-06T23:30:00.125Z'), MADRID)).toEqual({
      year: 2026,
      month: 3,
      day: 7,
      hour: 0,
      minute: 30,
      second: 0,
      millisecond: 125,
      weekday: 6,
    });
  });

  it('a time skipped in spring moves forward; a time that happens twice in autumn takes the first', () => {
    // 29 Mar 02:30 does not exist in Madrid (02:00 → 03:00): 03:30 CEST = 01:30Z.
    expect(instantAt({ year: 2026, month: 3, day: 29, hour: 2, minute: 30 }, MADRID)).toEqual(at('2026-03-29T01:30:00Z'));
    // 25 Oct 02:30 happens at 00:30Z (CEST) and again at 01:30Z (CET): the first.
    expect(instantAt({ year: 2026, month: 10, day: 25, hour: 2, minute: 30 }, MADRID)).toEqual(at('2026-10-25T00:30:00Z'));
  });
});

describe('overdue', () => {
  const due = at('2026-03-04T10:00:00Z');
  it('is on time up to the due instant and late just after it', () => {
    expect(isOverdue(due, at('2026-03-04T09:59:59Z'))).toBe(false);
    expect(isOverdue(due, due)).toBe(false);
    expect(isOverdue(due, at('2026-03-04T10:00:00.001Z'))).toBe(true);
  });
  it('a task without a due date is never overdue', () => {
    expect(isOverdue(null, at('2030-01-01T00:00:00Z'))).toBe(false);
  });
});
