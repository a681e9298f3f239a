import { describe, expect, it } from 'vitest';
import {
  periodBounds,
  periodGrouping,
  periodKey,
  periodRange,
  periodStart,
  type GroupBy,
} from '../../src/server/domain/periods.js';

const MADRID = 'Europe/Madrid';
const NEW_YORK = 'America/New_York';
const at = (iso: string) => new Date(iso);
const allGroupings: GroupBy[] = ['month', 'quarter', 'half_year', 'year'];

describe('which period an answer belongs to', () => {
  it('names periods 2026-03, 2026-Q1, 2026-H1, 2026', () => {
    const march = at('2026-03-15T12:00:00Z');
    expect(allGroupings.map((g) => periodKey(march, g, 'UTC'))).toEqual(['2026-03', '2026-Q1', '2026-H1', '2026']);
    const november = at('2026-11-15T12:00:00Z');
    expect(allGroupings.map((g) => periodKey(november, g, 'UTC'))).toEqual(['2026-11', '2026-Q4', '2026-H2', '2026']);
  });

  it('uses the local date: 00:30 on 1 April in Madrid is April, though still March in UTC', () => {
    // 2026-03-31T22:30Z + 2 h (CEST) = 1 Apr 00:30.
    const instant = at('2026-03-31T22:30:00Z');
    expect(allGroupings.map((g) => periodKey(instant, g, MADRID))).toEqual(['2026-04', '2026-Q2', '2026-H1', '2026']);
    expect(allGroupings.map((g) => periodKey(instant, g, 'UTC'))).toEqual(['2026-03', '2026-Q1', '2026-H1', '2026']);
  });

  it('at new year the same instant falls in different years in Madrid and New York', () => {
    // 2025-12-31T23:30Z is 1 Jan 2026 00:30 in Madrid (UTC+1) and 31 Dec 2025 18:30 in New York (UTC−5).
    const instant = at('2025-12-31T23:30:00Z');
    expect(allGroupings.map((g) => periodKey(instant, g, MADRID))).toEqual(['2026-01', '2026-Q1', '2026-H1', '2026']);
    expect(allGroupings.map((g) => periodKey(instant, g, NEW_YORK))).toEqual(['2025-12', '2025-Q4', '2025-H2', '2025']);
  });
});

describe('the periods a report shows', () => {
  it('lists every period in order, across year boundaries, so empty ones still get a row', () => {
    expect(periodRange(at('2025-11-15T12:00:00Z'), at('2026-02-10T12:00:00Z'), 'month', 'UTC')).toEqual([
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
    ]);
    expect(periodRange(at('2025-08-01T12:00:00Z'), at('2026-04-01T12:00:00Z'), 'quarter', 'UTC')).toEqual([
      '2025-Q3',
      '2025-Q4',
      '2026-Q1',
      '2026-Q2',
    ]);
    expect(periodRange(at('2024-05-01T12:00:00Z'), at('2026-01-20T12:00:00Z'), 'half_year', 'UTC')).toEqual([
      '2024-H1',
      '2024-H2',
      '2025-H1',
      '2025-H2',
      '2026-H1',
    ]);
    expect(periodRange(at('2024-12-31T12:00:00Z'), at('2026-01-01T12:00:00Z'), 'year', 'UTC')).toEqual(['2024', '2025', '2026']);
  });

  it('a range within one period is that period; a range backwards is empty', () => {
    expect(periodRange(at('2026-03-01T12:00:00Z'), at('2026-03-31T12:00:00Z'), 'month', 'UTC')).toEqual(['2026-03']);
    expect(periodRange(at('2026-03-31T12:00:00Z'), at('2026-03-01T12:00:00Z'), 'month', 'UTC')).toEqual([]);
  });

  it('reads the range ends in the company time zone too', () => {
    // From 1 Jan 2026 00:30 Madrid time: December 2025 is not in the report.
    expect(periodRange(at('2025-12-31T23:30:00Z'), at('2026-02-01T12:00:00Z'), 'month', MADRID)).toEqual(['2026-01', '2026-02']);
  });

  it('refuses a range no one could read (over 1200 periods)', () => {
    expect(() => periodRange(at('1900-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), 'month', 'UTC')).toThrow(RangeError);
  });
});

describe('where a period starts and ends', () => {
  it('gives the first day of each kind of period', () => {
    expect(periodStart('2026-03')).toBe('2026-03-01');
    expect(periodStart('2026-Q4')).toBe('2026-10-01');
    expect(periodStart('2026-H2')).toBe('2026-07-01');
    expect(periodStart('2026')).toBe('2026-01-01');
    expect(periodGrouping('2026-H2')).toBe('half_year');
  });

  it('refuses keys that are not periods', () => {
    for (const bad of ['2026-13', '2026-00', '2026-Q5', '2026-H3', '26-Q1', '2026-q1', '2026-3', '']) {
      expect(() => periodStart(bad), bad).toThrow(RangeError);
    }
  });

  it('gives the instants to query with, from local midnight to the next period\'s local midnight', () => {
    // Q1 2026 in Madrid: 1 Jan 00:00 CET = 31 Dec 23:00Z, to 1 Apr 00:00 CEST = 31 Mar 22:00Z.
    expect(periodBounds('2026-Q1', MADRID)).toEqual({ start: at('2025-12-31T23:00:00Z'), end: at('2026-03-31T22:00:00Z') });
    // December 2025 in New York: 1 Dec 00:00 EST = 05:00Z, to 1 Jan 2026 00:00 EST = 05:00Z.
    expect(periodBounds('2025-12', NEW_YORK)).toEqual({ start: at('2025-12-01T05:00:00Z'), end: at('2026-01-01T05:00:00Z') });
    expect(periodBounds('2026-H2', 'UTC')).toEqual({ start: at('2026-07-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
    expect(periodBounds('2026', 'UTC')).toEqual({ start: at('2026-01-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
  });

  it('the bounds and the keys agree: the first and last instants of a period belong to it', () => {
    for (const key of ['2026-03', '2026-10', '2026-Q2', '2026-H2', '2026']) {
      const grouping = periodGrouping(key);
      for (const tz of [MADRID, NEW_YORK]) {
        const { start, end } = periodBounds(key, tz);
        expect(periodKey(start, grouping, tz)).toBe(key);
        expect(periodKey(new Date(end.getTime() - 1), grouping, tz)).toBe(key);
        expect(periodKey(end, grouping, tz)).not.toBe(key);
      }
    }
  });
});
