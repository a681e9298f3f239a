import { instantAt, wallClockIn } from './business-days.js';

/**
 * Report periods. An answer belongs to the period of its local date in the company's time zone: an answer sent
 * at 00:30 on 1 April in Madrid is an April (Q2) answer, although it is still 31 March in UTC.
 * Keys sort as text in time order within one grouping: '2026-03', '2026-Q1', '2026-H1', '2026'.
 */

export type GroupBy = 'month' | 'quarter' | 'half_year' | 'year';

/** Months per period. */
const monthsIn: Record<GroupBy, number> = { month: 1, quarter: 3, half_year: 6, year: 12 };

/** Enough for 100 years by month; a longer range is a mistake in the request, not a report anyone reads. */
export const MAX_PERIODS = 1200;

interface Period {
  groupBy: GroupBy;
  year: number;
  /** 0-based index of the period within its year: month 0–11, quarter 0–3, half 0–1, year 0. */
  index: number;
}

function keyOf({ groupBy, year, index }: Period): string {
  const y = String(year).padStart(4, '0');
  switch (groupBy) {
    case 'month':
      return `${y}-${String(index + 1).padStart(2, '0')}`;
    case 'quarter':
      return `${y}-Q${index + 1}`;
    case 'half_year':
      return `${y}-H${index + 1}`;
    case 'year':
      return y;
  }
}

function parseKey(key: string): Period {
  const match = /^(\d{4})(?:-(0[1-9]|1[0-2])|-Q([1-4])|-H([12]))?$/.exec(key);
  if (!match) throw new RangeError(`not a period: "${key}" (expected 2026-03, 2026-Q1, 2026-H1 or 2026)`);
  const [, year, month, quarter, half] = match;
  if (month) return { groupBy: 'month', year: Number(year), index: Number(month) - 1 };
  if (quarter) return { groupBy: 'quarter', year: Number(year), index: Number(quarter) - 1 };
  if (half) return { groupBy: 'half_year', year: Number(year), index: Number(half) - 1 };
  return { groupBy: 'year', year: Number(year), index: 0 };
}

function periodOf(date: Date, groupBy: GroupBy, timeZone: string): Period {
  const { year, month } = wallClockIn(date, timeZone);
  return { groupBy, year, index: Math.floor((month - 1) / monthsIn[groupBy]) };
}

/** The period an instant falls in, by its local date in `timeZone`. */
export function periodKey(date: Date, groupBy: GroupBy, timeZone: string): string {
  return keyOf(periodOf(date, groupBy, timeZone));
}

/**
 * Every period from the one holding `from` to the one holding `to`, both included, in order — so a report shows
 * a period nobody answered in as an empty row instead of silently closing the gap. Empty when `to` is before `from`.
 */
export function periodRange(from: Date, to: Date, groupBy: GroupBy, timeZone: string): string[] {
  if (to.getTime() < from.getTime()) return [];
  const first = periodOf(from, groupBy, timeZone);
  const last = periodOf(to, groupBy, timeZone);
  const perYear = 12 / monthsIn[groupBy];
  const count = (last.year - first.year) * perYear + (last.index - first.index) + 1;
  if (count > MAX_PERIODS) throw new RangeError(`at most ${MAX_PERIODS} periods in one report, asked for ${count}`);
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = first.index + i;
    keys.push(keyOf({ groupBy, year: first.year + Math.floor(n / perYear), index: n % perYear }));
  }
  return keys;
}

/** The first day of a period as a date, 'YYYY-MM-DD' ('2026-Q2' → '2026-04-01'). */
export function periodStart(key: string): string {
  const { year, month } = firstMonthOf(parseKey(key));
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-01`;
}

/** Which grouping a key belongs to ('2026-H1' → 'half_year'). */
export function periodGrouping(key: string): GroupBy {
  return parseKey(key).groupBy;
}

/**
 * The instants a period covers in `timeZone`: from local midnight on its first day, up to but not including
 * local midnight on the next period's first day — the bounds to query answers with (`start <= t < end`).
 */
export function periodBounds(key: string, timeZone: string): { start: Date; end: Date } {
  const period = parseKey(key);
  const first = firstMonthOf(period);
  const afterMonths = first.month - 1 + monthsIn[period.groupBy];
  return {
    start: instantAt({ year: first.year, month: first.month, day: 1 }, timeZone),
    end: instantAt({ year: first.year + Math.floor(afterMonths / 12), month: (afterMonths % 12) + 1, day: 1 }, timeZone),
  };
}

/** The instants a run of consecutive periods covers (e.g. a half's compared quarters): the first's start to the last's end. */
export function spanBounds(keys: string[], timeZone: string): { start: Date; end: Date } {
  return { start: periodBounds(keys[0]!, timeZone).start, end: periodBounds(keys.at(-1)!, timeZone).end };
}

function firstMonthOf({ groupBy, year, index }: Period): { year: number; month: number } {
  return { year, month: index * monthsIn[groupBy] + 1 };
}
