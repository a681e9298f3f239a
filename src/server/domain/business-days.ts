/**
 * Due dates in business days, counted where the account team works: "due in 2 business days" for an answer that
 * arrives on Friday afternoon in Madrid means Tuesday afternoon in Madrid, whatever the server's clock says and
 * across a daylight-saving change. Time zones come from Intl (the IANA database Node ships), so no dependency.
 */

/** A wall-clock reading in some time zone. Months are 1–12; weekday 0 is Sunday … 6 is Saturday. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-US with h23 gives plain numbers and 00–23 hours; a bad zone name throws a RangeError here.
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** What a clock on the wall in `timeZone` shows at `date`. */
export function wallClockIn(date: Date, timeZone: string): WallClock {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new RangeError('invalid date');
  const parts: Record<string, number> = {};
  for (const part of formatterFor(timeZone).formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  const year = parts.year!;
  const month = parts.month!;
  const day = parts.day!;
  return {
    year,
    month,
    day,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
    millisecond: ((ms % 1000) + 1000) % 1000,
    weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay(),
  };
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (Madrid in summer: +2 h). */
function offsetAt(ms: number, timeZone: string): number {
  const w = wallClockIn(new Date(ms), timeZone);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, w.millisecond);
  return asUtc - ms;
}

/** A local date and time; the time defaults to midnight. */
export interface LocalDateTime {
  year: number;
  month: number;
  day: number;
  hour?: number;
  minute?: number;
  second?: number;
  millisecond?: number;
}

/**
 * The instant at which the wall clock in `timeZone` shows the given local time. Around daylight-saving changes it
 * behaves like Temporal's "compatible" choice: a time skipped in spring moves forward by the gap (02:30 → 03:30),
 * a time that happens twice in autumn takes the first one.
 */
export function instantAt(local: LocalDateTime, timeZone: string): Date {
  const asUtc = Date.UTC(
    local.year,
    local.month - 1,
    local.day,
    local.hour ?? 0,
    local.minute ?? 0,
    local.second ?? 0,
    local.millisecond ?? 0,
  );
  // Offsets a day either side bracket any transition near this time (no zone changes twice in a day).
  const offsetBefore = offsetAt(asUtc - 86_400_000, timeZone);
  const offsetAfter = offsetAt(asUtc + 86_400_000, timeZone);
  const candidates = [asUtc - offsetBefore, asUtc - offsetAfter]
    .filter((ms) => ms + offsetAt(ms, timeZone) === asUtc)
    .sort((a, b) => a - b);
  // No candidate: the time falls in a spring-forward gap. Reading it with the earlier offset lands past the gap.
  return new Date(candidates[0] ?? asUtc - offsetBefore);
}

const isWeekend = (weekday: number) => weekday === 0 || weekday === 6;

/**
 * `start` plus `days` business days (Monday–Friday in `timeZone`), at the same time of day on the wall clock.
 * A start on a Saturday or Sunday counts from the following Monday at that time, so an answer given at the
 * weekend gets the same full working days as one given on Monday morning (Saturday + 2 → Wednesday).
 * Public holidays are not known here; a due date may land on one.
 */
export function addBusinessDays(start: Date, days: number, timeZone: string): Date {
  if (!Number.isInteger(days) || days < 0) throw new RangeError(`business days must be a whole number ≥ 0, got ${days}`);
  const local = wallClockIn(start, timeZone);
  // Step over civil dates with a UTC calendar date: it has no DST, so it only ever moves by whole days.
  const date = new Date(Date.UTC(local.year, local.month - 1, local.day));
  const nextDay = () => date.setUTCDate(date.getUTCDate() + 1);
  while (isWeekend(date.getUTCDay())) nextDay();
  for (let left = days; left > 0; ) {
    nextDay();
    if (!isWeekend(date.getUTCDay())) left--;
  }
  // The same wall time on the new date. Same day, same time on a weekday: give back the very instant, so a time
  // that happens twice (autumn change) is not swapped for its twin.
  const sameDay = date.getUTCFullYear() === local.year && date.getUTCMonth() + 1 === local.month && date.getUTCDate() === local.day;
  if (sameDay) return new Date(start.getTime());
  return instantAt(
    {
      year: date.getUTCFullYear(),
      month: date.getUTCMonth() + 1,
      day: date.getUTCDate(),
      hour: local.hour,
      minute: local.minute,
      second: local.second,
      millisecond: local.millisecond,
    },
    timeZone,
  );
}

/**
 * Is a task past its due time? Due at 10:00 means it is still on time at 10:00:00 and late a millisecond after.
 * Whether the task is still open is the caller's question: a done or dismissed task is never overdue.
 */
export function isOverdue(dueAt: Date | null, now: Date): boolean {
  return dueAt !== null && now.getTime() > dueAt.getTime();
}
