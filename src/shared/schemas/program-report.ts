import * as z from 'zod';
import { Level } from './contact.js';
import { LoopMetrics } from './loop-report.js';
import { NpsChangeReason } from './report.js';
import { ProgramTeamPulse } from './team-pulse.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/** Program evaluation (issue 6, section 5): every key account over a half year, against the half before. */

export const HalfYear = z.string().regex(/^\d{4}-H[12]$/, { message: 'must be a half year written YYYY-Hn, e.g. 2026-H2' });

export const ProgramReportQuery = z.object({
  /** Default: the current half year in the configured time zone. */
  period: HalfYear.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});

export const Compared = z.object({
  current: z.number().nullable(),
  previous: z.number().nullable(),
  /** current − previous; null when either is missing. */
  change: z.number().nullable(),
  /** change ÷ previous (0.1 = +10 %); null when previous is missing or not positive. */
  changeShare: z.number().nullable(),
});

/** One period's NPS of one account; `everyoneAnswered`: all `asked` contacts answered (the margin is then 0: say so). */
export const ProgramNps = z.object({
  nps: z.number().nullable(),
  marginOfError: z.number().nullable(),
  responses: z.number(),
  invited: z.number(),
  asked: z.number().nullable(),
  everyoneAnswered: z.boolean(),
});

/**
 * Meeting the customer (issue 14): touchpoints in the half, the executive-level ones — at least one instigator-level
 * contact present — and the latest social event in the twelve months up to the half's end (today while it runs).
 */
export const AccountTouches = z.object({
  touches: z.number().int(),
  executive: z.number().int(),
  lastExecutiveOn: z.string().nullable(),
  socialEventOn: z.string().nullable(),
});
export const ProgramTouches = z.object({
  /** Key accounts with at least one executive-level touch in the half. */
  withExecutiveTouch: z.number().int(),
  /** Key accounts with a social event in the twelve months `socialFrom`–`socialTo`. */
  withSocialEvent: z.number().int(),
  socialFrom: z.string(),
  socialTo: z.string(),
});

const Evaluation = z.object({
  needsDecision: z.boolean(),
  reasons: z.array(z.string()),
  attention: z.array(z.string()),
  improvements: z.array(z.string()),
});

export const ProgramAccount = z.object({
  accountId: z.uuid(),
  accountName: z.string(),
  owner: z.object({ id: z.uuid(), name: z.string() }),
  renewalDate: z.string().nullable(),
  /** Sums over the compared quarters (both, once the half is over; minor units); null when no quarter has figures. */
  sales: Compared,
  grossProfit: Compared,
  contribution: Compared,
  /** NPS over the compared quarters (`quarters` / `previousQuarters` of the report). */
  nps: z.object({
    current: ProgramNps,
    previous: ProgramNps,
    change: z.number().nullable(),
    combinedMargin: z.number().nullable(),
    /** At least 5 answers in each period and a change beyond the combined margin. */
    significant: z.boolean(),
    reason: NpsChangeReason,
  }),
  /** Marks out of ten in the latest audit wave sent before the period ended, against the wave before it. */
  audit: z.object({
    latest: z.object({ sentAt: z.string(), mean: z.number().nullable(), marginOfError: z.number().nullable(), n: z.number() }).nullable(),
    previous: z.object({ sentAt: z.string(), mean: z.number().nullable(), marginOfError: z.number().nullable(), n: z.number() }).nullable(),
    change: z.number().nullable(),
    significant: z.boolean(),
  }),
  /** Tasks created in the period (follow-ups and plan actions). */
  loop: LoopMetrics,
  plan: z.object({
    exists: z.boolean(),
    /** Updated within the period. */
    current: z.boolean(),
    updatedAt: z.string().nullable(),
    actions: z.number(),
    done: z.number(),
    doneShare: z.number().nullable(),
  }),
  relationships: z.object({
    contacts: z.record(Level, z.number()),
    counterpartPairs: z.number(),
    /** Levels with nobody mapped. */
    gaps: z.array(Level),
  }),
  partnership: z.object({ latest: z.number().nullable(), previous: z.number().nullable(), change: z.number().nullable(), assessedAt: z.string().nullable() }),
  touches: AccountTouches,
  evaluation: Evaluation,
});
export type ProgramAccount = z.infer<typeof ProgramAccount>;

export const ProgramReport = z.object({
  period: z.string(),
  previousPeriod: z.string(),
  /** The half is still running: only its complete quarters are compared, with the same quarters of the half before. */
  running: z.boolean(),
  /** The quarters of `period` compared (both when the half is over), and the same quarters of `previousPeriod`. */
  quarters: z.array(z.string()),
  previousQuarters: z.array(z.string()),
  from: z.string(),
  to: z.string(),
  program: z.object({
    accounts: z.number(),
    needingDecision: z.number(),
    sales: Compared,
    grossProfit: Compared,
    contribution: Compared,
    improved: z.array(z.object({ accountId: z.uuid(), accountName: z.string(), what: z.string() })),
    needsAttention: z.array(z.object({ accountId: z.uuid(), accountName: z.string(), what: z.string(), decision: z.boolean() })),
  }),
  /** Accounts needing a decision first. */
  accounts: z.array(ProgramAccount),
  /** Executive-level touches and social events across the key accounts (each account's in `accounts[].touches`). */
  touches: ProgramTouches,
  /** What our employees say: the internal team pulse of the half, beside the customers' figures. */
  teamPulse: ProgramTeamPulse,
});
export type ProgramReport = z.infer<typeof ProgramReport>;
