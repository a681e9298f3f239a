import { Hono, type Context } from 'hono';
import type { AppEnv } from '../../http/context.js';
import { notFound } from '../../http/errors.js';
import { describe, valid } from '../../http/validate.js';
import { audit } from '../../http/audit.js';
import { requireAuth } from '../../http/auth.js';
import { loadAccountFor } from '../../http/access.js';
import { accountOwnerScope } from '../../domain/permissions.js';
import { getUser } from '../../db/queries/users.js';
import {
  countNpsInvitationsByPeriod,
  countNpsInvitationsByPeriodAndLevel,
  countNpsScoresByPeriod,
  countNpsScoresByPeriodAndLevel,
  latestWaveCoverage,
  type NpsScopeFilter,
} from '../../db/queries/nps-report.js';
import { buildNpsLevelTrends, buildNpsReport, npsReportRange } from '../../services/nps-report.js';
import { toCsv } from '../../domain/csv.js';
import { NpsReport, NpsReportQuery, type NpsChange, type NpsScope } from '../../../shared/schemas/report.js';

/**
 * The NPS trend (GET /api/reports/nps): the arithmetic and the choices behind it are in services/nps-report.ts, shared
 * with the overview.
 */

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
  'changeReason',
  'everyoneAnswered',
] as const;

function npsCsv(report: NpsReport): string {
  const row = (period: string, r: Figures & { change: NpsChange | null }): unknown[] => [
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
    r.change?.reason,
    r.everyoneAnswered,
  ];
  const rows = (trend: Pick<NpsReport, 'periods' | 'total'>) => [...trend.periods.map((p) => row(p.period, p)), row('total', trend.total)];
  if (!report.levels) return toCsv(npsCsvHeader, rows(report));
  // split=level: a first column says whose rows they are — `all`, then each level's periods and total.
  return toCsv(
    ['level', ...npsCsvHeader],
    [...rows(report).map((r) => ['all', ...r]), ...report.levels.flatMap((l) => rows(l).map((r) => [l.level, ...r]))],
  );
}

export const npsReportRoutes = new Hono<AppEnv>().get(
  '/nps',
  describe({
    summary: 'NPS trend per period with margins of error, invitations, response rate and significant changes',
    description:
      'scope = portfolio | account:<id> | owner:<id> | industry:<name> | stage:<stage>; groupBy = month | quarter | ' +
      'half_year | year; from/to are dates (default: the last two years), widened to whole periods in ' +
      'KEYPULSE_TIMEZONE. Empty periods are listed with a null NPS. `format=csv` answers the same rows as CSV, ' +
      'with a last row for the total. `split=level` adds `levels`: the same trend per decision level (instigator, ' +
      'influencer, implementer; the CSV then starts with a `level` column, `all` for the whole), and for ' +
      '`scope=account:<id>` `coverage`: per level, how many contacts the latest wave asked and how many answered. ' +
      'Managers see their own accounts only.',
    tags: ['Reports'],
    responses: { 200: NpsReport },
  }),
  valid('query', NpsReportQuery),
  async (c) => {
    const { db, config, clock } = c.var.deps;
    const q = c.req.valid('query');
    const timeZone = config.timeZone;
    const filter = await resolveScope(c, q.scope);
    const range = npsReportRange(clock.now(), timeZone, q);

    const [scores, invitedByPeriod] = await Promise.all([
      countNpsScoresByPeriod(db, filter, range.periods),
      countNpsInvitationsByPeriod(db, filter, range.periods),
    ]);
    const common = { scope: q.scope, groupBy: q.groupBy, range, confidence: q.confidence, timeZone };
    const report: NpsReport = buildNpsReport({
      ...common,
      scores: scores.map((s) => ({ period: range.keys[s.period]!, scores: s.scores })),
      invited: new Map([...invitedByPeriod].map(([index, n]) => [range.keys[index]!, n])),
    });
    if (q.split === 'level') {
      const [levelScores, levelInvited, wave] = await Promise.all([
        countNpsScoresByPeriodAndLevel(db, filter, range.periods),
        countNpsInvitationsByPeriodAndLevel(db, filter, range.periods),
        q.scope.kind === 'account' ? latestWaveCoverage(db, q.scope.id) : null,
      ]);
      report.levels = buildNpsLevelTrends({
        ...common,
        scores: levelScores.map((s) => ({ level: s.level, period: range.keys[s.period]!, scores: s.scores })),
        invited: levelInvited.map((i) => ({ level: i.level, period: range.keys[i.period]!, n: i.n })),
      });
      if (q.scope.kind === 'account') report.coverage = wave;
    }

    if (q.format === 'csv') {
      await audit(c, 'export.downloaded', null, { what: 'nps_report', rows: (report.periods.length + 1) * (1 + (report.levels?.length ?? 0)), filters: q });
      return c.body(npsCsv(report), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': 'attachment; filename="keypulse-nps-trend.csv"',
      });
    }
    return c.json(report);
  },
);
