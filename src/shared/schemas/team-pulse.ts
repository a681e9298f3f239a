import * as z from 'zod';
import { NpsChangeReason } from './report.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

/**
 * Our own team's voice (issue 14, part 4): each half year the people of a key account's team (its owner and the
 * account-team members) say in the app how well we deliver to that account and how smoothly our departments work
 * together for it, marks out of ten, with a few words. Colleagues answer honestly only when they cannot be picked
 * out, so results never carry names and stay hidden until TEAM_PULSE_MIN_ANSWERS people have answered.
 */

/** A half year, `2026-H2` (as program-report.ts's HalfYear; not imported, since that schema embeds this one). */
const HalfYear = z.string().regex(/^\d{4}-H[12]$/, { message: 'must be a half year written YYYY-Hn, e.g. 2026-H2' });

/** Below this many answers in a half, an account's (or the program's) marks and words are not shown. */
export const TEAM_PULSE_MIN_ANSWERS = 3;

const Mark = z.number({ message: 'must be a whole number from 0 to 10' }).int({ message: 'must be a whole number from 0 to 10' }).min(0).max(10);
/** Optional words; blank is the same as none. */
const Words = z
  .string()
  .trim()
  .max(2000)
  .nullish()
  .transform((v) => (v ? v : null));

/** `PUT /api/team-pulse/:accountId`: my answer for the current half (answering again revises it). */
export const TeamPulseAnswerBody = z.strictObject({
  /** How well we deliver to this account, 0–10. */
  deliveryMark: Mark,
  /** How smoothly our departments work together for this account, 0–10 (10 = no friction). */
  collaborationMark: Mark,
  /** Where our departments rub against each other for this account. */
  friction: Words,
  /** What we should do differently. */
  doDifferently: Words,
});
export type TeamPulseAnswerBody = z.infer<typeof TeamPulseAnswerBody>;

export const TeamPulseAccountParams = z.object({ accountId: z.uuid({ message: 'must be a UUID' }) });

export const TeamPulseAnswer = z.object({
  deliveryMark: z.number().int(),
  collaborationMark: z.number().int(),
  friction: z.string().nullable(),
  doDifferently: z.string().nullable(),
  /** When it was last given or revised. */
  updatedAt: z.string(),
});
export type TeamPulseAnswer = z.infer<typeof TeamPulseAnswer>;

/** One key account whose team I am on, with my answer this half (null: not answered yet). */
export const MyTeamPulse = z.object({
  accountId: z.uuid(),
  accountName: z.string(),
  period: HalfYear,
  /** 'Account owner', or my role on the account team. */
  teamRole: z.string(),
  answer: TeamPulseAnswer.nullable(),
});
export type MyTeamPulse = z.infer<typeof MyTeamPulse>;

/** `GET /api/team-pulse`: my pulses this half, unanswered first, then by account name. */
export const MyTeamPulses = z.object({
  period: HalfYear,
  pulses: z.array(MyTeamPulse),
});
export type MyTeamPulses = z.infer<typeof MyTeamPulses>;

export const TeamPulseQuery = z.object({
  /** Default: the current half year in the configured time zone. */
  period: HalfYear.optional(),
});

/** A mean of marks out of ten with its margin (null below two answers, or while hidden). */
export const MarkFigure = z.object({
  mean: z.number().nullable(),
  marginOfError: z.number().nullable(),
});
export type MarkFigure = z.infer<typeof MarkFigure>;

/** One half's pulse of a team (one account, or every key account together). */
export const TeamPulseHalf = z.object({
  period: HalfYear,
  /** Team members asked: the team as it is now, plus anyone who answered for that half and has since left it. */
  asked: z.number().int(),
  answered: z.number().int(),
  /** answered ÷ asked; null when nobody was asked. */
  responseRate: z.number().nullable(),
  /** At least TEAM_PULSE_MIN_ANSWERS answers: the marks (and words) are shown. */
  shown: z.boolean(),
  /**
   * The answers behind the marks: `answered` when shown, else 0. The program's figures count only accounts whose own
   * half is shown, so a hidden account's answer cannot be worked out by subtracting the others from the total.
   */
  counted: z.number().int(),
  delivery: MarkFigure,
  collaboration: MarkFigure,
});
export type TeamPulseHalf = z.infer<typeof TeamPulseHalf>;

/** A mean's change against the previous half: significant only with ≥ 5 answers a side and beyond the combined margin. */
export const MarkChange = z.object({
  change: z.number().nullable(),
  combinedMargin: z.number().nullable(),
  significant: z.boolean(),
  reason: NpsChangeReason,
});
export type MarkChange = z.infer<typeof MarkChange>;

/** `GET /api/accounts/:id/team-pulse`: what our team says about one account, without names. */
export const AccountTeamPulse = z.object({
  accountId: z.uuid(),
  minimumAnswers: z.number().int(),
  current: TeamPulseHalf,
  previous: TeamPulseHalf,
  deliveryChange: MarkChange,
  collaborationChange: MarkChange,
  /** The half's words, without authors or dates, in alphabetical order (empty while the half is hidden). */
  friction: z.array(z.string()),
  doDifferently: z.array(z.string()),
});
export type AccountTeamPulse = z.infer<typeof AccountTeamPulse>;

/** One key account in the program evaluation: what our team says beside what the customer says. */
export const ProgramTeamPulseAccount = z.object({
  accountId: z.uuid(),
  accountName: z.string(),
  team: TeamPulseHalf,
  /** The customer's NPS over the report's compared quarters, and the latest audit marks out of ten. */
  customerNps: z.object({ nps: z.number().nullable(), marginOfError: z.number().nullable(), responses: z.number().int() }),
  customerAudit: z.object({ mean: z.number().nullable(), marginOfError: z.number().nullable(), n: z.number().int() }).nullable(),
});
export type ProgramTeamPulseAccount = z.infer<typeof ProgramTeamPulseAccount>;

/** "What our employees say" in the program evaluation: every key account's team together, against the half before. */
export const ProgramTeamPulse = z.object({
  minimumAnswers: z.number().int(),
  current: TeamPulseHalf,
  previous: TeamPulseHalf,
  deliveryChange: MarkChange,
  collaborationChange: MarkChange,
  accounts: z.array(ProgramTeamPulseAccount),
});
export type ProgramTeamPulse = z.infer<typeof ProgramTeamPulse>;
