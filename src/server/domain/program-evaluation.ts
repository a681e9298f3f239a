import type { NpsChangeReason } from './nps-stats.js';

/**
 * Program evaluation (issue 6, section 5), pure: the half-year periods, the audit marks' margin, and the rule
 * that says which key accounts need a decision — each reason in words, so the report can say why.
 *
 * An account needs a decision when any of these holds:
 * 1. its NPS fell significantly since the previous period (at least 5 answers in each and the fall larger than
 *    the combined margin sqrt(m₁² + m₂²): the same test as the NPS report, domain/nps-stats.ts compareNps);
 * 2. its contribution (gross profit − cost to serve) in the period is negative;
 * 3. it has no current plan (no plan, or a plan not updated within the period);
 * 4. its partnership score fell by `partnershipFallPoints` or more between its last two assessments;
 * 5. its renewal is within `renewalDays` days (today included) and not past.
 * What improved and what else needs attention are listed too, but do not make a decision necessary.
 */

export interface EvaluationThresholds {
  /** A renewal this close (days) needs a decision. */
  renewalDays: number;
  /** A partnership score fall of at least this many points needs a decision. */
  partnershipFallPoints: number;
  /** Sales falling by at least this share (0–1) need attention. */
  salesFallShare: number;
  /** A plan whose actions are done below this share (0–1) needs attention. */
  actionsDoneShare: number;
}

export const defaultThresholds: EvaluationThresholds = { renewalDays: 90, partnershipFallPoints: 5, salesFallShare: 0.1, actionsDoneShare: 0.5 };

export interface Compared {
  current: number | null;
  previous: number | null;
}

export interface AccountEvaluationInput {
  period: string;
  revenue: Compared;
  contribution: Compared;
  /** As compareNps gives it (no finite-population correction, at least 5 answers a side), with the answers behind each score. */
  nps: {
    current: number | null;
    previous: number | null;
    change: number | null;
    combinedMargin: number | null;
    significant: boolean;
    reason: NpsChangeReason;
    responses: { current: number; previous: number };
  };
  /** Audit marks out of ten, the latest wave against the one before. */
  audit: { change: number | null; significant: boolean };
  plan: { exists: boolean; current: boolean; updatedAt: string | null; doneShare: number | null };
  partnership: { latest: number | null; previous: number | null; change: number | null };
  renewal: { date: string | null; daysToGo: number | null };
  /** Contact levels with nobody mapped. */
  relationshipGaps: string[];
}

export interface AccountEvaluation {
  needsDecision: boolean;
  /** Why a decision is needed (empty when it is not). */
  reasons: string[];
  /** Worth a look, but not a decision. */
  attention: string[];
  improvements: string[];
}

const points = (n: number) => `${Math.abs(Math.round(n * 10) / 10)} points`;
/** An NPS as the pages show it: whole points, signed, a real minus (U+2212). */
const signedNps = (n: number | null) => {
  if (n === null) return '—';
  const r = Math.round(n);
  return r > 0 ? `+${r}` : r < 0 ? `−${-r}` : '0';
};
const answers = (n: number) => `${n} ${n === 1 ? 'answer' : 'answers'}`;
/** Minor units as a plain amount with two decimals and a real minus sign (the currency is the company's own). */
export const formatMoney = (minor: number) => `${minor < 0 ? '−' : ''}${(Math.abs(minor) / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const percent = (share: number) => `${Math.round(share * 100)} %`;

export function evaluateAccount(input: AccountEvaluationInput, thresholds: EvaluationThresholds = defaultThresholds): AccountEvaluation {
  const reasons: string[] = [];
  const attention: string[] = [];
  const improvements: string[] = [];
  const { nps, revenue, contribution, plan, partnership, renewal, audit } = input;

  if (nps.change !== null && nps.change < 0) {
    const line =
      `NPS fell ${Math.abs(Math.round(nps.change))} points (${signedNps(nps.previous)} from ${answers(nps.responses.previous)} → ` +
      `${signedNps(nps.current)} from ${answers(nps.responses.current)})`;
    if (nps.significant) reasons.push(`${line}, more than the ±${(nps.combinedMargin ?? 0).toFixed(1)} margin`);
    else if (nps.reason === 'too_few_answers') attention.push(`${line}, too few answers to tell`);
    else attention.push(`${line}, within the margin of error`);
  } else if (nps.change !== null && nps.change > 0 && nps.significant) {
    improvements.push(
      `NPS rose ${Math.round(nps.change)} points (${signedNps(nps.previous)} from ${answers(nps.responses.previous)} → ` +
        `${signedNps(nps.current)} from ${answers(nps.responses.current)})`,
    );
  }

  if (contribution.current !== null && contribution.current < 0) reasons.push(`Negative contribution in ${input.period}: ${formatMoney(contribution.current)}`);
  else if (contribution.current !== null && contribution.previous !== null && contribution.current > contribution.previous) {
    improvements.push(`Contribution up from ${formatMoney(contribution.previous)} to ${formatMoney(contribution.current)}`);
  }

  if (!plan.exists) reasons.push('No account plan');
  else if (!plan.current) reasons.push(`Account plan not updated in ${input.period} (last on ${plan.updatedAt?.slice(0, 10) ?? 'an unknown date'})`);
  else if (plan.doneShare !== null && plan.doneShare < thresholds.actionsDoneShare) attention.push(`Only ${percent(plan.doneShare)} of the plan's actions done`);
  else if (plan.doneShare === 1) improvements.push("All of the plan's actions done");

  if (partnership.change !== null && partnership.change <= -thresholds.partnershipFallPoints) {
    reasons.push(`Partnership score falling: ${partnership.previous} → ${partnership.latest} (−${points(partnership.change)})`);
  } else if (partnership.change !== null && partnership.change > 0) {
    improvements.push(`Partnership score rising: ${partnership.previous} → ${partnership.latest}`);
  }

  if (renewal.date && renewal.daysToGo !== null && renewal.daysToGo >= 0 && renewal.daysToGo <= thresholds.renewalDays) {
    reasons.push(renewal.daysToGo === 0 ? `Renewal today (${renewal.date})` : `Renewal in ${renewal.daysToGo} day${renewal.daysToGo === 1 ? '' : 's'} (${renewal.date})`);
  }

  if (revenue.current !== null && revenue.previous !== null && revenue.previous > 0) {
    const share = (revenue.current - revenue.previous) / revenue.previous;
    if (share <= -thresholds.salesFallShare) attention.push(`Sales down ${percent(-share)} on the previous period`);
    else if (share > 0) improvements.push(`Sales up ${percent(share)} on the previous period`);
  }

  if (audit.change !== null && audit.significant) {
    if (audit.change < 0) attention.push(`Audit marks fell ${Math.abs(audit.change)} (out of ten) since the previous audit`);
    else improvements.push(`Audit marks rose ${audit.change} (out of ten) since the previous audit`);
  }

  for (const level of input.relationshipGaps) attention.push(`Nobody mapped at the ${level} level`);
  return { needsDecision: reasons.length > 0, reasons, attention, improvements };
}

/** Accounts needing a decision first (most reasons first), then by name. */
export function orderForDecision<T extends { accountName: string; evaluation: AccountEvaluation }>(rows: T[]): T[] {
  return [...rows].sort(
    (a, b) =>
      Number(b.evaluation.needsDecision) - Number(a.evaluation.needsDecision) ||
      b.evaluation.reasons.length - a.evaluation.reasons.length ||
      a.accountName.localeCompare(b.accountName),
  );
}

/** The half-year before `2026-H2` is `2026-H1`; before `2026-H1`, `2025-H2`. */
export function previousHalf(period: string): string {
  const match = /^(\d{4})-H([12])$/.exec(period);
  if (!match) throw new RangeError(`not a half year: ${period}`);
  const year = Number(match[1]);
  return match[2] === '2' ? `${year}-H1` : `${year - 1}-H2`;
}

/** The quarters of a half year: `2026-H2` → `2026-Q3`, `2026-Q4`. */
export function quartersOfHalf(period: string): [string, string] {
  const match = /^(\d{4})-H([12])$/.exec(period);
  if (!match) throw new RangeError(`not a half year: ${period}`);
  return match[2] === '1' ? [`${match[1]}-Q1`, `${match[1]}-Q2`] : [`${match[1]}-Q3`, `${match[1]}-Q4`];
}

/**
 * Which quarters a half-year evaluation compares, like with like. A half that is over compares its two quarters
 * with the two of the half before. A half still running compares only its complete quarters with the same quarters
 * of the half before (2026-H2 in November: Q3 against Q1), so a missing quarter never reads as "sales down 49 %";
 * before its first quarter is complete it compares that first quarter so far with the first quarter before.
 * `currentQuarter` is today's quarter ('2026-Q4') in the company's time zone.
 */
export function comparedQuarters(period: string, currentQuarter: string): { running: boolean; quarters: string[]; previousQuarters: string[] } {
  const own = quartersOfHalf(period);
  const before = quartersOfHalf(previousHalf(period));
  // 'YYYY-Qn' keys sort as strings in time order.
  const complete = own.filter((q) => q < currentQuarter);
  const running = own[1] >= currentQuarter;
  const count = !running ? 2 : Math.max(1, complete.length);
  return { running, quarters: own.slice(0, count), previousQuarters: before.slice(0, count) };
}

/**
 * Margin of error of a mean (marks out of ten) in the same units: z · s / √n (normal approximation, like the
 * NPS margins; with a handful of answers it is a rough guide). Null below two answers.
 */
export function meanMargin(standardDeviation: number | null, n: number, z = 1.96): number | null {
  if (standardDeviation === null || n < 2) return null;
  return (z * standardDeviation) / Math.sqrt(n);
}

/** Whole days from `today` to `date`, both local calendar dates written YYYY-MM-DD (negative when past). */
export function daysBetween(today: string, date: string): number {
  return Math.round((Date.parse(`${date}T00:00:00Z`) - Date.parse(`${today}T00:00:00Z`)) / 86_400_000);
}
