import * as z from 'zod';
import { Stage } from './account.js';
import { Money, QueryBoolean } from './common.js';
import { ReportDate, ReportFormat, ReportGroupBy } from './report.js';

/* The key-account program (issue 6): selection, stage history, pipeline, quarterly value, partnership. */

const SignedMoney = z.number().int().min(-Number.MAX_SAFE_INTEGER).max(Number.MAX_SAFE_INTEGER);

// ── Selection criteria ──────────────────────────────────────────────────────────────────────────────────

export const CriterionSource = z.enum(['annual_revenue', 'gross_profit', 'lifetime_value', 'judgement']);
export type CriterionSource = z.infer<typeof CriterionSource>;

const CriterionFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(120),
  description: z.string().trim().max(1000).nullable(),
  source: CriterionSource,
  weight: z.number().int().min(0).max(100),
  position: z.number().int().min(0).max(1000),
  enabled: z.boolean(),
};

export const SelectionCriterion = z.object({
  id: z.uuid(),
  key: z.string().nullable(),
  ...CriterionFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type SelectionCriterion = z.infer<typeof SelectionCriterion>;

export const CreateSelectionCriterion = z.strictObject({
  name: CriterionFields.name,
  description: CriterionFields.description.optional(),
  source: CriterionSource.default('judgement'),
  weight: CriterionFields.weight,
  position: CriterionFields.position.optional(),
  enabled: z.boolean().default(true),
});
export const UpdateSelectionCriterion = z
  .strictObject(CriterionFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });

export const CriterionScoreInput = z.strictObject({
  criterionId: z.uuid({ message: 'must be a criterion id (UUID)' }),
  /** 1–5; null removes the score. */
  score: z.number().int().min(1).max(5).nullable(),
  note: z.string().trim().max(1000).nullable().optional(),
});
export const PutCriterionScores = z.strictObject({
  scores: z
    .array(CriterionScoreInput)
    .min(1)
    .max(100)
    .refine((list) => new Set(list.map((s) => s.criterionId)).size === list.length, { message: 'lists a criterion twice' }),
});
export type PutCriterionScores = z.infer<typeof PutCriterionScores>;

export const CriterionScore = z.object({
  criterionId: z.uuid(),
  score: z.number().int(),
  note: z.string().nullable(),
  scoredBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  scoredAt: z.string(),
});
export const CriterionScores = z.object({ accountId: z.uuid(), data: z.array(CriterionScore) });

// ── Selection ───────────────────────────────────────────────────────────────────────────────────────────

export const SelectionQuery = z.object({
  /** Portfolio size to suggest, 3–20 (default: a fifth of the candidates within 3–20). */
  size: z.coerce.number().int().min(3).max(20).optional(),
});

export const SelectionWarning = z.object({
  code: z.enum(['transactional', 'high_cost_to_serve', 'below_cut', 'incomplete']),
  message: z.string(),
});
export const SelectionRow = z.object({
  accountId: z.uuid(),
  name: z.string(),
  stage: Stage,
  ownerId: z.uuid(),
  rank: z.number().int(),
  score: z.number().nullable(),
  contributions: z.array(
    z.object({
      criterionId: z.uuid(),
      key: z.string().nullable(),
      name: z.string(),
      weight: z.number(),
      value: z.number().nullable(),
      normalized: z.number().nullable(),
      contribution: z.number(),
      origin: z.enum(['account', 'judgement', 'missing']),
    }),
  ),
  isKeyAccount: z.boolean(),
  suggested: z.boolean(),
  suggestion: z.enum(['promote', 'review']).nullable(),
  warnings: z.array(SelectionWarning),
});
export const Selection = z.object({
  criteria: z.array(SelectionCriterion),
  candidates: z.number().int(),
  portfolioSize: z.number().int(),
  cutScore: z.number().nullable(),
  ranking: z.array(SelectionRow),
  /** The suggested portfolio (visible accounts only), best first. */
  portfolio: z.array(z.object({ accountId: z.uuid(), name: z.string(), score: z.number().nullable(), isKeyAccount: z.boolean() })),
});
export type Selection = z.infer<typeof Selection>;

// ── Stage changes and pipeline ──────────────────────────────────────────────────────────────────────────

export const ChangeStage = z.strictObject({
  stage: Stage,
  reason: z.string().trim().min(3, { message: 'say why (at least 3 characters)' }).max(2000),
});
export const StageChange = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  fromStage: Stage.nullable(),
  toStage: Stage,
  direction: z.enum(['promotion', 'demotion', 'initial']),
  decidedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  reason: z.string().nullable(),
  changedAt: z.string(),
});
export type StageChange = z.infer<typeof StageChange>;

export const PipelineQuery = z
  .object({
    from: ReportDate.optional(),
    to: ReportDate.optional(),
    groupBy: ReportGroupBy.default('quarter'),
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });
const StageCounts = z.object({ suspect: z.number().int(), prospect: z.number().int(), customer: z.number().int(), key_account: z.number().int() });
export const Pipeline = z.object({
  groupBy: ReportGroupBy,
  from: z.string(),
  to: z.string(),
  now: StageCounts,
  periods: z.array(
    z.object({
      period: z.string(),
      atEnd: StageCounts,
      movements: z.array(z.object({ from: Stage.nullable(), to: Stage, count: z.number().int() })),
      promotions: z.number().int(),
      demotions: z.number().int(),
    }),
  ),
});

// ── Quarterly value ─────────────────────────────────────────────────────────────────────────────────────

export const Quarter = z.string().regex(/^\d{4}-Q[1-4]$/, { message: 'must be a quarter written YYYY-Qn, e.g. 2026-Q3' });
export const AccountQuarterParams = z.object({ id: z.uuid({ message: 'must be a UUID' }), quarter: Quarter });

export const PutAccountValue = z.strictObject({
  revenue: Money,
  grossProfit: SignedMoney,
  teamCost: Money.default(0),
  discounts: Money.default(0),
  notes: z.string().trim().max(2000).nullable().optional(),
});
export type PutAccountValue = z.infer<typeof PutAccountValue>;

export const AccountValue = z.object({
  accountId: z.uuid(),
  quarter: z.string(),
  revenue: z.number().int(),
  grossProfit: z.number().int(),
  teamCost: z.number().int(),
  discounts: z.number().int(),
  costToServe: z.number().int(),
  contribution: z.number().int(),
  notes: z.string().nullable(),
  enteredBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  updatedAt: z.string(),
});
export type AccountValue = z.infer<typeof AccountValue>;

const TrendPoint = z.object({
  quarter: z.string(),
  revenue: z.number().int(),
  grossProfit: z.number().int(),
  teamCost: z.number().int(),
  discounts: z.number().int(),
  costToServe: z.number().int(),
  contribution: z.number().int(),
});
export const AccountValueHistory = z.object({
  accountId: z.uuid(),
  data: z.array(AccountValue),
  contributionSlope: z.number().nullable(),
  direction: z.enum(['rising', 'falling', 'flat']).nullable(),
});

/** One CSV row as text; amounts in currency units with up to two decimals (12500.50), stored in cents. */
const CsvAmount = (signed: boolean) =>
  z
    .string()
    .trim()
    .regex(signed ? /^-?\d{1,13}(\.\d{1,2})?$/ : /^\d{1,13}(\.\d{1,2})?$/, {
      message: signed ? 'must be an amount like 1250 or -1250.50' : 'must be an amount like 1250 or 1250.50 (no sign)',
    })
    .transform((text) => {
      const negative = text.startsWith('-');
      const [whole, fraction = ''] = text.replace('-', '').split('.');
      const cents = Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
      return negative ? -cents : cents;
    });
export const AccountValueCsvRow = z.object({
  account: z.string().trim().min(1, { message: 'is required' }).max(200),
  quarter: z.string().trim().toUpperCase().pipe(Quarter),
  revenue: CsvAmount(false),
  grossProfit: CsvAmount(true),
  teamCost: z.string().trim().transform((t) => t || '0').pipe(CsvAmount(false)),
  discounts: z.string().trim().transform((t) => t || '0').pipe(CsvAmount(false)),
});
export type AccountValueCsvRow = z.infer<typeof AccountValueCsvRow>;

export const AccountValueImportQuery = z.object({ dryRun: QueryBoolean.default(false) });
export const AccountValueImportRow = z.object({
  line: z.number().int(),
  status: z.enum(['created', 'updated', 'error']),
  account: z.string().nullable(),
  accountId: z.uuid().nullable(),
  quarter: z.string().nullable(),
  errors: z.array(z.object({ column: z.string(), message: z.string() })),
});
export type AccountValueImportRow = z.infer<typeof AccountValueImportRow>;
export const AccountValueImportResult = z.object({
  dryRun: z.boolean(),
  created: z.number().int(),
  updated: z.number().int(),
  failed: z.number().int(),
  rows: z.array(AccountValueImportRow),
});

export const ValueReportQuery = z.object({
  /** The quarter analysed (default: the latest quarter with figures). */
  quarter: Quarter.optional(),
  /** How many quarters of trend up to that quarter (default 4). */
  quarters: z.coerce.number().int().min(1).max(40).default(4),
  format: ReportFormat,
});
export const ValueReport = z.object({
  quarter: z.string().nullable(),
  quarters: z.array(z.string()),
  pareto: z.object({
    accounts: z.number().int(),
    topCount: z.number().int(),
    topAccounts: z.array(z.object({ accountId: z.uuid(), name: z.string() })),
    totalRevenue: z.number().int(),
    totalGrossProfit: z.number().int(),
    totalContribution: z.number().int(),
    topRevenueShare: z.number().nullable(),
    topGrossProfitShare: z.number().nullable(),
    topContributionShare: z.number().nullable(),
  }),
  negativeContributors: z.array(
    z.object({ accountId: z.uuid(), name: z.string(), stage: Stage, contribution: z.number().int(), revenue: z.number().int() }),
  ),
  accounts: z.array(
    z.object({
      accountId: z.uuid(),
      name: z.string(),
      stage: Stage,
      points: z.array(TrendPoint),
      contributionSlope: z.number().nullable(),
      direction: z.enum(['rising', 'falling', 'flat']).nullable(),
    }),
  ),
});
export type ValueReport = z.infer<typeof ValueReport>;

// ── Partnership ─────────────────────────────────────────────────────────────────────────────────────────

const IndicatorFields = {
  name: z.string().trim().min(1, { message: 'is required' }).max(200),
  description: z.string().trim().max(1000).nullable(),
  position: z.number().int().min(0).max(1000),
  enabled: z.boolean(),
};
export const PartnershipIndicator = z.object({
  id: z.uuid(),
  key: z.string().nullable(),
  ...IndicatorFields,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type PartnershipIndicator = z.infer<typeof PartnershipIndicator>;
export const CreatePartnershipIndicator = z.strictObject({
  name: IndicatorFields.name,
  description: IndicatorFields.description.optional(),
  position: IndicatorFields.position.optional(),
  enabled: z.boolean().default(true),
});
export const UpdatePartnershipIndicator = z
  .strictObject(IndicatorFields)
  .partial()
  .refine((v) => Object.keys(v).length > 0, { message: 'nothing to update' });

export const PartnershipAnswer = z.enum(['yes', 'partly', 'no']);
export const CreatePartnershipAssessment = z.strictObject({
  /** When the assessment was made (default: now); not in the future. */
  assessedAt: z.iso.datetime({ offset: true, message: 'must be an ISO date-time' }).optional(),
  notes: z.string().trim().max(5000).nullable().optional(),
  answers: z
    .array(
      z.strictObject({
        indicatorId: z.uuid({ message: 'must be an indicator id (UUID)' }),
        answer: PartnershipAnswer,
        note: z.string().trim().max(1000).nullable().optional(),
      }),
    )
    .min(1, { message: 'answer at least one indicator' })
    .max(200)
    .refine((list) => new Set(list.map((a) => a.indicatorId)).size === list.length, { message: 'lists an indicator twice' }),
});
export type CreatePartnershipAssessment = z.infer<typeof CreatePartnershipAssessment>;

export const PartnershipAssessment = z.object({
  id: z.uuid(),
  accountId: z.uuid(),
  assessedAt: z.string(),
  assessedBy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  notes: z.string().nullable(),
  yes: z.number().int(),
  partly: z.number().int(),
  no: z.number().int(),
  /** (yes + ½ partly) / answered, in percent. */
  score: z.number().nullable(),
  answers: z.array(z.object({ indicatorId: z.uuid(), name: z.string(), answer: PartnershipAnswer, note: z.string().nullable() })),
});
export type PartnershipAssessment = z.infer<typeof PartnershipAssessment>;

export const AccountPartnership = z.object({
  accountId: z.uuid(),
  /** Oldest first. */
  assessments: z.array(PartnershipAssessment),
  trend: z.object({
    latest: z.number().nullable(),
    previous: z.number().nullable(),
    change: z.number().nullable(),
    direction: z.enum(['rising', 'falling', 'flat']).nullable(),
  }),
  /** "Supplier or partner" in the latest audit wave that has answers to it. */
  audit: z
    .object({ campaignName: z.string(), sentAt: z.string(), supplier: z.number().int(), partner: z.number().int() })
    .nullable(),
  /**
   * Evidence for the signal "joint action plans" (issue 14, part 3): the plan's joint goals and actions, who they are
   * shared with through a working link and when each last opened it, and the customer's comments. Null without a plan.
   */
  jointPlan: z
    .object({
      jointGoals: z.number().int(),
      jointActions: z.number().int(),
      sharedWith: z.array(z.object({ name: z.string(), lastViewedAt: z.string().nullable() })),
      customerComments: z.number().int(),
      /** One sentence: "2 joint actions shared with Ana Ruiz (last viewed 3 days ago)." */
      summary: z.string(),
    })
    .nullable(),
});
export type AccountPartnership = z.infer<typeof AccountPartnership>;

