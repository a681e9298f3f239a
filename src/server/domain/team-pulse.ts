import { MIN_ANSWERS_TO_COMPARE, type NpsChangeReason } from './nps-stats.js';
import { meanMargin } from './program-evaluation.js';
import { TEAM_PULSE_MIN_ANSWERS } from '../../shared/schemas/team-pulse.js';

/**
 * The internal team pulse, pure: one half's marks of a team summarised (mean, margin, response rate), hidden below
 * TEAM_PULSE_MIN_ANSWERS answers so nobody's marks can be picked out, and a half compared with the one before by the
 * same rule as every other figure: at least MIN_ANSWERS_TO_COMPARE answers a side and a change larger than the
 * combined margin sqrt(m₁² + m₂²). Margins are z·s/√n without a finite-population correction, even when the whole
 * team answered: like the NPS comparison, a half's opinions are one draw of a process that goes on, and a
 * conservative margin never overclaims.
 */

export interface PulseMarks {
  deliveryMark: number;
  collaborationMark: number;
}

export interface MarkSummary {
  n: number;
  mean: number | null;
  /** Sample standard deviation (n − 1); null below two answers. */
  standardDeviation: number | null;
  marginOfError: number | null;
}

export function summarizeMarks(marks: number[]): MarkSummary {
  const n = marks.length;
  if (n === 0) return { n, mean: null, standardDeviation: null, marginOfError: null };
  const mean = marks.reduce((a, b) => a + b, 0) / n;
  const standardDeviation = n < 2 ? null : Math.sqrt(marks.reduce((a, m) => a + (m - mean) ** 2, 0) / (n - 1));
  return { n, mean, standardDeviation, marginOfError: meanMargin(standardDeviation, n) };
}

export interface PulseHalf {
  period: string;
  asked: number;
  answered: number;
  responseRate: number | null;
  shown: boolean;
  /** The answers behind the marks (see pooledHalf). */
  counted: number;
  delivery: MarkSummary;
  collaboration: MarkSummary;
}

/**
 * One half of one team (or of several together). `asked` is how many people were asked: callers count the team as
 * it is now plus anyone who answered and has since left it, so the rate never passes 100 %.
 */
export function summarizeHalf(period: string, answers: PulseMarks[], asked: number, minimum = TEAM_PULSE_MIN_ANSWERS): PulseHalf {
  const answered = answers.length;
  const effectiveAsked = Math.max(asked, answered);
  const shown = answered >= minimum;
  return {
    period,
    asked: effectiveAsked,
    answered,
    responseRate: effectiveAsked > 0 ? answered / effectiveAsked : null,
    shown,
    counted: shown ? answered : 0,
    delivery: summarizeMarks(answers.map((a) => a.deliveryMark)),
    collaboration: summarizeMarks(answers.map((a) => a.collaborationMark)),
  };
}

/**
 * Several teams' halves together (the program). Everyone asked and every answer count in the response rate, but
 * the marks pool only the teams whose own half is shown: with a hidden team's answers in the total, its marks
 * could be worked out by subtracting the shown teams' from it. The pool itself is shown from `minimum` marks.
 */
export function pooledHalf(period: string, teams: { answers: PulseMarks[]; asked: number }[], minimum = TEAM_PULSE_MIN_ANSWERS): PulseHalf {
  const asked = teams.reduce((n, t) => n + Math.max(t.asked, t.answers.length), 0);
  const answered = teams.reduce((n, t) => n + t.answers.length, 0);
  const marks = teams.filter((t) => t.answers.length >= minimum).flatMap((t) => t.answers);
  const shown = marks.length >= minimum;
  return {
    period,
    asked,
    answered,
    responseRate: asked > 0 ? answered / asked : null,
    shown,
    counted: shown ? marks.length : 0,
    delivery: summarizeMarks(marks.map((a) => a.deliveryMark)),
    collaboration: summarizeMarks(marks.map((a) => a.collaborationMark)),
  };
}

export interface MarkComparison {
  change: number | null;
  combinedMargin: number | null;
  significant: boolean;
  reason: NpsChangeReason;
}

/**
 * A mean against the one of the half before. A hidden half (too few answers to show) is not compared either: a
 * change would give its mean away.
 */
export function compareMarks(before: MarkSummary, after: MarkSummary, minimumShown = TEAM_PULSE_MIN_ANSWERS): MarkComparison {
  if (before.mean === null || before.n < minimumShown) return { change: null, combinedMargin: null, significant: false, reason: 'no_previous' };
  if (after.mean === null || after.n < minimumShown) return { change: null, combinedMargin: null, significant: false, reason: 'no_current' };
  const change = after.mean - before.mean;
  const combinedMargin = before.marginOfError !== null && after.marginOfError !== null ? Math.hypot(before.marginOfError, after.marginOfError) : null;
  if (before.n < MIN_ANSWERS_TO_COMPARE || after.n < MIN_ANSWERS_TO_COMPARE || combinedMargin === null) {
    return { change, combinedMargin, significant: false, reason: 'too_few_answers' };
  }
  const significant = Math.abs(change) > combinedMargin;
  return { change, combinedMargin, significant, reason: significant ? 'beyond_margin' : 'within_margin' };
}

/**
 * Colleagues' words without who wrote them or when: blanks dropped, and sorted alphabetically so the order (which
 * would follow answering time or row order) tells nothing about the author.
 */
export function anonymousWords(texts: (string | null)[]): string[] {
  return texts
    .map((t) => t?.trim() ?? '')
    .filter(Boolean)
    .sort((a, b) => a.localeCompare(b));
}
