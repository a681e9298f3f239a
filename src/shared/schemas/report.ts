import * as z from 'zod';
import { IsoDate } from './common.js';
import { Stage } from './account.js';
import { Level } from './contact.js';
import { ResponseListQuery } from './response.js';

/** Every report answers JSON, or CSV with `format=csv`. */
export const ReportFormat = z.enum(['json', 'csv']).default('json');

export const ReportGroupBy = z.enum(['month', 'quarter', 'half_year', 'year']);
export type ReportGroupBy = z.infer<typeof ReportGroupBy>;

/** Whose answers a trend report covers. */
export type NpsScope =
  | { kind: 'portfolio' }
  | { kind: 'account'; id: string }
  | { kind: 'owner'; id: string }
  | { kind: 'industry'; name: string }
  | { kind: 'stage'; stage: Stage };

const scopeHelp = 'must be portfolio, account:<id>, owner:<id>, industry:<name> or stage:<stage>';

/** Reads `portfolio | account:<uuid> | owner:<uuid> | industry:<name> | stage:<stage>`; null when it is none of them. */
export function parseNpsScope(text: string): NpsScope | null {
  if (text === 'portfolio') return { kind: 'portfolio' };
  const colon = text.indexOf(':');
  if (colon < 0) return null;
  const kind = text.slice(0, colon);
  const value = text.slice(colon + 1).trim();
  if ((kind === 'account' || kind === 'owner') && z.uuid().safeParse(value).success) return { kind, id: value.toLowerCase() };
  if (kind === 'industry' && value.length > 0 && value.length <= 100) return { kind, name: value };
  if (kind === 'stage') {
    const stage = Stage.safeParse(value);
    if (stage.success) return { kind, stage: stage.data };
  }
  return null;
}

/** The scope written back the way the query string takes it. */
export function formatNpsScope(scope: NpsScope): string {
  switch (scope.kind) {
    case 'portfolio':
      return 'portfolio';
    case 'account':
    case 'owner':
      return `${scope.kind}:${scope.id}`;
    case 'industry':
      return `industry:${scope.name}`;
    case 'stage':
      return `stage:${scope.stage}`;
  }
}

export const NpsScopeParam = z
  .string()
  .trim()
  .default('portfolio')
  .transform((text, ctx): NpsScope => {
    const scope = parseNpsScope(text);
    if (!scope) {
      ctx.addIssue({ code: 'custom', message: scopeHelp });
      return z.NEVER;
    }
    return scope;
  });

/** Report dates: a calendar day; nothing before 1900 (a typo, not a report anyone reads). */
export const ReportDate = IsoDate.refine((d) => d >= '1900-01-01', { message: 'must be 1900-01-01 or later' });

export const ReportConfidence = z
  .enum(['0.9', '0.95', '0.99'], { message: 'must be 0.9, 0.95 or 0.99' })
  .default('0.95')
  .transform((v) => Number(v) as 0.9 | 0.95 | 0.99);

export const NpsReportQuery = z
  .object({
    scope: NpsScopeParam,
    groupBy: ReportGroupBy.default('quarter'),
    /** First day wanted (default: two years before `to`); widened to the start of its period. */
    from: ReportDate.optional(),
    /** Last day wanted (default: today in the configured time zone); widened to the end of its period. */
    to: ReportDate.optional(),
    confidence: ReportConfidence,
    format: ReportFormat,
    /** `level`: also one trend per decision level (instigator, influencer, implementer), and for one account the latest wave's coverage. */
    split: z.enum(['level'], { message: 'must be level' }).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });
export type NpsReportQuery = z.infer<typeof NpsReportQuery>;

/**
 * Why a change is or is not significant: `too_few_answers` (either period has fewer than 5 answers: too few to
 * tell), `within_margin` (may be noise), `beyond_margin` (significant); `no_previous` / `no_current` when a period
 * has no answers (the trend then gives no change at all).
 */
export const NpsChangeReason = z.enum(['no_previous', 'no_current', 'too_few_answers', 'within_margin', 'beyond_margin']);
export type NpsChangeReason = z.infer<typeof NpsChangeReason>;

/**
 * A change against the latest earlier period that has answers; significant only with at least 5 answers in both
 * periods and beyond the combined margin (taken without the finite-population correction: opinions next period
 * are a new draw, even from the same contacts).
 */
export const NpsChange = z.object({
  /** The period compared with. */
  since: z.string(),
  /** Points: this period's NPS minus that period's. */
  change: z.number(),
  combinedMargin: z.number().nullable(),
  significant: z.boolean(),
  reason: NpsChangeReason,
  /** Answers in the period compared with (this period's are the row's `responses`). */
  sinceResponses: z.number().int(),
});
export type NpsChange = z.infer<typeof NpsChange>;

/** Counts, score and margin of one group of NPS answers (a period, a wave). */
const NpsEstimateFields = {
  responses: z.number().int(),
  promoters: z.number().int(),
  passives: z.number().int(),
  detractors: z.number().int(),
  /** Points, −100…100; null when nobody answered. */
  nps: z.number().nullable(),
  /**
   * Adjusted-Wald margin of error in points at the chosen confidence; null when nobody answered. For one account
   * it is finite-population corrected (N = invitations), so it is 0 when everyone asked answered: show
   * `everyoneAnswered` then, never "±0.0".
   */
  marginOfError: z.number().nullable(),
  /** The contact list that was asked (one account's invitations in the period); null when not the sampling frame. */
  asked: z.number().int().nullable(),
  /** Everyone asked answered: the score is exact for the period. */
  everyoneAnswered: z.boolean(),
};

const NpsFigures = {
  ...NpsEstimateFields,
  /** Invitations sent in the period (campaigns whose survey asks the NPS question). */
  invited: z.number().int(),
  /** Responses with a score ÷ invitations sent in the period; null when nobody was invited. */
  responseRate: z.number().nullable(),
};

export const NpsReportPeriod = z.object({
  /** '2026-03', '2026-Q1', '2026-H1' or '2026'. */
  period: z.string(),
  ...NpsFigures,
  change: NpsChange.nullable(),
});
export type NpsReportPeriod = z.infer<typeof NpsReportPeriod>;

/** One decision level's NPS trend: the report's figures, margins and population rule, from that level's contacts only. */
export const NpsLevelTrend = z.object({
  level: Level,
  periods: z.array(NpsReportPeriod),
  total: z.object({ ...NpsFigures, change: NpsChange.nullable() }),
});
export type NpsLevelTrend = z.infer<typeof NpsLevelTrend>;

/** How many of one level's contacts the wave asked (invitations sent) and how many answered (anything at all). */
export const NpsLevelCoverage = z.object({ level: Level, asked: z.number().int(), answered: z.number().int() });
export type NpsLevelCoverage = z.infer<typeof NpsLevelCoverage>;

/** The latest wave that reached one account (by send time, any campaign), with its coverage per decision level. */
export const NpsWaveCoverage = z.object({
  campaignId: z.uuid(),
  campaignName: z.string(),
  wave: z.number().int(),
  sentAt: z.string(),
  asked: z.number().int(),
  answered: z.number().int(),
  /** Always the three levels, instigator first; a level nobody was asked has asked = 0. */
  levels: z.array(NpsLevelCoverage),
});
export type NpsWaveCoverage = z.infer<typeof NpsWaveCoverage>;

export const NpsReport = z.object({
  scope: z.string(),
  groupBy: ReportGroupBy,
  /** The range covered: whole periods, from the first day of the first to the last day of the last. */
  from: z.string(),
  to: z.string(),
  confidence: z.number(),
  timeZone: z.string(),
  periods: z.array(NpsReportPeriod),
  /** The whole range as one sample; `change` compares the first and the last period with answers. */
  total: z.object({ ...NpsFigures, change: NpsChange.nullable() }),
  /** With `split=level` only: the same trend per decision level (answers and invitations of that level's contacts). */
  levels: z.array(NpsLevelTrend).optional(),
  /** With `split=level` and `scope=account:<id>` only: who answered the account's latest wave; null before any wave. */
  coverage: NpsWaveCoverage.nullable().optional(),
});
export type NpsReport = z.infer<typeof NpsReport>;

export const AuditReportQuery = z.object({
  accountId: z.uuid({ message: 'must be an account id (UUID)' }),
  confidence: ReportConfidence,
  format: ReportFormat,
});

/** One wave of an audit campaign that reached the account (repeating campaigns have several). */
export const AuditWave = z.object({
  campaignId: z.uuid(),
  campaignName: z.string(),
  wave: z.number().int(),
  sentAt: z.string(),
  invited: z.number().int(),
  responses: z.number().int(),
});
export type AuditWave = z.infer<typeof AuditWave>;

const WaveRef = { campaignId: z.uuid(), wave: z.number().int() };

export const AuditRatingWave = z.object({
  ...WaveRef,
  n: z.number().int(),
  mean: z.number().nullable(),
  /** Sample standard deviation (n − 1); null below two marks. */
  standardDeviation: z.number().nullable(),
  min: z.number().nullable(),
  max: z.number().nullable(),
});

export const AuditChoiceWave = z.object({
  ...WaveRef,
  /** People who answered the question in this wave. */
  n: z.number().int(),
  /** Share = count ÷ n (a multiple-choice question can add up to more than 1); null when n = 0. */
  options: z.array(z.object({ value: z.string(), label: z.string(), count: z.number().int(), share: z.number().nullable() })),
});

export const AuditNpsWave = z.object({
  ...WaveRef,
  ...NpsEstimateFields,
});

export const AuditTextAnswer = z.object({
  ...WaveRef,
  responseId: z.uuid(),
  contactId: z.uuid(),
  contactName: z.string(),
  contactLevel: Level,
  answeredAt: z.string(),
  text: z.string(),
});

const QuestionHead = { key: z.string(), text: z.string() };
export const AuditQuestionReport = z.discriminatedUnion('kind', [
  z.object({ ...QuestionHead, kind: z.literal('rating'), waves: z.array(AuditRatingWave) }),
  z.object({ ...QuestionHead, kind: z.literal('choice'), waves: z.array(AuditChoiceWave) }),
  z.object({ ...QuestionHead, kind: z.literal('yes_no'), waves: z.array(AuditChoiceWave) }),
  z.object({ ...QuestionHead, kind: z.literal('nps'), waves: z.array(AuditNpsWave) }),
  /** The latest five answers over all waves, newest first, with who said them. */
  z.object({ ...QuestionHead, kind: z.literal('text'), latest: z.array(AuditTextAnswer) }),
]);
export type AuditQuestionReport = z.infer<typeof AuditQuestionReport>;

export const AuditReport = z.object({
  accountId: z.uuid(),
  accountName: z.string(),
  waves: z.array(AuditWave),
  questions: z.array(AuditQuestionReport),
});
export type AuditReport = z.infer<typeof AuditReport>;

/** The filters of GET /api/responses, without paging: the export is every matching answer. */
export const ResponseExportQuery = ResponseListQuery.omit({ page: true, pageSize: true });
export type ResponseExportQuery = z.infer<typeof ResponseExportQuery>;
