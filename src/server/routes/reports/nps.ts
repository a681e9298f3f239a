import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { invalid, notFound } from '../../http/errors.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth } from '../../http/auth.js';
import { loadAccountFor } from '../../http/access.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { compareNps, estimateNps, type Confidence, type NpsCounts } from '../../domain/nps-stats.js';
import { periodBounds, periodRange, periodStart } from '../../domain/periods.js';
import { instantAt, wallClockIn } from '../../domain/business-days.js';
import { getUser } from '../../db/queries/users.js';
import { countNpsInvitationsByPeriod, countNpsScoresByPeriod, type NpsScopeFilter } from '../../db/queries/nps-report.js';
import { npsCategory } from '../../../shared/answers.js';
import { toCsv } from '../../../shared/csv.js';
import {
  formatNpsScope,
  NpsReport,
  NpsReportQuery,
  type NpsChange,
  type NpsScope,
  type ReportGroupBy,
} from '../../../shared/schemas/report.js';

/**
 * The NPS trend: per period the promoters, passives and detractors, the NPS with its margin of error, invitations
 * sent and the response rate, and whether the NPS moved beyond the noise since the previous period with answers.
 *
 * Choices worth knowing:
 * - An answer counts in the period of its completion time, or of its last save while it is partial (a lone score
 *   click counts once the score exists); periods are cut on the local calendar of KEYPULSE_TIMEZONE.
 * - The range is widened to whole periods, so the first and last rows are as comparable as the others.
 * - The response rate divides the period's scored answers by the period's invitations; an invitation sent on
 *   31 March and answered on 2 April is a Q1 invitation and a Q2 answer, so a single period can exceed 100 %.
 * - For one account the invitations are the contact list that was asked, so the margin gets the finite-population
 *   correction with N = invitations (skipped when answers outnumber invitations, as in that boundary case).
 */

const pad = (n: number, width = 2) => String(n).padStart(width, '0');
const localDate = (at: Date, timeZone: string) => {
  const w = wallClockIn(at, timeZone);
  return `${pad(w.year, 4)}-${pad(w.month)}-${pad(w.day)}`;
};
const dateParts = (date: string) => {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/** The default range: the two years up to today on the local calendar. */
function defaultFrom(to: string): string {
  const { year, month, day } = dateParts(to);
  return new Date(Date.UTC(year - 2, month - 1, day)).toISOString().slice(0, 10);
}

/** What the query covers, checked for the caller: another manager's account or owner is a 404. */
async function resolveScope(c: Context<AppEnv>, scope: NpsScope): Promise<NpsScopeFilter> {
  const { user } = requireAuth(c);
  const mine = accountOwnerScope(user) ?? undefined;
  switch (scope.kind) {
    case 'portfolio':
      return { ownerId: mine };
    case 'account':
      await loadAccountFor(c, scope.id, 'view');
      return { accountId: scope.id };
    case 'owner': {
      if (mine && scope.id !== mine) throw notFound('user');
      if (!(await getUser(c.var.deps.db, scope.id))) throw notFound('user');
      return { ownerId: scope.id };
    }
    case 'industry':
      return { industry: scope.name, ownerId: mine };
    case 'stage':
      return { stage: scope.stage, ownerId: mine };
  }
}

type Figures = Omit<NpsReport['total'], 'change'>;

const round = (value: number | null, places = 2) => (value === null ? null : Number(value.toFixed(places)));

/** One row's figures from its counts, with the margin the domain computes. */
function figuresOf(counts: NpsCounts, invited: number, options: { confidence: Confidence; finitePopulation: boolean }) {
  const n = counts.promoters + counts.passives + counts.detractors;
  const population = options.finitePopulation && invited >= n ? invited : undefined;
  const estimate = estimateNps(counts, { confidence: options.confidence, population });
  const figures: Figures = {
    responses: estimate.responses,
    promoters: estimate.promoters,
    passives: estimate.passives,
    detractors: estimate.detractors,
    nps: round(estimate.nps),
    marginOfError: round(estimate.marginOfError),
    invited,
    responseRate: invited === 0 ? null : round(n / invited, 4),
  };
  return { figures, estimate: { nps: estimate.nps, margin: estimate.marginOfError } };
}

function changeOf(since: string, before: { nps: number | null; margin: number | null }, after: { nps: number | null; margin: number | null }): NpsChange | null {
  const compared = compareNps(before, after);
  if (compared.change === null) return null;
  return { since, change: round(compared.change)!, combinedMargin: round(compared.combinedMargin), significant: compared.significant };
}

function buildNpsReport(input: {
  scope: NpsScope;
  groupBy: ReportGroupBy;
  keys: string[];
  scores: { period: string; scores: Map<number, number> }[];
  invited: Map<string, number>;
  confidence: Confidence;
  timeZone: string;
  from: string;
  to: string;
}): NpsReport {
  const counts = new Map<string, NpsCounts>();
  const add = (into: NpsCounts, scores: Map<number, number>) => {
    // The category rule lives in one place (npsCategory); SQL only counts each score.
    for (const [score, n] of scores) {
      const category = npsCategory(score);
      if (category === 'promoter') into.promoters += n;
      else if (category === 'passive') into.passives += n;
      else into.detractors += n;
    }
  };
  const total: NpsCounts = { promoters: 0, passives: 0, detractors: 0 };
  for (const { period, scores } of input.scores) {
    const into = counts.get(period) ?? { promoters: 0, passives: 0, detractors: 0 };
    add(into, scores);
    add(total, scores);
    counts.set(period, into);
  }
  const options = { confidence: input.confidence, finitePopulation: input.scope.kind === 'account' };

  type Scored = { period: string; nps: number | null; margin: number | null };
  let previous: Scored | null = null as Scored | null;
  let first: Scored | null = null as Scored | null;
  let invitedTotal = 0;
  const periods = input.keys.map((period) => {
    const invited = input.invited.get(period) ?? 0;
    invitedTotal += invited;
    const { figures, estimate } = figuresOf(counts.get(period) ?? { promoters: 0, passives: 0, detractors: 0 }, invited, options);
    let change: NpsChange | null = null;
    if (estimate.nps !== null) {
      if (previous) change = changeOf(previous.period, previous, estimate);
      previous = { period, ...estimate };
      first ??= previous;
    }
    return { period, ...figures, change };
  });
  const whole = figuresOf(total, invitedTotal, options).figures;
  const totalChange = first && previous && first.period !== previous.period ? changeOf(first.period, first, previous) : null;
  return {
    scope: formatNpsScope(input.scope),
    groupBy: input.groupBy,
    from: input.from,
    to: input.to,
    confidence: input.confidence,
    timeZone: input.timeZone,
    periods,
    total: { ...whole, change: totalChange },
  };
}

const npsCsvHeader = [
  'period',
  'responses',
  'promoters',
  'passives',
  'detractors',
  'nps',
  'marginOfError',
  'invited',
  'responseRate',
  'changeSince',
  'change',
  'combinedMargin',
  'significant',
] as const;

function npsCsv(report: NpsReport): string {
  const row = (period: string, r: Figures & { change: NpsChange | null }) => [
    period,
    r.responses,
    r.promoters,
    r.passives,
    r.detractors,
    r.nps,
    r.marginOfError,
    r.invited,
    r.responseRate,
    r.change?.since,
    r.change?.change,
    r.change?.combinedMargin,
    r.change?.significant,
  ];
  return toCsv(npsCsvHeader, [...report.periods.map((p) => row(p.period, p)), row('total', report.total)]);
}

export const npsReportRoutes = new Hono<AppEnv>().get(
  '/nps',
  describe({
    summary: 'NPS trend per period with margins of error, invitations, response rate and significant changes',
    description:
      'scope = portfolio | account:<id> | owner:<id> | industry:<name> | stage:<stage>; groupBy = month | quarter | ' +
      'half_year | year; from/to are dates (default: the last two years), widened to whole periods in ' +
      'KEYPULSE_TIMEZONE. Empty periods are listed with a null NPS. `format=csv` answers the same rows as CSV, ' +
      'with a last row for the total. Managers see their own accounts only.',
    tags: ['Reports'],
    responses: { 200: NpsReport },
  }),
  valid('query', NpsReportQuery),
  async (c) => {
    const { db, config, clock } = c.var.deps;
    const q = c.req.valid('query');
    const timeZone = config.timeZone;
    const filter = await resolveScope(c, q.scope);

    const to = q.to ?? localDate(clock.now(), timeZone);
    const from = q.from ?? defaultFrom(to);
    if (from > to) throw invalid('from', `must not be after to (${to})`);
    let keys: string[];
    try {
      keys = periodRange(instantAt(dateParts(from), timeZone), instantAt(dateParts(to), timeZone), q.groupBy, timeZone);
    } catch (error) {
      if (error instanceof RangeError) throw invalid('to', `the range is too long: ${error.message}`);
      throw error;
    }
    // Each period's first instant in the company's time zone, from the domain: SQL only sorts answers into them.
    const periods = { starts: keys.map((key) => periodBounds(key, timeZone).start), end: periodBounds(keys[keys.length - 1]!, timeZone).end };

    const [scores, invitedByPeriod] = await Promise.all([
      countNpsScoresByPeriod(db, filter, periods),
      countNpsInvitationsByPeriod(db, filter, periods),
    ]);
    const report = buildNpsReport({
      scope: q.scope,
      groupBy: q.groupBy,
      keys,
      scores: scores.map((s) => ({ period: keys[s.period]!, scores: s.scores })),
      invited: new Map([...invitedByPeriod].map(([index, n]) => [keys[index]!, n])),
      confidence: q.confidence,
      timeZone,
      from: periodStart(keys[0]!),
      to: localDate(new Date(periods.end.getTime() - 1), timeZone),
    });

    if (q.format === 'csv') {
      await audit(c, 'export.downloaded', null, { what: 'nps_report', rows: report.periods.length + 1, filters: q });
      return c.body(npsCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="keypulse-nps-trend.csv"',
      });
    }
    return c.json(report);
  },
);
