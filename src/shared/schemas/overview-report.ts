import * as z from 'zod';
import { NpsReport, NpsReportPeriod, ReportConfidence, ReportDate, ReportGroupBy } from './report.js';
import { RiskReport } from './risk-report.js';
import { LoopManager, LoopMetrics } from './loop-report.js';
import '../validation-messages.js'; // plain-words validation messages, wherever these schemas are used

export const OverviewReportQuery = z
  .object({
    groupBy: ReportGroupBy.default('quarter'),
    /** The trend's and the splits' range, as GET /api/reports/nps takes it (default: the last two years). */
    from: ReportDate.optional(),
    to: ReportDate.optional(),
    confidence: ReportConfidence,
  })
  .superRefine((q, ctx) => {
    if (q.from && q.to && q.from > q.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'must not be before from' });
  });
export type OverviewReportQuery = z.infer<typeof OverviewReportQuery>;

export const OverviewSplit = z.enum(['industry', 'stage', 'owner']);
export type OverviewSplit = z.infer<typeof OverviewSplit>;

/** One group of a split: its latest period with answers, exactly as `GET /api/reports/nps?scope=<scope>` gives it. */
export const OverviewSplitRow = z.object({
  /** The group as the NPS trend's `scope` takes it: `industry:<name>`, `stage:<stage>` or `owner:<id>`. */
  scope: z.string(),
  /** The industry as written, the stage's key (`key_account`) or the owner's name. */
  label: z.string(),
  /** Null when nobody in the group answered in the range. */
  latest: NpsReportPeriod.nullable(),
});
export type OverviewSplitRow = z.infer<typeof OverviewSplitRow>;

export const OverviewReport = z.object({
  generatedAt: z.string(),
  /** The portfolio's trend: GET /api/reports/nps?scope=portfolio with the same range. */
  trend: NpsReport,
  /** The portfolio split by industry (A–Z), stage (in pipeline order) and owner (by name). */
  splits: z.object({
    industry: z.array(OverviewSplitRow),
    stage: z.array(OverviewSplitRow),
    owner: z.array(OverviewSplitRow),
  }),
  /** The Monday Morning Report: GET /api/reports/risk. */
  risk: RiskReport,
  /** Closing the loop, all time: GET /api/reports/loop without its per-account rows. */
  loop: z.object({ portfolio: LoopMetrics, managers: z.array(LoopManager) }),
});
export type OverviewReport = z.infer<typeof OverviewReport>;
