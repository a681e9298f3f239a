import * as z from 'zod';
import { LoopMetrics } from './loop-report.js';
import { NpsChangeReason } from './report.js';
import { Compared, HalfYear, ProgramNps } from './program-report.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/** Account managers' scorecards (issue 14, section 5): per manager, their key accounts over a half year against the half before. */

export const ScorecardQuery = z.object({
  /** Default: the current half year in the configured time zone. */
  period: HalfYear.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type ScorecardQuery = z.infer<typeof ScorecardQuery>;

const AuditSide = z.object({ mean: z.number().nullable(), marginOfError: z.number().nullable(), n: z.number() });

export const Scorecard = z.object({
  manager: z.object({ id: z.uuid(), name: z.string() }),
  keyAccounts: z.number(),
  /** Revenue of the key accounts with values in both compared spans (minor units). */
  expansion: z.object({ revenue: Compared, accounts: z.number(), growing: z.number() }),
  /** Gross profit ÷ revenue (0–1) of the same accounts; change in percentage points. */
  margin: z.object({ current: z.number().nullable(), previous: z.number().nullable(), changePoints: z.number().nullable() }),
  /** Our share of the customers' spend (percent) as the account plans' intelligence section records it today. */
  customerShare: z.object({ meanPercent: z.number().nullable(), recorded: z.number(), accounts: z.number() }),
  nps: z.object({
    current: ProgramNps,
    previous: ProgramNps,
    change: z.object({ points: z.number().nullable(), combinedMargin: z.number().nullable(), significant: z.boolean(), reason: NpsChangeReason }),
  }),
  /** Marks out of ten in the audit waves sent in the half, pooled, against the half before. */
  audit: z.object({ current: AuditSide, previous: AuditSide, change: z.number().nullable(), significant: z.boolean() }),
  /** Tasks created in the half on the manager's key accounts. */
  loop: LoopMetrics,
  /** Per decision level: key accounts with a contact known there, with one who answered in the half, and with one met (a touchpoint) in the half. */
  coverage: z.array(
    z.object({
      level: z.enum(['instigator', 'influencer', 'implementer']),
      known: z.number(),
      answered: z.number(),
      touched: z.number(),
      accounts: z.number(),
      knownShare: z.number().nullable(),
      answeredShare: z.number().nullable(),
      touchedShare: z.number().nullable(),
    }),
  ),
});
export type Scorecard = z.infer<typeof Scorecard>;

export const ScorecardReport = z.object({
  period: z.string(),
  previousPeriod: z.string(),
  running: z.boolean(),
  quarters: z.array(z.string()),
  previousQuarters: z.array(z.string()),
  /** Measures the data cannot give yet, in words (cross-sell without product lines). */
  notes: z.array(z.string()),
  scorecards: z.array(Scorecard),
});
export type ScorecardReport = z.infer<typeof ScorecardReport>;
