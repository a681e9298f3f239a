import { instantAt, wallClockIn } from './business-days.js';

/**
 * When a weekly report is due. The Monday Morning Report goes out on Monday at 07:00 on the company's wall clock
 * (KEYPULSE_TIMEZONE), whatever the server's zone and across daylight-saving changes: in Auckland that instant is
 * still Sunday evening in UTC, in Los Angeles it is Monday afternoon.
 *
 * Each week has one edition, named by its ISO week ('2026-W10'), which is what makes sending idempotent: the
 * edition key goes into a unique column, so a sweep that runs twice (or two sweeps at once) queues it once.
 */

export interface WeeklySlot {
  /** ISO week of the local Monday: '2026-W10'. */
  week: string;
  /** The local Monday, 'YYYY-MM-DD'. */
  monday: string;
  /** The instant the edition is due (Monday 07:00 local). */
  dueAt: Date;
}

/** A late edition still goes out within this long of its time (a deploy or an outage); after that it waits for next week. */
export const WEEKLY_REPORT_CATCH_UP_MS = 24 * 3600_000;

const DAY = 86_400_000;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The edition of the local week (Monday to Sunday) that `now` falls in. */
export function weeklySlot(now: Date, timeZone: string, at: { hour: number; minute?: number } = { hour: 7 }): WeeklySlot {
  const local = wallClockIn(now, timeZone);
  // Calendar arithmetic on a UTC date: it has no daylight saving, so it moves by whole days only.
  const sinceMonday = (local.weekday + 6) % 7;
  const monday = new Date(Date.UTC(local.year, local.month - 1, local.day) - sinceMonday * DAY);
  const date = { year: monday.getUTCFullYear(), month: monday.getUTCMonth() + 1, day: monday.getUTCDate() };
  return {
    week: isoWeek(monday),
    monday: `${pad(date.year, 4)}-${pad(date.month)}-${pad(date.day)}`,
    dueAt: instantAt({ ...date, hour: at.hour, minute: at.minute ?? 0 }, timeZone),
  };
}

/** The edition due now, if any: from its time until the catch-up window closes. */
export function dueWeeklySlot(now: Date, timeZone: string): WeeklySlot | null {
  const slot = weeklySlot(now, timeZone);
  const late = now.getTime() - slot.dueAt.getTime();
  return late >= 0 && late < WEEKLY_REPORT_CATCH_UP_MS ? slot : null;
}

/** ISO 8601 week of a Monday given as a UTC calendar date: the week belongs to the year of its Thursday. */
function isoWeek(monday: Date): string {
  const thursday = new Date(monday.getTime() + 3 * DAY);
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY / 7) + 1;
  return `${pad(year, 4)}-W${pad(week)}`;
}

export interface DailySlot {
  /** The local date, 'YYYY-MM-DD'. */
  date: string;
  /** The instant the day's edition is due. */
  dueAt: Date;
}

/** Today's daily edition (e.g. the task digest at 08:00 local) once its time has come, within the catch-up window. */
export function dueDailySlot(now: Date, timeZone: string, at: { hour: number } = { hour: 8 }): DailySlot | null {
  const local = wallClockIn(now, timeZone);
  const dueAt = instantAt({ year: local.year, month: local.month, day: local.day, hour: at.hour, minute: 0 }, timeZone);
  const late = now.getTime() - dueAt.getTime();
  if (late < 0 || late >= WEEKLY_REPORT_CATCH_UP_MS) return null;
  return { date: `${pad(local.year, 4)}-${pad(local.month)}-${pad(local.day)}`, dueAt };
}
