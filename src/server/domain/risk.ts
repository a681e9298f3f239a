import type { Stage } from '../../shared/schemas/account.js';
import type { Level } from '../../shared/schemas/contact.js';
import { wallClockIn } from './business-days.js';
import { compareNps, type NpsCounts } from './nps-stats.js';

/**
 * The Monday Morning Report's risk level for one account, with reasons an executive can read and act on.
 *
 * The colour comes from rules, not from a score threshold, so the reasons always explain it:
 *
 *   RED when any of
 *     - a severe reason: the NPS fell significantly since the previous period (at least 5 answers in both
 *       quarters and a fall beyond the combined margin of error, so not noise); the NPS is below 0 with at least
 *       5 answers; a high-priority follow-up is overdue;
 *     - the renewal is within 120 days and there is any other reason (a problem with a renewal near is urgent);
 *     - three or more warnings at once (several small problems together are one big one).
 *   AMBER when there is any reason at all.
 *   GREEN otherwise.
 *
 * Warnings: renewal within 120 days (or a renewal date already passed), low NPS (below 20, or below 0 from
 * fewer than 5 answers), a quarter or more of respondents detractors while the NPS itself looks fine (a split
 * account) — these NPS warnings only from MIN_ANSWERS_FOR_NPS_REASON (3) answers in the quarter: one or two
 * unhappy people are followed up by their own tasks, not by the account's colour —, follow-ups overdue (or 3+
 * open), no answers at all in the last wave (silence), low audit marks (any mark ≤ 6 out of ten), contacts who
 * see us as a "supplier" rather than a partner, and — for key accounts, where we manage contacts at three
 * levels — no contacts, only one contact, or none at the instigator level. For accounts whose team logs
 * touchpoints: no instigator-level contact touched in 180 days, and a decision maker silent (no answer in the
 * last two waves and no touch in 90 days).
 *
 * Related facts are reported once, not twice: detractor share is its own warning only when the NPS is not
 * already flagged (its count then appears in the NPS reason), and "3+ follow-ups open" only when none is late.
 *
 * The score (0–100, the sum of the reasons' weights) only orders accounts within a colour.
 */

export type RiskLevel = 'green' | 'amber' | 'red';

export type RiskCode =
  | 'nps_significant_drop'
  | 'nps_negative'
  | 'overdue_high_priority_tasks'
  | 'renewal_soon'
  | 'renewal_date_passed'
  | 'low_nps'
  | 'many_detractors'
  | 'overdue_tasks'
  | 'many_open_tasks'
  | 'silent_last_wave'
  | 'no_contacts'
  | 'no_instigator_contact'
  | 'single_contact'
  | 'low_audit_marks'
  | 'seen_as_supplier'
  | 'instigators_untouched'
  | 'decision_maker_silent';

export interface RiskReason {
  code: RiskCode;
  text: string;
}

export interface RiskAssessment {
  level: RiskLevel;
  score: number;
  /** Most serious first. */
  reasons: RiskReason[];
}

export interface AccountRiskInput {
  stage: Stage;
  now: Date;
  /** The company's time zone (KEYPULSE_TIMEZONE): "renewal in 45 days" counts local calendar days. */
  timeZone: string;
  /** YYYY-MM-DD, as stored on the account. */
  renewalDate: string | null;
  /** NPS of the latest period with answers, with its counts; margin in points (adjusted-Wald) as shown. */
  latestNps: (NpsCounts & { nps: number; margin: number | null; responses: number }) | null;
  /** The period before it, to tell a real fall from noise (compared on the counts: domain compareNps). */
  previousNps: (NpsCounts & { nps: number; responses: number }) | null;
  /** Follow-up tasks not done or dismissed; overdue ones are included in `open`. */
  tasks: { open: number; overdue: number; overdueHighPriority: number };
  /** The most recent survey wave sent to this account; null when it was never surveyed. */
  lastWave: { invited: number; responses: number } | null;
  /** Active contacts at each level. */
  contacts: Record<Level, number>;
  /** The latest key-account audit: every marks-out-of-ten answer, and the supplier/partner answers. */
  latestAudit: { marks: number[]; supplier: number; partner: number } | null;
  /**
   * The people seen through the touchpoints — only for accounts with at least one touchpoint logged (an account
   * whose team does not log them yet is not judged by them); null otherwise. `answeredLastTwoWaves` is null
   * when the account has had fewer than two survey waves.
   */
  touches?: {
    contacts: { name: string; level: Level; decisionMaker: boolean; daysSinceTouch: number | null; answeredLastTwoWaves: boolean | null }[];
  } | null;
}

/** Below this the NPS is a warning. A judgement call: B2B scores commonly sit in the 20s–40s; tune it here. */
export const LOW_NPS = 20;
/** With fewer answers a negative NPS is one or two unhappy people: a warning, not yet a red flag. */
export const MIN_ANSWERS_FOR_NEGATIVE_NPS = 5;
/**
 * Below this many answers in the quarter the NPS says nothing about the account as a whole (1 answer is one
 * person's mood: −100 or +100): no NPS warning at all. Those answers still get their own follow-up tasks.
 */
export const MIN_ANSWERS_FOR_NPS_REASON = 3;
export const RENEWAL_WINDOW_DAYS = 120;
/** A quarter of respondents unhappy is a split account even when promoters outweigh them. */
export const DETRACTOR_SHARE_WARNING = 0.25;
/** Same line as the follow-up rule: marks of 6 or less out of ten create a high-priority task. */
export const LOW_AUDIT_MARK = 6;
export const MANY_OPEN_TASKS = 3;
/** An instigator-level contact not touched for this many days, when none was: the top of the account is adrift. */
export const INSTIGATOR_TOUCH_DAYS = 180;
/** A decision maker who answered neither of the last two waves and was not touched for this many days. */
export const DECISION_MAKER_TOUCH_DAYS = 90;
const WARNINGS_FOR_RED = 3;

/**
 * How much each reason adds to the score. Severe reasons weigh most, so red accounts with one of them sort above
 * red accounts made red by accumulation. Among warnings, what the customer told us (NPS, marks) and losing touch
 * (silence, no decision-maker) weigh more than our own backlog, which we can fix by ourselves this week.
 */
export const riskWeights: Record<RiskCode, number> = {
  nps_significant_drop: 35,
  nps_negative: 35,
  overdue_high_priority_tasks: 30,
  no_contacts: 20,
  renewal_soon: 15,
  low_nps: 15,
  silent_last_wave: 15,
  no_instigator_contact: 15,
  low_audit_marks: 15,
  renewal_date_passed: 10,
  many_detractors: 10,
  overdue_tasks: 10,
  single_contact: 10,
  seen_as_supplier: 10,
  instigators_untouched: 15,
  decision_maker_silent: 15,
  many_open_tasks: 5,
};

const severeCodes = new Set<RiskCode>(['nps_significant_drop', 'nps_negative', 'overdue_high_priority_tasks']);

const DAY = 86_400_000;
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
/** Whole points with their sign and a real minus (U+2212): "+32", "−5", "0" — as the pages show an NPS. */
const points = (nps: number) => {
  const rounded = Math.round(nps);
  return rounded > 0 ? `+${rounded}` : rounded < 0 ? `−${-rounded}` : '0';
};
const oneDecimal = (n: number) => (Math.round(n * 10) / 10).toFixed(1);

export function scoreAccountRisk(input: AccountRiskInput): RiskAssessment {
  const reasons: RiskReason[] = [];
  const add = (code: RiskCode, text: string) => reasons.push({ code, text });

  // What they think of us.
  const latest = input.latestNps && input.latestNps.responses > 0 ? input.latestNps : null;
  if (latest && input.previousNps && input.previousNps.responses > 0) {
    // Significant only with enough answers on both sides (compareNps: at least 5 each) and beyond the margin.
    const { change, significant, combinedMargin } = compareNps(input.previousNps, latest);
    if (significant && change !== null && change < 0) {
      const before = input.previousNps;
      add(
        'nps_significant_drop',
        `NPS fell from ${points(before.nps)} (${plural(before.responses, 'answer')}) to ${points(latest.nps)} (${plural(latest.responses, 'answer')}), ` +
          `more than the ±${oneDecimal(combinedMargin!)} margin`,
      );
    }
  }
  if (latest && latest.responses >= MIN_ANSWERS_FOR_NPS_REASON) {
    const answers = plural(latest.responses, 'answer');
    const detractors = latest.detractors ? `, ${plural(latest.detractors, 'detractor')}` : '';
    if (latest.nps < 0 && latest.responses >= MIN_ANSWERS_FOR_NEGATIVE_NPS) {
      add('nps_negative', `NPS ${points(latest.nps)}: more detractors than promoters (${answers}${detractors})`);
    } else if (latest.nps < LOW_NPS) {
      const few = latest.responses < MIN_ANSWERS_FOR_NEGATIVE_NPS ? 'only ' : '';
      add('low_nps', `Low NPS: ${points(latest.nps)} from ${few}${answers}${detractors}`);
    } else if (latest.detractors / latest.responses >= DETRACTOR_SHARE_WARNING) {
      const share = Math.round((100 * latest.detractors) / latest.responses);
      add('many_detractors', `${latest.detractors} of ${latest.responses} respondents are detractors (${share}%)`);
    }
  }
  const audit = input.latestAudit;
  if (audit) {
    const low = audit.marks.filter((m) => m <= LOW_AUDIT_MARK);
    if (low.length) {
      add(
        'low_audit_marks',
        `Audit marks of ${LOW_AUDIT_MARK}/10 or less from ${low.length} of ${audit.marks.length} (lowest ${Math.min(...low)}/10)`,
      );
    }
    if (audit.supplier > 0) {
      const asked = audit.supplier + audit.partner;
      add('seen_as_supplier', `${audit.supplier} of ${asked} in the audit see us as a supplier, not a partner`);
    }
  }

  // Whether we still reach them.
  if (input.lastWave && input.lastWave.invited > 0 && input.lastWave.responses === 0) {
    add('silent_last_wave', `No answers from the ${plural(input.lastWave.invited, 'contact')} asked in the last survey`);
  }
  if (input.stage === 'key_account') {
    const { instigator, influencer, implementer } = input.contacts;
    const total = instigator + influencer + implementer;
    if (total === 0) add('no_contacts', 'No contacts on file');
    else {
      if (total === 1) add('single_contact', 'Only one contact');
      if (instigator === 0) add('no_instigator_contact', 'No contact at the instigator level');
    }
  }
  if (input.touches) {
    const within = (c: { daysSinceTouch: number | null }, days: number) => c.daysSinceTouch !== null && c.daysSinceTouch < days;
    const instigators = input.touches.contacts.filter((c) => c.level === 'instigator');
    if (instigators.length > 0 && !instigators.some((c) => within(c, INSTIGATOR_TOUCH_DAYS))) {
      add('instigators_untouched', `No instigator-level contact touched in ${INSTIGATOR_TOUCH_DAYS} days`);
    }
    const silent = input.touches.contacts.filter((c) => c.decisionMaker && c.answeredLastTwoWaves === false && !within(c, DECISION_MAKER_TOUCH_DAYS));
    if (silent.length > 0) {
      const who = silent.length === 1 ? `Decision maker ${silent[0]!.name} silent` : `${silent.length} decision makers silent (${silent.map((c) => c.name).join(', ')})`;
      add('decision_maker_silent', `${who}: no answer in the last two waves and no touch in ${DECISION_MAKER_TOUCH_DAYS} days`);
    }
  }

  // What we owe them.
  const { open, overdue, overdueHighPriority } = input.tasks;
  if (overdueHighPriority > 0) {
    add('overdue_high_priority_tasks', `${plural(overdueHighPriority, 'high-priority follow-up')} overdue`);
  }
  const otherOverdue = overdue - overdueHighPriority;
  if (otherOverdue > 0) {
    add('overdue_tasks', `${plural(otherOverdue, overdueHighPriority ? 'other follow-up' : 'follow-up')} overdue (${open} open)`);
  } else if (overdue === 0 && open >= MANY_OPEN_TASKS) {
    add('many_open_tasks', `${open} follow-ups open`);
  }

  // When it matters.
  const days = daysUntil(input.renewalDate, input.now, input.timeZone);
  if (days !== null && days >= 0 && days <= RENEWAL_WINDOW_DAYS) {
    add('renewal_soon', days === 0 ? 'Renewal today' : `Renewal in ${plural(days, 'day')}`);
  } else if (days !== null && days < 0) {
    add('renewal_date_passed', `Renewal date passed ${plural(-days, 'day')} ago`);
  }

  reasons.sort((a, b) => riskWeights[b.code] - riskWeights[a.code]);
  const score = Math.min(100, reasons.reduce((sum, r) => sum + riskWeights[r.code], 0));
  return { level: levelOf(reasons), score, reasons };
}

function levelOf(reasons: RiskReason[]): RiskLevel {
  if (reasons.length === 0) return 'green';
  if (reasons.some((r) => severeCodes.has(r.code))) return 'red';
  if (reasons.some((r) => r.code === 'renewal_soon') && reasons.length > 1) return 'red';
  if (reasons.length >= WARNINGS_FOR_RED) return 'red';
  return 'amber';
}

/** Calendar days from today (in `timeZone`) to a YYYY-MM-DD date; negative when it has passed. */
function daysUntil(date: string | null, now: Date, timeZone: string): number | null {
  if (!date) return null;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`renewal date must be YYYY-MM-DD, got "${date}"`);
  const today = wallClockIn(now, timeZone);
  const target = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  return Math.round((target - Date.UTC(today.year, today.month - 1, today.day)) / DAY);
}

const levelRank: Record<RiskLevel, number> = { red: 0, amber: 1, green: 2 };

/** Sort order for the report: red first, then amber, then green; within a colour the higher score first. */
export function compareRisk(a: RiskAssessment, b: RiskAssessment): number {
  return levelRank[a.level] - levelRank[b.level] || b.score - a.score;
}
