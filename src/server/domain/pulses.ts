import { addBusinessDays } from './business-days.js';
import { MIN_ANSWERS_TO_COMPARE } from './nps-stats.js';
import { meanMargin } from './program-evaluation.js';

/**
 * Pulses after an event (issue 14, part 2), the pure part: when a pulse is sent, what its campaign is called, and
 * the trend of the marks per event type — with margins, and a change called only with enough answers on both sides.
 */

/** The event types every installation starts with, all asking the built-in "How did this delivery go?" pulse. */
export const builtInEventTypes = [
  { key: 'delivery', name: 'Delivery', delayBusinessDays: 1 },
  { key: 'ticket_closed', name: 'Support ticket closed', delayBusinessDays: 1 },
  { key: 'project_milestone', name: 'Project milestone', delayBusinessDays: 1 },
] as const;

/**
 * When the survey goes: the event plus the event type's delay in business days (Monday–Friday where the account team
 * works), at the event's time of day. A delay of 0 sends at the next run. An event posted late gets a send time in the
 * past, which the next run treats as due.
 */
export function pulseSendAt(occurredAt: Date, delayBusinessDays: number, timeZone: string): Date {
  if (delayBusinessDays === 0) return new Date(occurredAt.getTime());
  return addBusinessDays(occurredAt, delayBusinessDays, timeZone);
}

/** The one-contact campaign's name, as the campaign page and the email log show it: "Pulse · delivery D-1042". */
export function pulseCampaignName(event: string, reference: string): string {
  return `Pulse · ${event} ${reference}`.slice(0, 200);
}

export interface MarkSummary {
  n: number;
  /** Two decimals; null without marks. */
  mean: number | null;
  /** ± at 95 % (normal approximation of the mean); null under two marks. */
  marginOfError: number | null;
}

const round2 = (value: number) => Number(value.toFixed(2));

function stats(marks: number[]) {
  const n = marks.length;
  if (!n) return { n, mean: null, sd: null };
  const mean = marks.reduce((a, b) => a + b, 0) / n;
  const sd = n < 2 ? null : Math.sqrt(marks.reduce((a, m) => a + (m - mean) ** 2, 0) / (n - 1));
  return { n, mean, sd };
}

export function summarizeMarks(marks: number[]): MarkSummary {
  const s = stats(marks);
  const margin = meanMargin(s.sd, s.n);
  return { n: s.n, mean: s.mean === null ? null : round2(s.mean), marginOfError: margin === null ? null : round2(margin) };
}

export interface MarkChange {
  since: string;
  change: number;
  significant: boolean;
  reason: 'too_few_answers' | 'within_margin' | 'beyond_margin';
}

/**
 * Did the mean mark move? Never overclaimed: with fewer than MIN_ANSWERS_TO_COMPARE (5) answers on either side the
 * change is "too few answers to tell"; otherwise it counts only beyond the combined margin sqrt(m₁² + m₂²).
 */
export function compareMarks(before: number[], after: number[], since: string): MarkChange | null {
  const b = stats(before);
  const a = stats(after);
  if (b.mean === null || a.mean === null) return null;
  const change = round2(a.mean - b.mean);
  if (b.n < MIN_ANSWERS_TO_COMPARE || a.n < MIN_ANSWERS_TO_COMPARE) return { since, change, significant: false, reason: 'too_few_answers' };
  const combined = Math.hypot(meanMargin(b.sd, b.n) ?? 0, meanMargin(a.sd, a.n) ?? 0);
  const significant = Math.abs(a.mean - b.mean) > combined;
  return { since, change, significant, reason: significant ? 'beyond_margin' : 'within_margin' };
}

/** One pulse as the trend counts it: its period (by send time), whether it went out, and its mark when answered. */
export interface TrendPulse {
  event: string;
  period: string;
  sent: boolean;
  mark: number | null;
}

export interface EventTrend {
  event: string;
  name: string;
  sent: number;
  answered: number;
  meanMark: number | null;
  marginOfError: number | null;
  periods: {
    period: string;
    sent: number;
    answered: number;
    meanMark: number | null;
    marginOfError: number | null;
    change: MarkChange | null;
  }[];
}

/**
 * Per event type and period (oldest first, every period of `periods` listed even when empty): pulses sent, pulses
 * answered with a mark, the mean mark with its margin, and the change against the latest earlier period with marks.
 */
export function pulseTrend(eventTypes: { key: string; name: string }[], pulses: TrendPulse[], periods: string[]): EventTrend[] {
  return eventTypes.map((type) => {
    const mine = pulses.filter((p) => p.event === type.key && periods.includes(p.period));
    const marksOf = (list: TrendPulse[]) => list.map((p) => p.mark).filter((m): m is number => m !== null);
    let previous: { period: string; marks: number[] } | null = null;
    const rows = periods.map((period) => {
      const here = mine.filter((p) => p.period === period);
      const marks = marksOf(here);
      const summary = summarizeMarks(marks);
      const change = previous ? compareMarks(previous.marks, marks, previous.period) : null;
      if (marks.length) previous = { period, marks };
      return { period, sent: here.filter((p) => p.sent).length, answered: marks.length, meanMark: summary.mean, marginOfError: summary.marginOfError, change };
    });
    const all = summarizeMarks(marksOf(mine));
    return { event: type.key, name: type.name, sent: mine.filter((p) => p.sent).length, answered: all.n, meanMark: all.mean, marginOfError: all.marginOfError, periods: rows };
  });
}
