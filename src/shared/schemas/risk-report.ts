import * as z from 'zod';
import { RiskLevel, Stage } from './account.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

export { RiskLevel };

export const RiskReportQuery = z.object({
  /** `me`, or a user id: only that owner's accounts (managers always see only their own). */
  owner: z.union([z.literal('me'), z.uuid({ message: 'must be "me" or a user id' })]).optional(),
  level: RiskLevel.optional(),
  format: z.enum(['json', 'csv']).default('json'),
});
export type RiskReportQuery = z.infer<typeof RiskReportQuery>;

export const RiskReportAccount = z.object({
  accountId: z.uuid(),
  name: z.string(),
  owner: z.object({ id: z.uuid(), name: z.string() }),
  stage: Stage,
  level: RiskLevel,
  /** 0–100; orders accounts within a colour. */
  score: z.number(),
  /** Most serious first. */
  reasons: z.array(z.object({ code: z.string(), text: z.string() })),
  /** NPS of the latest quarter with answers, in points; null without answers in the last year. */
  nps: z.number().nullable(),
  /** Its margin of error in points, computed as the account's NPS trend computes it for that quarter. */
  npsMargin: z.number().nullable(),
  /** The quarter of that NPS, e.g. '2026-Q1'. */
  npsPeriod: z.string().nullable(),
  /** Answers with a score behind `nps` (0 without one). */
  npsResponses: z.number().int(),
  /** Invitations sent to the account in that quarter (the contact list asked); null when not known. */
  npsAsked: z.number().int().nullable(),
  /** Everyone asked answered: the NPS is exact for the quarter (show "all N contacts answered", not "±0.0"). */
  npsEveryoneAnswered: z.boolean(),
  renewalDate: z.string().nullable(),
  link: z.string(),
});

export const RiskReport = z.object({
  generatedAt: z.string(),
  /** Key accounts first, then other customers; red, amber, green within each; the higher score first. */
  accounts: z.array(RiskReportAccount),
});
export type RiskReport = z.infer<typeof RiskReport>;

export const RiskReportSent = z.object({
  /** Emails queued: one per executive (whole portfolio) and per account manager with accounts (theirs). */
  queued: z.number().int(),
});
export type RiskReportSent = z.infer<typeof RiskReportSent>;
